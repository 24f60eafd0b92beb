"""Typed errors of the exhibition floor."""

from events.errors import RakwonError


class HallNotEmpty(RakwonError):
    code = "hall.not_empty"


class BoothPlacementError(RakwonError):
    code = "booth.placement"


class ExhibitorInUse(RakwonError):
    code = "exhibitor.in_use"


class PresentationError(RakwonError):
    code = "doc.error"

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


class FloorFileError(RakwonError):
    """A floor-plan CSV that cannot be read at all (size, encoding, header): nothing was checked."""

    code = "floor_import.file"


class FloorImportRefused(RakwonError):
    """Some rows of a floor-plan CSV are wrong: nothing was written. `check` says which and why."""

    code = "floor_import.rows"

    def __init__(self, message: str, *, check) -> None:
        super().__init__(message)
        self.check = check

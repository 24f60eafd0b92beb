"""Exhibitor staff as the events app sees them (events.registry.event_roles): they enter the live
event, chat shows them as staff, they moderate their own booths' chats, and their accounts stay
when a registration of theirs is deleted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from events.models import Event, User
from events.registry import EventRole

from ..models import ExhibitorStaff


def is_staff_in_event(user: User, event: Event) -> bool:
    if not user or not user.is_authenticated or event is None:
        return False
    return ExhibitorStaff.objects.filter(user=user, exhibitor__event=event).exists()


def is_staff_at(user: User, kind: str, place_id: int) -> bool:
    """Staff of the exhibitor at this booth (no other kind of place has exhibitor staff)."""
    if kind != "booth" or not user or not user.is_authenticated:
        return False
    return ExhibitorStaff.objects.filter(user=user, exhibitor__booths__pk=place_id).exists()


def staff_accounts(user_ids: list[int]) -> set[int]:
    return set(ExhibitorStaff.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))


exhibitor_staff = EventRole(
    of_event=is_staff_in_event, of_place=is_staff_at, accounts=staff_accounts, chat_label=_("Exhibitor staff")
)

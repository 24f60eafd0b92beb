"""Halls: create, reorder, delete (never orphaning a booth)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.errors import EventClosed, NotAllowed
from events.models import Event, User
from events.permissions import CHANGE_EVENT
from events.services.ordering import swap_with_neighbour
from events.single_line import clean_instance

from ..errors import HallNotEmpty
from ..models import Hall


def _refuse_if_closed(event: Event) -> None:
    if event.is_closed:
        raise EventClosed(_("This event is closed; its halls can no longer change."))


@transaction.atomic
def create_hall(event: Event, **fields) -> Hall:
    _refuse_if_closed(event)
    last = event.halls.aggregate(last=Max("position"))["last"]
    hall = Hall(event=event, position=(last + 1) if last is not None else 0, **fields)
    clean_instance(hall)
    hall.save()
    return hall


@transaction.atomic
def move_hall(hall: Hall, *, up: bool, by: User) -> None:
    """Swap a hall with its neighbour: earlier on the floor plan (`up`) or later."""
    _refuse_if_closed(hall.event)
    if not by.has_perm(CHANGE_EVENT, hall.event):
        raise NotAllowed(_("Only the event team can change its halls."))
    halls = Hall.objects.select_for_update().filter(event=hall.event).order_by("position", "id")
    swap_with_neighbour(halls, hall.pk, up=up)


@transaction.atomic
def delete_hall(hall: Hall) -> None:
    _refuse_if_closed(hall.event)
    count = hall.booths.count()
    if count:
        raise HallNotEmpty(
            ngettext(
                "“%(hall)s” still has %(count)d booth. Move it to another hall or delete it first.",
                "“%(hall)s” still has %(count)d booths. Move them to another hall or delete them first.",
                count,
            )
            % {"hall": hall.name, "count": count}
        )
    hall.delete()

"""Halls: create, reorder, delete (never orphaning a booth)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.errors import EventClosed
from events.models import Event
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
def move_hall(hall: Hall, direction: str) -> None:
    """Swap a hall with its neighbour: direction is "up" (earlier) or "down" (later)."""
    _refuse_if_closed(hall.event)
    halls = list(Hall.objects.select_for_update().filter(event=hall.event).order_by("position", "id"))
    index = next(i for i, each in enumerate(halls) if each.pk == hall.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(halls):
        return
    halls[index], halls[other] = halls[other], halls[index]
    for position, each in enumerate(halls):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


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

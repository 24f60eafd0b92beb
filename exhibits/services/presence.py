"""What the exhibition floor tells live presence: which halls and booths exist, and booth visits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from events.models import Attendee, Event
from events.registry import PresencePlace

from ..models import Booth, Hall
from .analytics import record_booth_visit


def find_hall(event: Event, hall_id: int) -> PresencePlace | None:
    if not Hall.objects.filter(event=event, pk=hall_id).exists():
        return None
    return PresencePlace("hall", hall_id)


def find_booth(event: Event, booth_id: int) -> PresencePlace | None:
    hall_id = Booth.objects.filter(event=event, pk=booth_id).values_list("hall_id", flat=True).first()
    if hall_id is None:
        return None
    return PresencePlace("booth", booth_id, parent=f"hall:{hall_id}")


def hall_of_booth(booth_id: int) -> str | None:
    hall_id = Booth.objects.filter(pk=booth_id).values_list("hall_id", flat=True).first()
    return f"hall:{hall_id}" if hall_id is not None else None


def halls_in_event(event_id: int) -> list[tuple[int, int | None]]:
    return [
        (pk, None)
        for pk in Hall.objects.filter(event_id=event_id).order_by("pk").values_list("pk", flat=True)
    ]


def booths_in_event(event_id: int) -> list[tuple[int, int | None]]:
    return list(Booth.objects.filter(event_id=event_id).order_by("pk").values_list("pk", "hall_id"))


def booths_in_hall(hall_id: int) -> list[int]:
    return list(Booth.objects.filter(hall_id=hall_id).order_by("pk").values_list("pk", flat=True))


def count_booth_visits(entries: Iterable[Any]) -> int:
    """Count a batch of entries into booths as visits (events.live.presence.entries.Entry objects).

    Booths and attendees are read in two queries for the whole batch; each visit is then counted
    by `record_booth_visit`, which ignores repeats within BOOTH_VISIT_REPEAT_MINUTES. Returns how
    many visits were counted.
    """
    visits = [entry for entry in entries if entry.kind == "booth"]
    if not visits:
        return 0
    booths = Booth.objects.select_related("event").in_bulk({entry.place_id for entry in visits})
    attendees = Attendee.objects.in_bulk({entry.attendee_id for entry in visits})
    counted = 0
    for entry in visits:
        booth, attendee = booths.get(entry.place_id), attendees.get(entry.attendee_id)
        if booth is not None and record_booth_visit(booth, attendee, at=entry.at):
            counted += 1
    return counted

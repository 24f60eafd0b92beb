"""The organiser's live view of an event: how many people are in its lobby, halls, booths and
sessions right now, read from the presence store (never from the database's visit log)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.db.models import Q

from events.models import Event
from events.registry import PresencePlace

from ..pushes import DashboardCounts
from .store import get_store


def _event_places(event_id: int) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(booth, hall) pairs, halls and sessions of the event.

    Read by the reverse relations' names (``booths``, ``halls``): events never imports exhibits.
    """
    event = Event.objects.get(pk=event_id)
    booths = list(event.booths.order_by("pk").values_list("pk", "hall_id"))
    halls = list(event.halls.order_by("pk").values_list("pk", flat=True))
    sessions = list(event.sessions.order_by("pk").values_list("pk", flat=True))
    return booths, halls, sessions


async def event_counts(event_id: int) -> DashboardCounts:
    """People present per place of the event, and in all.

    A hall's figure is its hall page plus its booths: "in hall 2" as a visitor would say it.
    `online` adds up every place, so a person with tabs open in two places counts twice.
    """
    booths, halls, sessions = await database_sync_to_async(_event_places)(event_id)
    keys = [
        f"lobby:{event_id}",
        *(f"hall:{hall}" for hall in halls),
        *(f"booth:{booth}" for booth, _hall in booths),
        *(f"session:{session}" for session in sessions),
    ]
    states = await get_store().states(keys)  # one round trip, every figure of the same moment
    lobby = states[f"lobby:{event_id}"][0]
    hall_counts = {hall: states[f"hall:{hall}"][0] for hall in halls}
    booth_counts: dict[str, int] = {}
    for booth, hall in booths:
        count = states[f"booth:{booth}"][0]
        booth_counts[str(booth)] = count
        hall_counts[hall] = hall_counts.get(hall, 0) + count
    session_counts = {str(session): states[f"session:{session}"][0] for session in sessions}
    online = lobby + sum(hall_counts.values()) + sum(session_counts.values())
    return DashboardCounts(
        online=online,
        lobby=lobby,
        halls={str(hall): count for hall, count in hall_counts.items()},
        booths=booth_counts,
        sessions=session_counts,
    )


def _events_of(places: list[PresencePlace]) -> set[int]:
    ids = {kind: [p.id for p in places if p.kind == kind] for kind in ("hall", "booth", "session")}
    found = {p.id for p in places if p.kind == "lobby"}
    if any(ids.values()):
        query = Q(halls__in=ids["hall"]) | Q(booths__in=ids["booth"]) | Q(sessions__in=ids["session"])
        found.update(Event.objects.filter(query).values_list("pk", flat=True).distinct())
    return found


async def events_of(places: list[PresencePlace]) -> set[int]:
    """The events these places belong to (one query, however many places)."""
    return await database_sync_to_async(_events_of)(places)

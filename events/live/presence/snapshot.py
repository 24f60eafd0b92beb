"""The organiser's live view of an event: how many people are in its lobby and in each of its
places (every registered kind) right now, read from the presence store (never from the
database's visit log)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.db.models import Q

from events.models import Event
from events.registry import PresencePlace, presence_places

from .store import get_store


def _event_places(event_id: int) -> dict[str, list[tuple[int, int | None]]]:
    """Each registered kind's places in the event, as (id, id of the place it is inside)."""
    return {kind: place_kind.event_places(event_id) for kind, place_kind in presence_places.items()}


async def event_counts(event_id: int) -> dict[str, Any]:
    """People present per place of the event, and in all (events.live.pushes.DashboardCounts).

    A place's figure includes the places inside it (PlaceKind.child_kind): "in there" as a
    visitor would say it. `online` adds up every place, so a person with tabs open in two places
    counts twice.
    """
    found = await database_sync_to_async(_event_places)(event_id)
    keys = [f"lobby:{event_id}", *(f"{kind}:{pk}" for kind, places in found.items() for pk, _outer in places)]
    states = await get_store().states(keys)  # one round trip, every figure of the same moment
    lobby = states[f"lobby:{event_id}"][0]
    totals = {
        kind: {pk: states[f"{kind}:{pk}"][0] for pk, _outer in places} for kind, places in found.items()
    }
    outer_kind = {kind.child_kind: name for name, kind in presence_places.items() if kind.child_kind}
    for kind, places in found.items():
        outer = totals.get(outer_kind.get(kind, ""))
        if outer is None:
            continue
        for pk, outer_pk in places:
            if outer_pk is not None:
                outer[outer_pk] = outer.get(outer_pk, 0) + states[f"{kind}:{pk}"][0]
    online = lobby + sum(sum(counts.values()) for kind, counts in totals.items() if kind not in outer_kind)
    return {
        "online": online,
        "lobby": lobby,
        **{
            presence_places[kind].plural: {str(pk): count for pk, count in counts.items()}
            for kind, counts in totals.items()
        },
    }


def _events_of(places: list[PresencePlace]) -> set[int]:
    found = {p.id for p in places if p.kind == "lobby"}
    query = Q()
    for kind, place_kind in presence_places.items():
        ids = [p.id for p in places if p.kind == kind]
        if ids:
            query |= Q(**{f"{place_kind.event_relation}__in": ids})
    if query:
        found.update(Event.objects.filter(query).values_list("pk", flat=True).distinct())
    return found


async def events_of(places: list[PresencePlace]) -> set[int]:
    """The events these places belong to (one query, however many places)."""
    return await database_sync_to_async(_events_of)(places)

"""Entering and leaving places over the live socket: one place per connection at a time.

Booths hear each join and leave as it happens (names only of people who chose to be visible);
halls, the lobby and sessions hear counts, coalesced into ticks (events.presence.ticker).
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from ..errors import RakwonError
from ..live import booth_group, hall_group, lobby_group, push_to_group, session_group
from ..registry import PresencePlace, presence_places
from . import entries, ticker
from .store import Person, get_store

GROUPS = {"booth": booth_group, "hall": hall_group, "session": session_group, "lobby": lobby_group}

# The sockets of this process, for the silent-client sweep.
_local: set[Any] = set()


class PresenceError(RakwonError):
    code = "presence.invalid"


def group_for(place: PresencePlace) -> str:
    return GROUPS[place.kind](place.id)


def person_of(connection) -> Person:
    """What others may know: the attendee's name only if they chose to be visible."""
    attendee = connection.attendee
    name = attendee.public_name if attendee is not None else None
    return {"person": attendee.pk if name else None, "name": name}


def local_connections() -> set[Any]:
    return _local


async def track(connection) -> None:
    _local.add(connection)
    await ticker.start()


async def find(connection, kind: str, place_id: Any) -> PresencePlace:
    if kind == "lobby":
        return PresencePlace("lobby", connection.event.pk)
    if isinstance(place_id, bool) or not isinstance(place_id, int):
        raise PresenceError(_("Say which %(kind)s by its number.") % {"kind": kind}, code="presence.invalid")
    place = await database_sync_to_async(presence_places.find)(connection.event, kind, place_id)
    if place is None:
        raise PresenceError(
            _("There is no such place in this event; reload the page."), code="presence.no_place"
        )
    return place


def find_session(event, session_id: int) -> PresencePlace | None:
    from ..models import Session

    if not Session.objects.filter(event=event, pk=session_id).exists():
        return None
    return PresencePlace("session", session_id)


async def enter(connection, place: PresencePlace) -> dict[str, Any]:
    """Move the connection into `place` (leaving where it was); the place as the client sees it."""
    if getattr(connection, "place", None) != place:
        await leave(connection)
        person = person_of(connection)
        connection.place = place
        first = await get_store().add(place.key, connection.connection_id, connection.user.pk, person)
        if first and place.kind == "booth":
            # Announced before joining the group: the newcomer learns the room from the reply.
            count = await get_store().count(place.key)
            joined = {"booth": place.id, "count": count, **person}
            await push_to_group(group_for(place), "booth.joined", joined)
        await connection.join_group(group_for(place))
        ticker.mark(place)
        if connection.attendee is not None:
            entries.note_entry(place, connection.attendee.pk)  # written in the next batch
    return await describe(place)


async def leave(connection) -> None:
    """Take the connection out of its place, if any; a person's last tab leaving is a leave."""
    place = getattr(connection, "place", None)
    if place is None:
        return
    connection.place = None
    await connection.leave_group(group_for(place))
    person = await get_store().remove(place.key, connection.connection_id, connection.user.pk)
    if person is not None:
        await announce_leave(place, person)


async def announce_leave(place: PresencePlace, person: Person) -> None:
    if place.kind == "booth":
        count = await get_store().count(place.key)
        await push_to_group(group_for(place), "booth.left", {"booth": place.id, "count": count, **person})
    ticker.mark(place)


async def place_of(kind: str, place_id: int) -> PresencePlace:
    """A place known only by its key (e.g. swept from a dead process), with its parent."""
    return await database_sync_to_async(presence_places.rebuild)(kind, place_id)


async def forget(connection) -> None:
    """The socket closed: leave its place and stop watching it."""
    _local.discard(connection)
    await leave(connection)


async def describe(place: PresencePlace) -> dict[str, Any]:
    store = get_store()
    count = await store.count(place.key)
    if place.kind == "hall":
        # A newcomer sees the booth cards' counts at once, not only after the next change.
        booths = await database_sync_to_async(presence_places.children)("hall", place.id)
        counts = {str(booth): await store.count(f"booth:{booth}") for booth in booths}
        return {"hall": place.id, "count": count, "booths": {b: n for b, n in counts.items() if n}}
    if place.kind != "booth":
        return {place.kind: place.id, "count": count}
    people = await store.people(place.key)
    named = sorted((p for p in people if p.get("name")), key=lambda p: (p["name"], p["person"]))
    return {"booth": place.id, "count": count, "people": named, "anonymous": count - len(named)}


async def sweep_silent(silent_seconds: float) -> int:
    """Close this process's sockets that have said nothing for too long; how many were closed."""
    limit = time.monotonic() - silent_seconds
    silent = [connection for connection in list(_local) if connection.last_heard < limit]
    for connection in silent:
        await forget(connection)
        await connection.channel_layer.send(connection.channel_name, {"type": "live.silent"})
    return len(silent)

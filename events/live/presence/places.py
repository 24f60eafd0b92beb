"""Entering and leaving places over the live socket: one place per connection at a time.

Small booths hear each join and leave as it happens (names only of people who chose to be
visible). A booth above PRESENCE_BOOTH_CROWD people, and every hall, lobby and session, hears its
count once per tick instead (events.live.presence.ticker), read from the store with its version; "who's
here" is then the first names and a count, the rest paged on request (`presence.who`).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import gettext as _

from events.errors import RakwonError
from events.registry import PresencePlace, presence_places

from ..connection import LiveConnection
from ..groups import booth_group, push_to_group
from ..pushes import BoothDiff
from . import entries, ticker
from .store import Change, Person, PresenceBusy, get_store

log = logging.getLogger(__name__)

# The sockets of this process, for the silent-client sweep, and by place, for the tick's pushes.
_local: set[LiveConnection] = set()
_members: dict[PresencePlace, set[LiveConnection]] = defaultdict(set)
# Leaves the store could not take when their socket closed (pool saturated): retried each tick.
_unfinished: list[tuple[PresencePlace, str, int]] = []

CURSOR_MAX_CHARS = 400
# Places found in the database, by (event, kind, id), reused this long (a removed booth can still
# be entered for that long, and is then empty); at most this many are kept.
PLACE_FOUND_SECONDS = 30.0
PLACES_FOUND_MAX = 10_000
_found: dict[tuple[int, str, int], tuple[float, PresencePlace]] = {}


class PresenceError(RakwonError):
    code = "presence.invalid"


def person_of(connection: LiveConnection) -> Person:
    """What others may know: the attendee's name only if they chose to be visible."""
    attendee = connection.attendee
    name = attendee.public_name if attendee is not None else None
    return {"person": attendee.pk if name else None, "name": name}


def local_connections() -> set[LiveConnection]:
    return _local


def local_places() -> dict[PresencePlace, set[LiveConnection]]:
    """Each place that has sockets of this process in it, with those sockets."""
    return _members


def crowd_size() -> int:
    return int(settings.PRESENCE_BOOTH_CROWD)


async def track(connection: LiveConnection) -> None:
    _local.add(connection)
    await ticker.start()


async def find(connection: LiveConnection, kind: str, place_id: Any) -> PresencePlace:
    if kind == "lobby":
        return PresencePlace("lobby", connection.event.pk)
    if isinstance(place_id, bool) or not isinstance(place_id, int):
        raise PresenceError(_("Say which %(kind)s by its number.") % {"kind": kind}, code="presence.invalid")
    # Halls and booths are found once per PLACE_FOUND_SECONDS, not on every entry: a crowd's
    # thousand entries must not queue for the one thread the handlers share for the database.
    key, now = (connection.event.pk, kind, place_id), time.monotonic()
    known = _found.get(key)
    if known is not None and now - known[0] < PLACE_FOUND_SECONDS:
        return known[1]
    place = await database_sync_to_async(presence_places.find)(connection.event, kind, place_id)
    if place is not None:  # only what exists is remembered: a new booth is found at once
        if len(_found) > PLACES_FOUND_MAX:
            _found.clear()
        _found[key] = (now, place)
    if place is None:
        raise PresenceError(
            _("There is no such place in this event; reload the page."), code="presence.no_place"
        )
    return place


def find_session(event, session_id: int) -> PresencePlace | None:
    from events.models import Session

    if not Session.objects.filter(event=event, pk=session_id).exists():
        return None
    return PresencePlace("session", session_id)


def _diff(place: PresencePlace, change: Change) -> BoothDiff:
    person = change.person or {}
    return BoothDiff(
        booth=place.id,
        count=change.count,
        version=change.version,
        person=person.get("person"),
        name=person.get("name"),
    )


async def enter(connection: LiveConnection, place: PresencePlace) -> dict[str, Any]:
    """Move the connection into `place` (leaving where it was); the place as the client sees it."""
    if getattr(connection, "place", None) != place:
        await leave(connection)
        person = person_of(connection)
        # Stored first: if the store is busy the connection is nowhere, and asking again retries.
        change = await get_store().join(place.key, connection.connection_id, connection.user.pk, person)
        connection.place = place
        _members[place].add(connection)
        if place.kind == "booth" and change.count <= crowd_size():
            # A small booth's diffs. Announced before joining the group: the newcomer learns the
            # room from the reply. Who arrives in a crowd joins no group: the tick tells them.
            if change.person is not None:
                await push_to_group(booth_group(place.id), "booth.joined", _diff(place, change))
            await connection.join_group(booth_group(place.id))
        ticker.mark(place)
        if connection.attendee is not None:
            entries.note_entry(place, connection.attendee.pk)  # written in the next batch
    return await describe(place, team=connection.is_team)


def _unlist(connection: LiveConnection, place: PresencePlace) -> None:
    members = _members.get(place)
    if members is not None:
        members.discard(connection)
        if not members:
            del _members[place]


async def leave(connection: LiveConnection) -> None:
    """Take the connection out of its place, if any; a person's last tab leaving is a leave."""
    place = getattr(connection, "place", None)
    if place is None:
        return
    connection.place = None
    _unlist(connection, place)
    if place.kind == "booth":
        await connection.leave_group(booth_group(place.id))  # if it joined one (a small booth)
    try:
        change = await get_store().part(place.key, connection.connection_id, connection.user.pk)
    except PresenceBusy:
        # The pool stayed saturated: the leave is kept and retried by the tick, so a closed
        # socket never stays counted and never costs a traceback.
        _unfinished.append((place, connection.connection_id, connection.user.pk))
        log.warning("presence store busy: the leave from %s waits for the next tick", place.key)
        return
    await announce_leave(place, change)


async def announce_leave(place: PresencePlace, change: Change) -> None:
    """A person left `place`: a small booth hears it at once; every view hears the count's tick."""
    if change.person is None:
        return
    if place.kind == "booth" and change.count < crowd_size():
        await push_to_group(booth_group(place.id), "booth.left", _diff(place, change))
    ticker.mark(place)


async def place_of(kind: str, place_id: int) -> PresencePlace:
    """A place known only by its key (e.g. swept from a dead process), with its parent."""
    return await database_sync_to_async(presence_places.rebuild)(kind, place_id)


async def forget(connection: LiveConnection) -> None:
    """The socket closed: leave its place and stop watching it."""
    _local.discard(connection)
    await leave(connection)


async def finish_leaves() -> None:
    """Retry the leaves a busy store could not take (from the tick)."""
    while _unfinished:
        place, connection_id, user_id = _unfinished[0]
        change = await get_store().part(place.key, connection_id, user_id)  # PresenceBusy: next tick
        _unfinished.pop(0)
        await announce_leave(place, change)


def page_size(*, team: bool) -> int:
    return int(settings.PRESENCE_WHO_PAGE_TEAM) if team else crowd_size()


async def who(
    place: PresencePlace, *, after: Any = None, limit: Any = None, team: bool = False
) -> dict[str, Any]:
    """A page of a booth's visible names, from `after` (the `next` of the page before)."""
    if after is not None and (not isinstance(after, str) or len(after) > CURSOR_MAX_CHARS):
        raise PresenceError(
            _("Ask for the next page with the “next” of the page before."), code="presence.invalid"
        )
    most = page_size(team=team)
    if limit is None:
        limit = most
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise PresenceError(
            _("Ask for between 1 and %(most)s names at a time.") % {"most": most}, code="presence.invalid"
        )
    page = await get_store().page(place.key, after=after or None, limit=limit)
    return {
        "booth": place.id,
        "count": page.count,
        "version": page.version,
        "people": page.people,
        "anonymous": page.count - page.visible,
        "next": page.next,
    }


async def hall_state(hall_id: int, booths: list[int]) -> dict[str, Any]:
    """A hall's count and its booths' counts, each with its version, read at one moment."""
    keys = [f"hall:{hall_id}", *(f"booth:{booth}" for booth in booths)]
    states = await get_store().states(keys)
    count, version = states[keys[0]]
    return {
        "hall": hall_id,
        "count": count,
        "version": version,
        "booths": {str(b): states[f"booth:{b}"][0] for b in booths if states[f"booth:{b}"][0]},
        "versions": {str(b): states[f"booth:{b}"][1] for b in booths if states[f"booth:{b}"][1]},
    }


async def describe(place: PresencePlace, *, team: bool = False) -> dict[str, Any]:
    if place.kind == "hall":
        # A newcomer sees the booth cards' counts at once, not only after the next change.
        booths = await ticker.booths_of(place.id)
        return await hall_state(place.id, booths)
    if place.kind == "booth":
        return await who(place, team=team)
    count, version = (await get_store().states([place.key]))[place.key]
    return {place.kind: place.id, "count": count, "version": version}


async def sweep_silent(silent_seconds: float) -> int:
    """Close this process's sockets that have said nothing for too long; how many were closed."""
    limit = time.monotonic() - silent_seconds
    silent = [connection for connection in list(_local) if connection.last_heard < limit]
    for connection in silent:
        await forget(connection)
        await get_channel_layer().send(connection.channel_name, {"type": "live.silent"})
    return len(silent)

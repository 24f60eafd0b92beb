"""Entering and leaving places over the live socket: one place per connection at a time.

The kinds of place are registered (events.registry.presence_places); the lobby is the event's
own. A small place that shows its people (PlaceKind.people) hears each join and leave as it
happens (names only of people who chose to be visible). Above PRESENCE_BOOTH_CROWD people, and in
every other place, the count comes once per tick instead (events.live.presence.ticker), read from
the store with its version; "who's here" is then the first names and a count, the rest paged on
request (`presence.who`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from functools import partial
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import gettext as _

from events.errors import RakwonError
from events.models import Session
from events.registry import PresencePlace, presence_places

from ..connection import LiveConnection
from ..groups import place_group, push_to_group
from . import entries, ticker
from .store import Change, Person, PresenceBusy, get_store

log = logging.getLogger(__name__)

# The sockets of this process, for the silent-client sweep, and by place, for the tick's pushes.
_local: set[LiveConnection] = set()
_members: dict[PresencePlace, set[LiveConnection]] = defaultdict(set)
# Leaves the store could not take when their socket closed (pool saturated): retried each tick.
_unfinished: list[tuple[PresencePlace, str, int]] = []

CURSOR_MAX_CHARS = 400
# Places found in the database, by (event, kind, id), reused this long (a removed place can still
# be entered for that long, and is then empty); at most this many are kept. A place entered in
# the last REFIND_SHARE of its lifetime is looked up again beside the entry, so a place in use
# stays found; lookups of one place at the same time share one query (_finding).
PLACE_FOUND_SECONDS = 30.0
PLACES_FOUND_MAX = 10_000
REFIND_SHARE = 0.25
_found: dict[tuple[int, str, int], tuple[float, PresencePlace]] = {}
_finding: dict[tuple[int, str, int], asyncio.Task] = {}


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
    # Places are found once per PLACE_FOUND_SECONDS, not on every entry: a crowd's
    # thousand entries must not queue for the one thread the handlers share for the database.
    key, now = (connection.event.pk, kind, place_id), time.monotonic()
    known = _found.get(key)
    if known is not None and now - known[0] < PLACE_FOUND_SECONDS:
        if now - known[0] > PLACE_FOUND_SECONDS * (1 - REFIND_SHARE):
            _look_up(key, connection.event)  # beside the entry: this one is still good
        return known[1]
    # asyncio.shield: an entry whose socket closes meanwhile does not cancel the others' lookup.
    place = await asyncio.shield(_look_up(key, connection.event))
    if place is None:
        raise PresenceError(
            _("There is no such place in this event; reload the page."), code="presence.no_place"
        )
    return place


def _look_up(key: tuple[int, str, int], event) -> asyncio.Task:
    """The lookup of a place in the database, shared by every entry that wants it meanwhile."""
    task = _finding.get(key)
    if task is None:
        task = _finding[key] = asyncio.get_running_loop().create_task(_find_and_keep(key, event))
        task.add_done_callback(partial(_looked_up, key))
    return task


def _looked_up(key: tuple[int, str, int], done: asyncio.Task) -> None:
    if _finding.get(key) is done:
        del _finding[key]
    if not done.cancelled() and done.exception() is not None:  # seen here even if nobody waited
        log.warning("looking up %s %s failed: %r", key[1], key[2], done.exception())


async def _find_and_keep(key: tuple[int, str, int], event) -> PresencePlace | None:
    _event_id, kind, place_id = key
    asked_at = time.monotonic()
    place = await database_sync_to_async(presence_places.find)(event, kind, place_id)
    if place is None:  # only what exists is remembered: a new place is found at once
        _found.pop(key, None)
        return None
    if len(_found) > PLACES_FOUND_MAX:
        _found.clear()
    _found[key] = (asked_at, place)
    return place


def find_session(event, session_id: int) -> PresencePlace | None:
    if not Session.objects.filter(event=event, pk=session_id).exists():
        return None
    return PresencePlace("session", session_id)


def sessions_in_event(event_id: int) -> list[tuple[int, int | None]]:
    return [
        (pk, None)
        for pk in Session.objects.filter(event_id=event_id).order_by("pk").values_list("pk", flat=True)
    ]


def shows_people(place: PresencePlace) -> bool:
    kind = presence_places.get(place.kind)
    return kind is not None and kind.people


def _diff(place: PresencePlace, change: Change) -> dict[str, Any]:
    """The "<kind>.joined" / "<kind>.left" push (its shape: events.live.pushes)."""
    person = change.person or {}
    return {
        place.kind: place.id,
        "count": change.count,
        "version": change.version,
        "person": person.get("person"),
        "name": person.get("name"),
    }


async def enter(connection: LiveConnection, place: PresencePlace) -> dict[str, Any]:
    """Move the connection into `place` (leaving where it was); the place as the client sees it."""
    if getattr(connection, "place", None) != place:
        await leave(connection)
        person = person_of(connection)
        # Stored first: if the store is busy the connection is nowhere, and asking again retries.
        change = await get_store().join(place.key, connection.connection_id, connection.user.pk, person)
        connection.place = place
        _members[place].add(connection)
        if shows_people(place) and change.count <= crowd_size():
            # A small place's diffs. Announced before joining the group: the newcomer learns the
            # room from the reply. Who arrives in a crowd joins no group: the tick tells them.
            group = place_group(place.kind, place.id)
            if change.person is not None:
                await push_to_group(group, f"{place.kind}.joined", _diff(place, change))
            await connection.join_group(group)
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
    if shows_people(place):
        await connection.leave_group(place_group(place.kind, place.id))  # if it joined (a small place)
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
    """A person left `place`: a small place showing its people hears it at once; every view hears
    the count's tick."""
    if change.person is None:
        return
    if shows_people(place) and change.count < crowd_size():
        await push_to_group(place_group(place.kind, place.id), f"{place.kind}.left", _diff(place, change))
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
    """A page of a place's visible names, from `after` (the `next` of the page before)."""
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
        place.kind: place.id,
        "count": page.count,
        "version": page.version,
        "people": page.people,
        "anonymous": page.count - page.visible,
        "next": page.next,
    }


def children_key(place: PresencePlace) -> tuple[str, str]:
    """(the kind of the places inside `place`, the plural its frames name their counts by), or
    ("", "") for a place with nothing inside."""
    kind = presence_places.get(place.kind)
    child = presence_places.get(kind.child_kind) if kind is not None and kind.children else None
    return (kind.child_kind, child.plural) if child is not None else ("", "")


async def container_state(place: PresencePlace, children: list[int]) -> dict[str, Any]:
    """A place's count and the counts of the places inside it, each with its version, read at one
    moment (its shape: events.live.pushes)."""
    child_kind, plural = children_key(place)
    keys = [place.key, *(f"{child_kind}:{child}" for child in children)]
    states = await get_store().states(keys)
    count, version = states[keys[0]]
    inside = [(child, states[f"{child_kind}:{child}"]) for child in children]
    return {
        place.kind: place.id,
        "count": count,
        "version": version,
        plural: {str(child): state[0] for child, state in inside if state[0]},
        "versions": {str(child): state[1] for child, state in inside if state[1]},
    }


async def describe(place: PresencePlace, *, team: bool = False) -> dict[str, Any]:
    if children_key(place)[0]:
        # A newcomer sees the counts of the places inside at once, not only after the next change.
        return await container_state(place, await ticker.children_of(place))
    if shows_people(place):
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

"""The presence tick: once per PRESENCE_TICK_SECONDS, every view in this process is brought up to
the store.

Each process pushes to its own sockets only, from what the store says now: it reads the count and
version of every place its sockets are in (one round trip), and sends a place's sockets one frame
when the version moved since the last frame it sent them. So a crowd in any place
costs one frame per socket per tick, a push lost or overtaken is corrected by the next tick, and
a leave swept from a dead process reaches every view without anyone announcing it. Each tick also
beats this process's heartbeat, sweeps silent sockets and dead processes, updates the organiser
dashboards, and writes the batch of place entries (events.registry.presence_listeners) when it
is due.

The counts keep their cadence whatever the database does: the tick starts every
PRESENCE_TICK_SECONDS from the last start (not that long after the last end), and the work that
waits on the database (the dashboards, the visit log, the chores, the list of places inside a
place) goes on in its own task beside it, one at a time, never in front of the next count.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from redis.exceptions import RedisError

from events.registry import PresencePlace, presence_places

from .. import protocol
from ..connection import LiveConnection
from ..groups import dashboard_group, push_to_group
from ..pushes import LobbyCount
from . import entries, snapshot
from .store import Change, PresenceBusy, get_store

log = logging.getLogger(__name__)

CHILDREN_SECONDS = 10.0  # how long the list of places inside a place is reused before it is read again

_dirty: set[PresencePlace] = set()  # changed by this process: for the dashboards
_sent: dict[PresencePlace, int] = {}  # the version this process last sent its sockets in a place
# (place, id of a place inside it) -> that one's version last sent to the outer place's views
_sent_inside: dict[tuple[PresencePlace, int], int] = {}
_sent_people: dict[PresencePlace, list] = {}  # the first names last sent to a place's sockets
_newcomers: set[PresencePlace] = set()  # places with sockets that have not had a tick frame yet
_children: dict[PresencePlace, tuple[float, list[int]]] = {}
_task: asyncio.Task | None = None
_upkeep: asyncio.Task | None = None  # the database side of the last tick (dashboards, visits, chores)
_refreshing: dict[PresencePlace, asyncio.Task] = {}  # lists of places inside, being read again
_working = False  # the tick task is inside a step (database work may be under way in a thread)
_stopping = False  # stop() asked the tick to end after the step under way


@dataclass
class Chore:
    """Work the process holding the sockets does now and then, beside its tick: what only it can
    see (the embedded mode's presence lives in its memory). `run` is synchronous (it may use the
    database); it runs in the database thread, and a failure is logged, never raised."""

    name: str
    every: float  # seconds
    run: Callable[[], object]
    due: float = 0.0  # time.monotonic() when it next runs


chores: list[Chore] = []


def add_chore(name: str, every: float, run: Callable[[], object], *, due: float | None = None) -> None:
    chores.append(Chore(name, every, run, time.monotonic() + every if due is None else due))


async def run_due_chores() -> None:
    now = time.monotonic()
    for chore in chores:
        if now < chore.due:
            continue
        chore.due = now + chore.every
        try:
            await database_sync_to_async(chore.run)()
        except Exception:  # one chore failing must not stop the tick or the other chores
            log.exception("presence chore %r failed", chore.name)


def mark(place: PresencePlace) -> None:
    """`place`'s count changed here: the dashboards hear of it with the next tick."""
    _dirty.add(place)
    _newcomers.add(place)


async def start() -> None:
    """Run the tick in this event loop unless it runs already."""
    global _task
    loop = asyncio.get_running_loop()
    if _task is not None and not _task.done() and _task.get_loop() is loop:
        return
    # Beat before the first socket is stored, so no sweeper takes this process for dead.
    await get_store().heartbeat()
    _task = loop.create_task(_run(), name="presence-ticker")


async def _run() -> None:
    from . import places

    global _working
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        period = float(settings.PRESENCE_TICK_SECONDS)
        # From the last start: a tick that took long is followed at once, never by a whole period.
        due = max(due + period, loop.time())
        await asyncio.sleep(due - loop.time())
        _working = True
        try:
            try:
                await tick(upkeep=False)
            except (PresenceBusy, RedisError) as failure:  # Redis saturated or away: the next tick retries
                log.warning("presence tick skipped: %s", failure)
            except Exception:  # a failed tick must not stop the next one
                log.exception("presence tick failed")
            _start_upkeep()
            if _stopping or (not places.local_connections() and not _dirty):
                await _finish_upkeep()
                try:
                    await entries.flush()  # the last visits before going quiet
                except Exception:
                    log.exception("writing presence entries failed")
                return  # nothing to watch; the next connection starts the tick again
        finally:
            _working = False


def _start_upkeep() -> None:
    """The tick's database work, in its own task: one at a time (a slow one is not stacked up;
    what changed meanwhile goes with the next)."""
    global _upkeep
    if _upkeep is None or _upkeep.done():
        _upkeep = asyncio.get_running_loop().create_task(upkeep(), name="presence-upkeep")


async def _finish_upkeep() -> None:
    """Wait for the upkeep under way (it is never cut off inside its database work)."""
    task = _upkeep
    if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
        await asyncio.wait({task})


async def upkeep() -> None:
    """What waits on the database, beside the counts: the organiser dashboards of the places
    that changed, the batch of visits when due, the chores. A failure is logged; the next tick
    starts it again."""
    try:
        changed = list(_dirty)
        _dirty.clear()
        if changed:
            try:
                await push_dashboards(changed)
            except BaseException:
                _dirty.update(changed)  # they go with the next one
                raise
        if entries.due():
            await entries.flush()
    except (PresenceBusy, RedisError) as failure:
        log.warning("presence dashboards skipped: %s", failure)
    except Exception:
        log.exception("presence upkeep failed")
    await run_due_chores()


async def stop(timeout: float = 10.0) -> None:
    """End this loop's tick and wait for it: a process shutting down, a test ending. A tick is
    never cut off inside its database work (a write left running in a thread would outlive the
    loop); a tick asleep is simply cancelled. The last visits are written on the way out."""
    global _stopping
    task = _task
    if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
        return
    if _working:
        _stopping = True
    else:
        task.cancel()
    try:
        await asyncio.wait({task}, timeout=timeout)
    finally:
        _stopping = False
    await _finish_upkeep()
    if not _working:
        await entries.flush()


async def tick(*, upkeep: bool = True) -> None:
    """One tick: the sockets' counts, then (unless the caller runs it apart) the upkeep."""
    from . import places

    store = get_store()
    await store.heartbeat()
    await places.sweep_silent(float(settings.PRESENCE_SILENT_SECONDS))
    await places.finish_leaves()
    for key, person in await store.sweep_dead():
        kind, _sep, place_id = key.partition(":")
        place = await places.place_of(kind, int(place_id))
        _dirty.add(place)
        count, version = (await store.states([key]))[key]
        await places.announce_leave(place, Change(person, count, version))
    await flush(dashboards=upkeep)
    if upkeep and entries.due():
        await entries.flush()


async def children_of(place: PresencePlace) -> list[int]:
    """The ids of the places inside `place`. Read once, then again every CHILDREN_SECONDS (they are
    rarely added): the list known is used meanwhile, so the database never holds up a count."""
    known = _children.get(place)
    if known is None:
        return await _read_children(place)
    if time.monotonic() - known[0] > CHILDREN_SECONDS and place not in _refreshing:
        task = asyncio.get_running_loop().create_task(_read_children(place))
        _refreshing[place] = task
        task.add_done_callback(lambda _done, place=place: _refreshing.pop(place, None))
    return known[1]


async def _read_children(place: PresencePlace) -> list[int]:
    try:
        children = await database_sync_to_async(presence_places.children)(place.kind, place.id)
    except Exception:
        if place in _children:  # a failed refresh keeps the list known; the next one tries again
            log.exception("reading the places inside %s failed", place.key)
            _children[place] = (time.monotonic(), _children[place][1])
            return _children[place][1]
        raise
    _children[place] = (time.monotonic(), list(children))
    return _children[place][1]


async def _push_to_members(members: list[LiveConnection], frame_type: str, data: Mapping[str, Any]) -> None:
    """One frame, serialised once, to each socket of this process in a place."""
    text = protocol.push(frame_type, data)
    for connection in members:
        await connection.send(text_data=text)  # a socket closing meanwhile drops it quietly


async def flush(*, dashboards: bool = True) -> None:
    """Send every view of this process whose place moved since its last frame the new state (and,
    unless the upkeep sends them apart, the dashboards their new counts)."""
    from . import places

    here = {place: list(members) for place, members in places.local_places().items() if members}
    inside = {
        place: (child_kind, await children_of(place))
        for place in here
        if (child_kind := places.children_key(place)[0])
    }
    keys = {place.key for place in here} | {
        f"{child_kind}:{child}" for child_kind, children in inside.values() for child in children
    }
    states = await get_store().states(sorted(keys))
    newcomers = set(_newcomers)
    _newcomers.clear()
    try:
        await _bring_up_to_date(here, inside, states, newcomers)
    except BaseException:
        _newcomers.update(newcomers)  # their first names go out with the next tick that works
        raise
    if not dashboards:
        return
    changed = list(_dirty)
    _dirty.clear()
    if changed:
        await push_dashboards(changed)


async def _bring_up_to_date(
    here: dict[PresencePlace, list[Any]],
    inside: dict[PresencePlace, tuple[str, list[int]]],
    states: dict[str, tuple[int, int]],
    newcomers: set[PresencePlace],
) -> None:
    from . import places

    for place, members in here.items():
        count, version = states[place.key]
        if place in inside:
            # The place's count and those of the places inside it whose version moved.
            child_kind, children = inside[place]
            child_state = {child: states[f"{child_kind}:{child}"] for child in children}
            moved = [c for c in children if child_state[c][1] != _sent_inside.get((place, c), 0)]
            if version == _sent.get(place) and not moved:
                continue
            data = {
                place.kind: place.id,
                "count": count,
                "version": version,
                places.children_key(place)[1]: {str(c): child_state[c][0] for c in moved},
                "versions": {str(c): child_state[c][1] for c in moved},
            }
            await _push_to_members(members, f"{place.kind}.count", data)
            _sent[place] = version
            _sent_inside.update({(place, c): child_state[c][1] for c in moved})
        elif version == _sent.get(place):
            continue
        elif places.shows_people(place):
            data = await places.who(place)
            people = data.pop("people")
            if place in newcomers or people != _sent_people.get(place):
                data["people"] = people  # the first names, only when they changed: a crowd's tick stays small
                _sent_people[place] = people
            await _push_to_members(members, f"{place.kind}.count", data)
            _sent[place] = data["version"]
        elif place.kind == "lobby":
            await _push_to_members(members, "lobby.count", LobbyCount(count=count, version=version))
            _sent[place] = version
        else:
            await _push_to_members(
                members, f"{place.kind}.count", {place.kind: place.id, "count": count, "version": version}
            )
            _sent[place] = version
    for gone in [place for place in _sent if place not in here]:
        del _sent[gone]
        _sent_people.pop(gone, None)
    for outer, child in [key for key in _sent_inside if key[0] not in here]:
        del _sent_inside[(outer, child)]


async def push_dashboards(changed: list[PresencePlace]) -> None:
    """Send the organiser dashboards of the events whose places changed their new counts.

    Whichever process saw the change sends; the group reaches dashboards on every process.
    """
    for event_id in await snapshot.events_of(changed):
        counts = await snapshot.event_counts(event_id)
        await push_to_group(dashboard_group(event_id), "dashboard.counts", counts)

"""The presence tick: once per PRESENCE_TICK_SECONDS, every view in this process is brought up to
the store.

Each process pushes to its own sockets only, from what the store says now: it reads the count and
version of every place its sockets are in (one round trip), and sends a place's sockets one frame
when the version moved since the last frame it sent them. So a crowd in a hall or a big booth
costs one frame per socket per tick, a push lost or overtaken is corrected by the next tick, and
a leave swept from a dead process reaches every view without anyone announcing it. Each tick also
beats this process's heartbeat, sweeps silent sockets and dead processes, updates the organiser
dashboards, and writes the batch of place entries (booth visits) when it is due.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from redis.exceptions import RedisError

from events.registry import PresencePlace, presence_places

from .. import protocol
from ..connection import LiveConnection
from ..groups import dashboard_group, push_to_group
from ..pushes import HallCount, LobbyCount
from . import entries, snapshot
from .store import Change, PresenceBusy, get_store

log = logging.getLogger(__name__)

BOOTHS_OF_HALL_SECONDS = 10.0  # how long a hall's list of booths is reused before it is read again

_dirty: set[PresencePlace] = set()  # changed by this process: for the dashboards
_sent: dict[PresencePlace, int] = {}  # the version this process last sent its sockets in a place
_sent_booths: dict[tuple[int, int], int] = {}  # (hall, booth) -> version last sent to hall views
_sent_people: dict[PresencePlace, list] = {}  # the first names last sent to a booth's sockets
_newcomers: set[PresencePlace] = set()  # places with sockets that have not had a tick frame yet
_booths: dict[int, tuple[float, list[int]]] = {}
_task: asyncio.Task | None = None


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

    while True:
        await asyncio.sleep(float(settings.PRESENCE_TICK_SECONDS))
        try:
            await tick()
        except (PresenceBusy, RedisError) as failure:  # Redis saturated or away: the next tick retries
            log.warning("presence tick skipped: %s", failure)
        except Exception:  # a failed tick must not stop the next one
            log.exception("presence tick failed")
        if not places.local_connections() and not _dirty:
            try:
                await entries.flush()  # the last visits before going quiet
            except Exception:
                log.exception("writing presence entries failed")
            return  # nothing to watch; the next connection starts the tick again


async def tick() -> None:
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
    await flush()
    if entries.due():
        await entries.flush()


async def booths_of(hall_id: int) -> list[int]:
    """The booths of a hall (read again every BOOTHS_OF_HALL_SECONDS: booths are rarely added)."""
    now = time.monotonic()
    known = _booths.get(hall_id)
    if known is None or now - known[0] > BOOTHS_OF_HALL_SECONDS:
        booths = await database_sync_to_async(presence_places.children)("hall", hall_id)
        known = _booths[hall_id] = (now, list(booths))
    return known[1]


async def _push_to_members(members: list[LiveConnection], frame_type: str, data: Mapping[str, Any]) -> None:
    """One frame, serialised once, to each socket of this process in a place."""
    text = protocol.push(frame_type, data)
    for connection in members:
        await connection.send(text_data=text)  # a socket closing meanwhile drops it quietly


async def flush() -> None:
    """Send every view of this process whose place moved since its last frame the new state."""
    from . import places

    here = {place: list(members) for place, members in places.local_places().items() if members}
    halls = {place.id: await booths_of(place.id) for place in here if place.kind == "hall"}
    keys = {place.key for place in here} | {f"booth:{b}" for booths in halls.values() for b in booths}
    states = await get_store().states(sorted(keys))
    newcomers = set(_newcomers)
    _newcomers.clear()
    try:
        await _bring_up_to_date(here, halls, states, newcomers)
    except BaseException:
        _newcomers.update(newcomers)  # their first names go out with the next tick that works
        raise
    changed = list(_dirty)
    _dirty.clear()
    if changed:
        await push_dashboards(changed)


async def _bring_up_to_date(
    here: dict[PresencePlace, list[Any]],
    halls: dict[int, list[int]],
    states: dict[str, tuple[int, int]],
    newcomers: set[PresencePlace],
) -> None:
    from . import places

    for place, members in here.items():
        count, version = states[place.key]
        if place.kind == "hall":
            booths = halls[place.id]
            moved = [b for b in booths if states[f"booth:{b}"][1] != _sent_booths.get((place.id, b), 0)]
            if version == _sent.get(place) and not moved:
                continue
            data: HallCount = {
                "hall": place.id,
                "count": count,
                "version": version,
                "booths": {str(b): states[f"booth:{b}"][0] for b in moved},
                "versions": {str(b): states[f"booth:{b}"][1] for b in moved},
            }
            await _push_to_members(members, "hall.count", data)
            _sent[place] = version
            _sent_booths.update({(place.id, b): states[f"booth:{b}"][1] for b in moved})
        elif version == _sent.get(place):
            continue
        elif place.kind == "booth":
            data = await places.who(place)
            people = data.pop("people")
            if place in newcomers or people != _sent_people.get(place):
                data["people"] = people  # the first names, only when they changed: a crowd's tick stays small
                _sent_people[place] = people
            await _push_to_members(members, "booth.count", data)
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
    for hall_id, booth in [key for key in _sent_booths if PresencePlace("hall", key[0]) not in here]:
        del _sent_booths[(hall_id, booth)]


async def push_dashboards(changed: list[PresencePlace]) -> None:
    """Send the organiser dashboards of the events whose places changed their new counts.

    Whichever process saw the change sends; the group reaches dashboards on every process.
    """
    for event_id in await snapshot.events_of(changed):
        counts = await snapshot.event_counts(event_id)
        await push_to_group(dashboard_group(event_id), "dashboard.counts", counts)

"""The presence tick: once per PRESENCE_TICK_SECONDS, counts of the places that changed go out.

A crowd entering a hall costs one count frame per tick, not one frame per person per person.
Each tick also beats this process's heartbeat, sweeps silent sockets and dead processes, and
writes the batch of place entries (booth visits) when it is due.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings

from ..live import dashboard_group, hall_group, lobby_group, push_to_group, session_group
from ..registry import PresencePlace
from . import entries, snapshot
from .store import get_store

log = logging.getLogger(__name__)

_dirty: set[PresencePlace] = set()
_task: asyncio.Task | None = None


def mark(place: PresencePlace) -> None:
    """`place`'s count changed: send it with the next tick."""
    _dirty.add(place)


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
    for key, person in await store.sweep_dead():
        kind, _sep, place_id = key.partition(":")
        await places.announce_leave(await places.place_of(kind, int(place_id)), person)
    await flush()
    if entries.due():
        await entries.flush()


async def flush() -> None:
    """Send the counts of every place that changed since the last flush."""
    store = get_store()
    changed = list(_dirty)
    _dirty.clear()
    halls: dict[int, dict[str, int]] = {}
    for place in changed:
        if place.kind == "booth" and place.parent and place.parent.startswith("hall:"):
            hall_id = int(place.parent.partition(":")[2])
            halls.setdefault(hall_id, {})[str(place.id)] = await store.count(place.key)
        elif place.kind == "hall":
            halls.setdefault(place.id, {})
        elif place.kind == "lobby":
            await push_to_group(lobby_group(place.id), "lobby.count", {"count": await store.count(place.key)})
        elif place.kind == "session":
            count = await store.count(place.key)
            data = {"session": place.id, "count": count}
            await push_to_group(session_group(place.id), "session.count", data)
    for hall_id, booths in halls.items():
        count = await store.count(f"hall:{hall_id}")
        data = {"hall": hall_id, "count": count, "booths": booths}
        await push_to_group(hall_group(hall_id), "hall.count", data)
    if changed:
        await push_dashboards(changed)


async def push_dashboards(changed: list[PresencePlace]) -> None:
    """Send the organiser dashboards of the events whose places changed their new counts.

    Whichever process saw the change sends; the group reaches dashboards on every process.
    """
    for event_id in await snapshot.events_of(changed):
        counts = await snapshot.event_counts(event_id)
        await push_to_group(dashboard_group(event_id), "dashboard.counts", counts)

"""How many people follow a booth's presentation, told to the booth's staff ("doc.followers").

Counted per person, as presence counts (two tabs are one follower), in a presence store of its own
of the same kind as presence's: this process's memory, or Redis under presence's prefix + "follow:"
in the scaled mode. Every
arrival and leave bumps the booth's version, so the staff's page never shows an older count over
a newer one. A socket is counted once per booth however often it follows; closing it uncounts it
(a socket disconnect listener), and a dead daphne process's followers are swept by the others (a
chore of the presence tick). Whoever may present at the booth is not counted: staff follow to see
the page and to hear the count.
"""

from __future__ import annotations

import time
from typing import TypedDict

from django.conf import settings

from events.live.connection import LiveConnection
from events.live.groups import push_to_group
from events.live.presence.store import (
    ANONYMOUS,
    Change,
    MemoryStore,
    PresenceStore,
    RedisStore,
    get_store,
)

_tally: PresenceStore | None = None
_tally_beside: PresenceStore | None = None  # the presence store `_tally` was made to go with
_chosen: PresenceStore | None = None  # a store set by use_tally, kept whatever presence uses
_counted: dict[str, set[int]] = {}  # this process's sockets -> the booths they are counted at
_last_beat = 0.0


class Followers(TypedDict):
    """doc.followers: how many people follow the booth's presenter, and the count's version."""

    booth: int
    count: int
    version: int


def staff_group(booth_id: int) -> str:
    """The sockets of a booth's staff that hear its follower count."""
    return f"follow_staff.{int(booth_id)}"


def _place(booth_id: int) -> str:
    return f"follow:{int(booth_id)}"


def tally() -> PresenceStore:
    """The followers' store: made anew whenever presence's store is another one (tests give each
    case a fresh presence store, in an event loop of its own that a Redis client may not outlive)."""
    global _tally, _tally_beside, _last_beat
    if _chosen is not None:
        return _chosen
    presence = get_store()
    if _tally is None or _tally_beside is not presence:
        if isinstance(presence, RedisStore):
            _tally = RedisStore(settings.REDIS_URL, prefix=f"{presence.prefix}follow:")
        else:
            _tally = MemoryStore()
        _tally_beside = presence
        _counted.clear()
        _last_beat = 0.0
    return _tally


def use_tally(store: PresenceStore | None) -> None:
    """Use `store` whatever presence uses (tests), or None to follow presence's again."""
    global _chosen, _tally, _last_beat
    _chosen = store
    _tally = None
    _counted.clear()
    _last_beat = 0.0


async def _beat_if_due() -> None:
    # Beat before a socket is stored, so no other process's sweep takes this one for dead.
    global _last_beat
    now = time.monotonic()
    if now - _last_beat > float(settings.PRESENCE_PROCESS_TTL_SECONDS) / 3:
        await tally().heartbeat()
        _last_beat = now


async def followers_of(booth_id: int) -> Followers:
    count, version = (await tally().states([_place(booth_id)]))[_place(booth_id)]
    return {"booth": int(booth_id), "count": count, "version": version}


async def _announce(booth_id: int, change: Change) -> None:
    await push_to_group(
        staff_group(booth_id),
        "doc.followers",
        {"booth": int(booth_id), "count": change.count, "version": change.version},
    )


async def count_follower(connection: LiveConnection, booth_id: int) -> None:
    """`connection` follows the booth's presenter: its person counts from now (once)."""
    booths = _counted.setdefault(connection.connection_id, set())
    if booth_id in booths:
        return
    booths.add(booth_id)
    await _beat_if_due()
    change = await tally().join(_place(booth_id), connection.connection_id, connection.user.pk, ANONYMOUS)
    if change.person is not None:
        await _announce(booth_id, change)


async def uncount_follower(connection: LiveConnection, booth_id: int) -> None:
    """`connection` stopped following; its person stops counting with their last such socket."""
    booths = _counted.get(connection.connection_id)
    if not booths or booth_id not in booths:
        return
    booths.discard(booth_id)
    if not booths:
        del _counted[connection.connection_id]
    change = await tally().part(_place(booth_id), connection.connection_id, connection.user.pk)
    if change.person is not None:
        await _announce(booth_id, change)


async def forget_socket(connection: LiveConnection) -> None:
    """The socket closed: it follows nothing any more."""
    for booth_id in sorted(_counted.get(connection.connection_id, ())):
        await uncount_follower(connection, booth_id)


async def keep_counting() -> int:
    """Say this process is alive and uncount the followers of processes that died; returns how
    many people were uncounted."""
    global _last_beat
    store = tally()
    await store.heartbeat()
    _last_beat = time.monotonic()
    leaves = await store.sweep_dead()
    for place in sorted({place for place, _person in leaves}):
        count, version = (await store.states([place]))[place]
        await _announce(int(place.partition(":")[2]), Change(None, count, version))
    return len(leaves)

"""How many people follow a place's presentation (a booth's, or a session's stage's), told to those
who may present there ("doc.followers").

Counted per person, as presence counts (two tabs are one follower), in a presence store of its own
of the same kind as presence's: this process's memory, or Redis under presence's prefix + "follow:"
in the scaled mode. Every
arrival and leave bumps the booth's version, so the staff's page never shows an older count over
a newer one. A socket is counted once per booth however often it follows; closing it uncounts it
(a socket disconnect listener), and a dead daphne process's followers are swept by the others (a
chore of the presence tick). Whoever may present at the place is not counted: staff (or a stage's
speakers) follow to see the page and to hear the count. A place is named by its key, "booth:12" or
"session:7" (exhibits.services.presenting.Place.key).
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
_counted: dict[str, set[str]] = {}  # this process's sockets -> the places they are counted at
_last_beat = 0.0


class Followers(TypedDict, total=False):
    """doc.followers: how many people follow the place's presenter, and the count's version; the
    place is "booth" or "session", as in the frames that name it."""

    booth: int
    session: int
    count: int
    version: int


def _split(place: str) -> tuple[str, int]:
    kind, _colon, raw = place.partition(":")
    return kind, int(raw)


def staff_group(place: str) -> str:
    """The sockets of those who may present at the place, which hear its follower count."""
    kind, pk = _split(place)
    # A booth's group keeps the name it had before stages presented ("follow_staff.12").
    return f"follow_staff.{pk}" if kind == "booth" else f"follow_staff.{kind}.{pk}"


def _tally_place(place: str) -> str:
    kind, pk = _split(place)
    return f"follow:{pk}" if kind == "booth" else f"follow:{kind}:{pk}"


def _place_of(tally_place: str) -> str:
    """The place key of a tally's place ("follow:12" -> "booth:12", "follow:session:7" -> "session:7")."""
    rest = tally_place.partition(":")[2]
    return f"booth:{rest}" if rest.isdigit() else rest


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


def _followers(place: str, count: int, version: int) -> Followers:
    kind, pk = _split(place)
    return {kind: pk, "count": count, "version": version}  # type: ignore[misc]


async def followers_of(place: str) -> Followers:
    count, version = (await tally().states([_tally_place(place)]))[_tally_place(place)]
    return _followers(place, count, version)


async def _announce(place: str, change: Change) -> None:
    await push_to_group(staff_group(place), "doc.followers", _followers(place, change.count, change.version))


async def count_follower(connection: LiveConnection, place: str) -> None:
    """`connection` follows the place's presenter: its person counts from now (once)."""
    places = _counted.setdefault(connection.connection_id, set())
    if place in places:
        return
    places.add(place)
    await _beat_if_due()
    change = await tally().join(_tally_place(place), connection.connection_id, connection.user.pk, ANONYMOUS)
    if change.person is not None:
        await _announce(place, change)


async def uncount_follower(connection: LiveConnection, place: str) -> None:
    """`connection` stopped following; its person stops counting with their last such socket."""
    places = _counted.get(connection.connection_id)
    if not places or place not in places:
        return
    places.discard(place)
    if not places:
        del _counted[connection.connection_id]
    change = await tally().part(_tally_place(place), connection.connection_id, connection.user.pk)
    if change.person is not None:
        await _announce(place, change)


async def forget_socket(connection: LiveConnection) -> None:
    """The socket closed: it follows nothing any more."""
    for place in sorted(_counted.get(connection.connection_id, ())):
        await uncount_follower(connection, place)


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
        await _announce(_place_of(place), Change(None, count, version))
    return len(leaves)

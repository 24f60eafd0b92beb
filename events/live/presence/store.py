"""Where presence is kept: in this process (embedded mode) or in Redis (scaled mode), one interface.

A place is a string key such as ``"session:12"``. Each place counts people, not sockets: a person
with two tabs in a place is there once, and leaves only when their last tab goes. Every arrival
and leave of a person bumps the place's *version*, read atomically with its count, so a view can
tell a newer figure from an older one whatever order the pushes arrive in.
"""

from __future__ import annotations

import bisect
import functools
import os
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as redis
from django.conf import settings
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from events.errors import RakwonError
from events.redis_layer import waiting_pool

Person = dict[str, Any]  # what others may know of a present person: {"person": id|None, "name": str|None}

ANONYMOUS: Person = {"person": None, "name": None}


class PresenceBusy(RakwonError):
    """The presence store could not be reached in time (its connection pool is saturated)."""

    code = "presence.busy"

    def __init__(self) -> None:
        super().__init__(_("The live service is busy; try again in a moment."))


@dataclass(frozen=True)
class Change:
    """What adding or removing a connection did: `person` arrived or left (None: only a tab)."""

    person: Person | None
    count: int
    version: int


@dataclass(frozen=True)
class Page:
    """One page of the visible names in a place, with the place's state read at the same moment."""

    count: int
    version: int
    visible: int  # how many of `count` chose to be shown by name
    people: list[Person]
    next: str | None  # where the next page starts (`after`), None on the last page


def member_of(person: Person) -> str:
    """A visible person's entry in the sorted name list: by name, then by id ("" if anonymous)."""
    if not person.get("name") or person.get("person") is None:
        return ""
    return f"{person['name']}\x00{int(person['person']):012d}"


def person_from(member: str) -> Person:
    if not member:
        return dict(ANONYMOUS)
    name, _sep, person = member.rpartition("\x00")
    return {"person": int(person), "name": name}


class PresenceStore(Protocol):
    async def join(self, place: str, connection: str, user_id: int, person: Person) -> Change:
        """Put a connection in a place; `person` set if it is the person's first connection there."""

    async def part(self, place: str, connection: str, user_id: int) -> Change:
        """Take a connection out; `person` set if it was their last connection there."""

    async def add(self, place: str, connection: str, user_id: int, person: Person) -> bool: ...

    async def remove(self, place: str, connection: str, user_id: int) -> Person | None: ...

    async def count(self, place: str) -> int: ...

    async def states(self, places: list[str]) -> dict[str, tuple[int, int]]:
        """(count, version) of each place, all read at one moment."""

    async def page(self, place: str, *, after: str | None, limit: int) -> Page: ...

    async def people(self, place: str) -> list[Person]: ...

    async def heartbeat(self) -> None:
        """Say this process is alive."""

    async def sweep_dead(self) -> list[tuple[str, Person]]:
        """Remove the connections of processes that stopped beating; (place, person) per leave."""


class _Shared:
    """What both stores derive from their primitives."""

    async def add(self, place: str, connection: str, user_id: int, person: Person) -> bool:
        return (await self.join(place, connection, user_id, person)).person is not None  # type: ignore[attr-defined]

    async def remove(self, place: str, connection: str, user_id: int) -> Person | None:
        return (await self.part(place, connection, user_id)).person  # type: ignore[attr-defined]

    async def count(self, place: str) -> int:
        return (await self.states([place]))[place][0]  # type: ignore[attr-defined]


class MemoryStore(_Shared):
    """The embedded mode: one process holds every socket, so it cannot outlive them."""

    def __init__(self) -> None:
        # place -> user id -> that user's connections there
        self._connections: dict[str, dict[int, set[str]]] = defaultdict(dict)
        self._people: dict[str, dict[int, Person]] = defaultdict(dict)
        self._names: dict[str, list[str]] = defaultdict(list)  # sorted members (member_of)
        self._versions: dict[str, int] = defaultdict(int)

    def _forget_name(self, place: str, person: Person | None) -> None:
        member = member_of(person or ANONYMOUS)
        names = self._names.get(place)
        if member and names:
            at = bisect.bisect_left(names, member)
            if at < len(names) and names[at] == member:
                del names[at]

    async def join(self, place: str, connection: str, user_id: int, person: Person) -> Change:
        mine = self._connections[place].setdefault(user_id, set())
        first = not mine
        mine.add(connection)
        before = self._people[place].get(user_id)
        if before != person:
            self._forget_name(place, before)
            if member_of(person):
                bisect.insort(self._names[place], member_of(person))
            self._people[place][user_id] = dict(person)
        if first or before != person:
            self._versions[place] += 1
        return Change(dict(person) if first else None, len(self._connections[place]), self._versions[place])

    async def part(self, place: str, connection: str, user_id: int) -> Change:
        mine = self._connections.get(place, {}).get(user_id)
        left: Person | None = None
        if mine and connection in mine:
            mine.discard(connection)
            if not mine:
                del self._connections[place][user_id]
                left = self._people[place].pop(user_id)
                self._forget_name(place, left)
                self._versions[place] += 1
                if not self._connections[place]:
                    del self._connections[place]
                    del self._people[place]
                    self._names.pop(place, None)
        return Change(left, len(self._connections.get(place, ())), self._versions.get(place, 0))

    async def states(self, places: list[str]) -> dict[str, tuple[int, int]]:
        return {p: (len(self._connections.get(p, ())), self._versions.get(p, 0)) for p in places}

    async def page(self, place: str, *, after: str | None, limit: int) -> Page:
        names = self._names.get(place, [])
        start = bisect.bisect_right(names, after) if after else 0
        chunk = names[start : start + limit + 1]
        more = len(chunk) > limit
        chunk = chunk[:limit]
        count, version = (await self.states([place]))[place]
        return Page(count, version, len(names), [person_from(m) for m in chunk], chunk[-1] if more else None)

    async def people(self, place: str) -> list[Person]:
        return [dict(p) for p in self._people.get(place, {}).values()]

    async def heartbeat(self) -> None:
        pass

    async def sweep_dead(self) -> list[tuple[str, Person]]:
        return []


# Joining: count the person's connections in the place; remember the person (their entry in the
# sorted name list, "" if anonymous) and, under this process, the connection (so a sweeper can
# remove it if the process dies). A person's arrival bumps the version. Returns
# {arrived, count, version}.
_JOIN = """
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local before = redis.call('HGET', KEYS[2], ARGV[1])
local changed = 0
if before ~= ARGV[2] then
  if before and before ~= '' then redis.call('ZREM', KEYS[5], before) end
  if ARGV[2] ~= '' then redis.call('ZADD', KEYS[5], 0, ARGV[2]) end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  changed = 1
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[5])
local version
if n == 1 or changed == 1 then
  version = redis.call('INCR', KEYS[6])
else
  version = tonumber(redis.call('GET', KEYS[6]) or '0')
end
return {n == 1 and 1 or 0, redis.call('HLEN', KEYS[1]), version}
"""

# Parting: the reverse, only if this connection is stored in this place; the person's entry goes
# with their last connection, which bumps the version. Returns {left, member, count, version}.
_PART = """
local left, member = 0, ''
if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[3] then
  redis.call('HDEL', KEYS[3], ARGV[2])
  local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  if n <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[1])
    member = redis.call('HGET', KEYS[2], ARGV[1]) or ''
    redis.call('HDEL', KEYS[2], ARGV[1])
    if member ~= '' then redis.call('ZREM', KEYS[4], member) end
    redis.call('INCR', KEYS[5])
    left = 1
  end
end
return {left, member, redis.call('HLEN', KEYS[1]), tonumber(redis.call('GET', KEYS[5]) or '0')}
"""

# States: count and version of many places at one moment (KEYS: users, version, users, ...).
_STATES = """
local out = {}
for i = 1, #KEYS, 2 do
  out[#out + 1] = redis.call('HLEN', KEYS[i])
  out[#out + 1] = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
end
return out
"""

# A page of names after ARGV[1] ('' = from the start), ARGV[2] + 1 of them (the extra says
# whether there is more), with the count, version and number of visible people.
_PAGE = """
local start = '-'
if ARGV[1] ~= '' then start = '(' .. ARGV[1] end
local names = redis.call('ZRANGEBYLEX', KEYS[3], start, '+', 'LIMIT', 0, tonumber(ARGV[2]) + 1)
return {redis.call('HLEN', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0'),
        redis.call('ZCARD', KEYS[3]), names}
"""


def _busy_when_saturated(method):
    """A saturated or unreachable pool costs the caller one typed error, never a traceback."""

    @functools.wraps(method)
    async def guarded(*args, **kwargs):
        try:
            return await method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as failure:
            raise PresenceBusy() from failure

    return guarded


class RedisStore(_Shared):
    """The scaled mode: every daphne process shares Redis; each process beats a heartbeat key.

    Keys (under `prefix`): ``<place>:users`` (user -> connection count), ``<place>:people``
    (user -> name-list entry, "" if anonymous), ``<place>:names`` (sorted set of visible people,
    by name), ``<place>:v`` (version), ``proc:<id>`` (connection -> place|user, this process's
    sockets), ``alive:<id>`` (expires unless refreshed), ``procs`` (processes that hold sockets).

    Connections come from one pool of at most PRESENCE_REDIS_MAX_CONNECTIONS per process; when all
    are in use a caller waits up to PRESENCE_REDIS_POOL_TIMEOUT_SECONDS, then gets PresenceBusy.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "presence:",
        process_ttl: int | None = None,
        max_connections: int | None = None,
        pool_timeout: float | None = None,
    ) -> None:
        pool = waiting_pool(url, max_connections=max_connections, timeout=pool_timeout)
        self._redis = redis.Redis(connection_pool=pool)
        self.prefix = prefix
        self.process_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.process_ttl = process_ttl or int(settings.PRESENCE_PROCESS_TTL_SECONDS)
        self._join = self._redis.register_script(_JOIN)
        self._part = self._redis.register_script(_PART)
        self._states = self._redis.register_script(_STATES)
        self._page = self._redis.register_script(_PAGE)

    @property
    def redis(self):
        """The client on this process's pool, which the tab count (events.live.tabs) shares."""
        return self._redis

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    @_busy_when_saturated
    async def join(self, place: str, connection: str, user_id: int, person: Person) -> Change:
        keys = [
            self._key(place, "users"),
            self._key(place, "people"),
            self._key("proc", self.process_id),
            self._key("procs"),
            self._key(place, "names"),
            self._key(place, "v"),
        ]
        args = [user_id, member_of(person), connection, f"{place}|{user_id}", self.process_id]
        arrived, count, version = await self._join(keys=keys, args=args)
        return Change(dict(person) if int(arrived) else None, int(count), int(version))

    async def _part_from(self, process_key: str, place: str, connection: str, user: int) -> Change:
        keys = [
            self._key(place, "users"),
            self._key(place, "people"),
            process_key,
            self._key(place, "names"),
            self._key(place, "v"),
        ]
        left, member, count, version = await self._part(keys=keys, args=[user, connection, f"{place}|{user}"])
        return Change(person_from(member) if int(left) else None, int(count), int(version))

    @_busy_when_saturated
    async def part(self, place: str, connection: str, user_id: int) -> Change:
        return await self._part_from(self._key("proc", self.process_id), place, connection, user_id)

    @_busy_when_saturated
    async def states(self, places: list[str]) -> dict[str, tuple[int, int]]:
        if not places:
            return {}
        keys = [key for place in places for key in (self._key(place, "users"), self._key(place, "v"))]
        values = await self._states(keys=keys)
        return {place: (int(values[2 * n]), int(values[2 * n + 1])) for n, place in enumerate(places)}

    @_busy_when_saturated
    async def page(self, place: str, *, after: str | None, limit: int) -> Page:
        keys = [self._key(place, "users"), self._key(place, "v"), self._key(place, "names")]
        count, version, visible, names = await self._page(keys=keys, args=[after or "", limit])
        more = len(names) > limit
        names = names[:limit]
        return Page(
            int(count),
            int(version),
            int(visible),
            [person_from(m) for m in names],
            names[-1] if more else None,
        )

    @_busy_when_saturated
    async def people(self, place: str) -> list[Person]:
        return [person_from(value) for value in (await self._redis.hvals(self._key(place, "people")))]

    @_busy_when_saturated
    async def heartbeat(self) -> None:
        await self._redis.set(self._key("alive", self.process_id), "1", ex=self.process_ttl)
        await self._redis.sadd(self._key("procs"), self.process_id)

    @_busy_when_saturated
    async def sweep_dead(self) -> list[tuple[str, Person]]:
        leaves: list[tuple[str, Person]] = []
        for process_id in await self._redis.smembers(self._key("procs")):
            if process_id == self.process_id or await self._redis.exists(self._key("alive", process_id)):
                continue
            # Renaming claims the dead process's sockets: of several sweepers, exactly one wins.
            claimed = self._key("sweeping", process_id, self.process_id)
            try:
                await self._redis.rename(self._key("proc", process_id), claimed)
            except ResponseError:  # another sweeper claimed it, or it held nothing
                await self._redis.srem(self._key("procs"), process_id)
                continue
            connections = await self._redis.hgetall(claimed)
            await self._redis.srem(self._key("procs"), process_id)
            for connection, where in connections.items():
                place, _sep, user_id = where.rpartition("|")
                change = await self._part_from(claimed, place, connection, int(user_id))
                if change.person is not None:
                    leaves.append((place, change.person))
            await self._redis.delete(claimed)
        return leaves

    async def close(self) -> None:
        await self._redis.aclose()


_store: PresenceStore | None = None


def get_store() -> PresenceStore:
    """The site's store: Redis when REDIS_URL is set, this process's memory otherwise."""
    global _store
    if _store is None:
        url = getattr(settings, "REDIS_URL", "")
        _store = RedisStore(url, prefix=settings.PRESENCE_REDIS_PREFIX) if url else MemoryStore()
    return _store


def use_store(store: PresenceStore | None) -> None:
    """Swap the store (tests start each case with a fresh one)."""
    global _store
    _store = store

"""Where presence is kept: in this process (embedded mode) or in Redis (scaled mode), one interface.

A place is a string key such as ``"booth:12"``. Each place counts people, not sockets: a person
with two tabs in a booth is there once, and leaves only when their last tab goes.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections import defaultdict
from typing import Any, Protocol

from django.conf import settings
from redis.exceptions import ResponseError

Person = dict[str, Any]  # what others may know of a present person: {"person": id|None, "name": str|None}


class PresenceStore(Protocol):
    async def add(self, place: str, connection: str, user_id: int, person: Person) -> bool:
        """Put a connection in a place; True if it is the person's first connection there."""

    async def remove(self, place: str, connection: str, user_id: int) -> Person | None:
        """Take a connection out; the person if it was their last connection there, else None."""

    async def count(self, place: str) -> int: ...

    async def people(self, place: str) -> list[Person]: ...

    async def heartbeat(self) -> None:
        """Say this process is alive."""

    async def sweep_dead(self) -> list[tuple[str, Person]]:
        """Remove the connections of processes that stopped beating; (place, person) per leave."""


class MemoryStore:
    """The embedded mode: one process holds every socket, so it cannot outlive them."""

    def __init__(self) -> None:
        # place -> user id -> that user's connections there
        self._connections: dict[str, dict[int, set[str]]] = defaultdict(dict)
        self._people: dict[str, dict[int, Person]] = defaultdict(dict)

    async def add(self, place: str, connection: str, user_id: int, person: Person) -> bool:
        mine = self._connections[place].setdefault(user_id, set())
        first = not mine
        mine.add(connection)
        self._people[place][user_id] = person
        return first

    async def remove(self, place: str, connection: str, user_id: int) -> Person | None:
        mine = self._connections.get(place, {}).get(user_id)
        if not mine or connection not in mine:
            return None
        mine.discard(connection)
        if mine:
            return None
        del self._connections[place][user_id]
        person = self._people[place].pop(user_id)
        if not self._connections[place]:
            del self._connections[place]
            del self._people[place]
        return person

    async def count(self, place: str) -> int:
        return len(self._connections.get(place, ()))

    async def people(self, place: str) -> list[Person]:
        return list(self._people.get(place, {}).values())

    async def heartbeat(self) -> None:
        pass

    async def sweep_dead(self) -> list[tuple[str, Person]]:
        return []


# Adding: count the person's connections in the place; remember the person and, under this
# process, the connection (so a sweeper can remove it if the process dies).
_ADD = """
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[5])
return n
"""

# Removing: the reverse; the person's entry goes with their last connection.
_REMOVE = """
if redis.call('HDEL', KEYS[3], ARGV[2]) == 0 then return false end
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n > 0 then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local person = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return person
"""


class RedisStore:
    """The scaled mode: every daphne process shares Redis; each process beats a heartbeat key.

    Keys (under `prefix`): ``<place>:users`` (user -> connection count), ``<place>:people``
    (user -> person JSON), ``proc:<id>`` (connection -> place|user, this process's sockets),
    ``alive:<id>`` (expires unless refreshed), ``procs`` (every process that holds sockets).
    """

    def __init__(self, url: str, *, prefix: str = "presence:", process_ttl: int | None = None) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=None)
        self.prefix = prefix
        self.process_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.process_ttl = process_ttl or int(settings.PRESENCE_PROCESS_TTL_SECONDS)
        self._add = self._redis.register_script(_ADD)
        self._remove = self._redis.register_script(_REMOVE)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def add(self, place: str, connection: str, user_id: int, person: Person) -> bool:
        keys = [
            self._key(place, "users"),
            self._key(place, "people"),
            self._key("proc", self.process_id),
            self._key("procs"),
        ]
        args = [user_id, json.dumps(person), connection, f"{place}|{user_id}", self.process_id]
        count = await self._add(keys=keys, args=args)
        return int(count) == 1

    async def _remove_from(self, process_key: str, place: str, connection: str, user: int) -> Person | None:
        keys = [self._key(place, "users"), self._key(place, "people"), process_key]
        person = await self._remove(keys=keys, args=[user, connection])
        return json.loads(person) if person else None

    async def remove(self, place: str, connection: str, user_id: int) -> Person | None:
        return await self._remove_from(self._key("proc", self.process_id), place, connection, user_id)

    async def count(self, place: str) -> int:
        return int(await self._redis.hlen(self._key(place, "users")))

    async def people(self, place: str) -> list[Person]:
        return [json.loads(value) for value in (await self._redis.hvals(self._key(place, "people")))]

    async def heartbeat(self) -> None:
        await self._redis.set(self._key("alive", self.process_id), "1", ex=self.process_ttl)
        await self._redis.sadd(self._key("procs"), self.process_id)

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
                person = await self._remove_from(claimed, place, connection, int(user_id))
                if person is not None:
                    leaves.append((place, person))
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

"""Which media worker hosts which room, and which workers are alive (scaled mode, in Redis)."""

from __future__ import annotations

import json

import redis.asyncio
from django.conf import settings

from .errors import MediaUnavailable

_SWAP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
return 0
"""
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Placement:
    """Which worker hosts which room, and which workers are alive.

    Keys (prefix RTC_REDIS_PREFIX): ``worker:<id>`` a heartbeat (JSON: channel, load) expiring
    after the TTL; ``workers`` the ids ever seen, until swept; ``room:<room>`` the worker id;
    ``rooms:<id>`` the rooms placed on a worker. A room stays on its worker while it lives.
    """

    def __init__(self, redis, *, prefix: str, ttl_seconds: float) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl_ms = int(ttl_seconds * 1000)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def heartbeat(self, worker: str, channel: str, load: int) -> None:
        beat = json.dumps({"channel": channel, "load": load})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("worker", worker), beat, px=self.ttl_ms)
            pipe.sadd(self._key("workers"), worker)
            await pipe.execute()

    async def live_workers(self) -> dict[str, dict]:
        workers = sorted(await self.redis.smembers(self._key("workers")))
        if not workers:
            return {}
        beats = await self.redis.mget([self._key("worker", worker) for worker in workers])
        return {worker: json.loads(beat) for worker, beat in zip(workers, beats, strict=True) if beat}

    async def dead_workers(self) -> list[str]:
        known = await self.redis.smembers(self._key("workers"))
        live = await self.live_workers()
        return sorted(set(known) - set(live))

    async def is_alive(self, worker: str) -> bool:
        return bool(await self.redis.exists(self._key("worker", worker)))

    async def place(self, room: str) -> tuple[str, str, bool]:
        """(worker id, its channel, moved): the room's live worker, or the least-loaded live one.
        `moved` is True when this call took the room from a dead worker."""
        room_key = self._key("room", room)
        for _attempt in range(5):
            current = await self.redis.get(room_key)
            live = await self.live_workers()
            if current in live:
                return current, live[current]["channel"], False
            if not live:
                raise MediaUnavailable()
            choice = min(live, key=lambda worker: (live[worker].get("load", 0), worker))
            if current is None:
                taken = await self.redis.set(room_key, choice, nx=True)
            else:
                taken = await self.redis.eval(_SWAP, 1, room_key, current, choice)
            if taken:
                await self.redis.sadd(self._key("rooms", choice), room)
                if current is not None:
                    await self.redis.srem(self._key("rooms", current), room)
                return choice, live[choice]["channel"], current is not None
            # Another process placed it in between: read again.
        raise MediaUnavailable()

    async def claim_sweep(self, worker: str) -> bool:
        """Only one live worker clears away a dead one."""
        return bool(await self.redis.set(self._key("sweep", worker), "1", nx=True, ex=60))

    async def release(self, worker: str) -> list[str]:
        """Forget a dead (or stopping) worker; returns the rooms that were still placed on it."""
        rooms = sorted(await self.redis.smembers(self._key("rooms", worker)))
        released = [
            room for room in rooms if await self.redis.eval(_DELETE_IF, 1, self._key("room", room), worker)
        ]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._key("rooms", worker), self._key("worker", worker))
            pipe.srem(self._key("workers"), worker)
            await pipe.execute()
        return released


def new_placement() -> Placement:
    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return Placement(client, prefix=settings.RTC_REDIS_PREFIX, ttl_seconds=settings.RTC_WORKER_TTL_SECONDS)

"""How many live sockets (browser tabs) each person has open in an event, so the live socket can
refuse the one too many (SOCKET_MAX_TABS, close code 4409).

Embedded mode: this process's memory, exact. Scaled mode: Redis, one sorted set per person and
event whose members are socket ids scored by when they expire; an open socket renews its entry at
most every quarter of SOCKET_TABS_TTL_SECONDS as its frames arrive (the browser pings every 20 s),
so the tabs of a killed process stop counting after that TTL without anyone sweeping them.

The count borrows the presence store's pool (events.redis_layer: sized, and callers wait for a
connection). If that stays full, the cap is skipped for that socket: one warning, no traceback,
and the socket or frame goes through; the cap guards resources and must not lock visitors out.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Protocol

import redis.asyncio
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from events.redis_layer import waiting_pool

from .connection import LiveConnection
from .presence.store import RedisStore, get_store

log = logging.getLogger(__name__)


class Tabs(Protocol):
    async def open(self, event_id: int, user_id: int, connection: str, *, limit: int) -> bool:
        """Count a socket; False (and not counted) if the person already has `limit` open."""

    async def renew(self, event_id: int, user_id: int, connection: str) -> None: ...

    async def close(self, event_id: int, user_id: int, connection: str) -> None: ...


class MemoryTabs:
    def __init__(self) -> None:
        self._open: dict[tuple[int, int], set[str]] = {}

    async def open(self, event_id: int, user_id: int, connection: str, *, limit: int) -> bool:
        mine = self._open.setdefault((event_id, user_id), set())
        if connection not in mine and len(mine) >= limit:
            return False
        mine.add(connection)
        return True

    async def renew(self, event_id: int, user_id: int, connection: str) -> None:
        pass  # a process cannot outlive its own sockets

    async def close(self, event_id: int, user_id: int, connection: str) -> None:
        mine = self._open.get((event_id, user_id))
        if mine is not None:
            mine.discard(connection)
            if not mine:
                del self._open[(event_id, user_id)]


# Drop expired entries, then count; add only if under the limit (or already counted).
_OPEN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisTabs:
    """Keys (under `prefix`): ``<event id>:<user id>``, socket id → expiry (Unix seconds)."""

    def __init__(self, url: str, *, prefix: str, ttl_seconds: float, pool=None, client=None) -> None:
        # A client of the presence store (its pool) when given; else one on a waiting pool.
        self._owns_client = client is None
        self.redis = client or redis.asyncio.Redis(connection_pool=pool or waiting_pool(url))
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self._open = self.redis.register_script(_OPEN)

    def _key(self, event_id: int, user_id: int) -> str:
        return f"{self.prefix}{int(event_id)}:{int(user_id)}"

    async def open(self, event_id: int, user_id: int, connection: str, *, limit: int) -> bool:
        now = time.time()
        args = [now, now + self.ttl_seconds, connection, limit, int(self.ttl_seconds * 1000) + 1000]
        return bool(await self._open(keys=[self._key(event_id, user_id)], args=args))

    async def renew(self, event_id: int, user_id: int, connection: str) -> None:
        key = self._key(event_id, user_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {connection: time.time() + self.ttl_seconds}, xx=True)
            pipe.pexpire(key, int(self.ttl_seconds * 1000) + 1000)
            await pipe.execute()

    async def close(self, event_id: int, user_id: int, connection: str) -> None:
        await self.redis.zrem(self._key(event_id, user_id), connection)

    async def aclose(self) -> None:
        if self._owns_client:
            await self.redis.aclose()


_chosen: Tabs | None = None
_memory = MemoryTabs()
_per_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a Redis client per event loop


def get_tabs() -> Tabs:
    """The count the site uses: Redis when REDIS_URL is set, this process's memory otherwise."""
    if _chosen is not None:
        return _chosen
    if not getattr(settings, "REDIS_URL", ""):
        return _memory
    loop = asyncio.get_running_loop()
    store = _per_loop.get(loop)
    if store is None:
        presence = get_store()
        store = _per_loop[loop] = RedisTabs(
            settings.REDIS_URL,
            prefix=settings.SOCKET_TABS_REDIS_PREFIX,
            ttl_seconds=settings.SOCKET_TABS_TTL_SECONDS,
            client=presence.redis if isinstance(presence, RedisStore) else None,
        )
    return store


def use_tabs(tabs: Tabs | None) -> None:
    """Swap the count (tests start each case with a fresh one, warned of nothing yet)."""
    global _chosen, _warned_saturated
    _chosen, _warned_saturated = tabs, False


_warned_saturated = False


def _saturated(failure: Exception) -> None:
    """Once per process: the pool is full (a crowd, a leave wave); what it means, no traceback."""
    global _warned_saturated
    if _warned_saturated:
        log.debug("tab count skipped, Redis pool saturated: %s", failure)
        return
    _warned_saturated = True
    log.warning(
        "the tab count's Redis pool is saturated (%s); sockets are let in uncounted until it has room",
        failure,
    )


async def open_tab(connection: LiveConnection) -> bool:
    """Count this socket for its person; False if they already have SOCKET_MAX_TABS open. If the
    count cannot be reached (Redis down or its pool full), the socket is let in: the cap guards
    resources, and a visitor should not be locked out by it."""
    try:
        return await get_tabs().open(
            connection.event.pk, connection.user.pk, connection.channel_name, limit=settings.SOCKET_MAX_TABS
        )
    except (RedisConnectionError, RedisTimeoutError, OSError) as failure:
        _saturated(failure)
        return True
    except Exception:
        log.exception("could not count the tabs of user %s", connection.user.pk)
        return True


async def renew_tab(connection: LiveConnection) -> None:
    try:
        await get_tabs().renew(connection.event.pk, connection.user.pk, connection.channel_name)
    except (RedisConnectionError, RedisTimeoutError, OSError) as failure:
        _saturated(failure)
    except Exception:
        log.exception("could not renew a tab of user %s", connection.user.pk)


async def close_tab(connection: LiveConnection) -> None:
    try:
        await get_tabs().close(connection.event.pk, connection.user.pk, connection.channel_name)
    except (RedisConnectionError, RedisTimeoutError, OSError) as failure:
        _saturated(failure)  # its entry lapses after SOCKET_TABS_TTL_SECONDS
    except Exception:
        log.exception("could not forget a tab of user %s", connection.user.pk)

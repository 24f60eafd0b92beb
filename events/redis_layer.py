"""Redis pools that wait: the channel layer's, the presence store's and the tab count's.

redis-py's default pool raises ``MaxConnectionsError`` the moment one call more than its
`max_connections` (100) is in flight, and a crowd, a leave wave or a reconnect storm does that.
Every pool of ours is a ``BlockingConnectionPool`` instead: the extra calls wait for a free
connection, and only after the timeout does a call fail, with redis-py's ``ConnectionError``,
which the socket turns into one ``error`` frame (or, for the tab count, lets the frame through).

Sizes, per daphne process: CHANNEL_REDIS_MAX_CONNECTIONS / CHANNEL_REDIS_POOL_TIMEOUT_SECONDS for
the channel layer; PRESENCE_REDIS_MAX_CONNECTIONS / PRESENCE_REDIS_POOL_TIMEOUT_SECONDS for the
one pool the presence store and the tab count share (``waiting_pool``, ``events.live.tabs.get_tabs``).

Each socket waits on its own channel's inbox: channels_redis gives every one an ``asyncio.Queue``
(four deques, about 3.3 KB even when empty); ``Inbox`` does the same job in about 100 bytes.
"""

from __future__ import annotations

import collections
import functools

from channels_redis.core import RedisChannelLayer as CoreRedisChannelLayer
from django.conf import settings
from redis import asyncio as aioredis

from events.live.inbox import Inbox


def waiting_pool(
    url: str, *, max_connections: int | None = None, timeout: float | None = None
) -> aioredis.BlockingConnectionPool:
    """A pool of at most `max_connections` (default PRESENCE_REDIS_MAX_CONNECTIONS) whose callers
    wait up to `timeout` seconds (default PRESENCE_REDIS_POOL_TIMEOUT_SECONDS) for a connection."""
    return aioredis.BlockingConnectionPool.from_url(
        url,
        decode_responses=True,
        socket_timeout=None,
        max_connections=max_connections or int(settings.PRESENCE_REDIS_MAX_CONNECTIONS),
        timeout=timeout if timeout is not None else float(settings.PRESENCE_REDIS_POOL_TIMEOUT_SECONDS),
    )


class RedisChannelLayer(CoreRedisChannelLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.receive_buffer = collections.defaultdict(functools.partial(Inbox, self.capacity))

    def create_pool(self, index: int) -> aioredis.ConnectionPool:
        host = dict(self.hosts[index])
        if "address" not in host:  # sentinels and the like: channels_redis's own pool
            return super().create_pool(index)
        return aioredis.BlockingConnectionPool.from_url(host.pop("address"), **host)

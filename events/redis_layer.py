"""The channel layer for the scaled mode: channels_redis's core layer on a pool that waits.

channels_redis builds a plain redis-py pool, which raises ``MaxConnectionsError`` the moment one
call more than `max_connections` is in flight (a leave wave does that). This layer's pool holds
at most CHANNEL_REDIS_MAX_CONNECTIONS per process and makes the extra calls wait up to
CHANNEL_REDIS_POOL_TIMEOUT_SECONDS for a free connection; only then does the call fail, with
redis-py's ``ConnectionError``, which the socket turns into one ``error`` frame.
"""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer as CoreRedisChannelLayer
from redis import asyncio as aioredis


class RedisChannelLayer(CoreRedisChannelLayer):
    def create_pool(self, index: int) -> aioredis.ConnectionPool:
        host = dict(self.hosts[index])
        if "address" not in host:  # sentinels and the like: channels_redis's own pool
            return super().create_pool(index)
        return aioredis.BlockingConnectionPool.from_url(host.pop("address"), **host)

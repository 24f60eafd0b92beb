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
(four deques, about 3.3 KB even when empty); ``Inbox`` does the same job in about 100 bytes. And
channels_redis makes every waiting receive start two tasks of its own (one for the read lock, one
for its queue), held for as long as a socket is idle: here one reader task per process reads the
process's Redis inbox and fills the sockets' inboxes, and a receive only waits on its own.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging

from channels_redis.core import RedisChannelLayer as CoreRedisChannelLayer
from django.conf import settings
from redis import asyncio as aioredis

from events.live.inbox import Inbox

log = logging.getLogger(__name__)
READ_RETRY_SECONDS = 1.0


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
        self._reader: asyncio.Task | None = None

    async def receive(self, channel: str) -> dict:
        if "!" not in channel:  # a plain channel (a worker's): channels_redis's direct read
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel)
        process_channel = self.non_local_name(channel)
        assert process_channel.endswith(self.client_prefix + "!"), "Wrong client prefix"
        inbox = self.receive_buffer[channel]
        self.receive_count += 1
        try:
            if self._reader is None or self._reader.done():
                self._reader = asyncio.ensure_future(self._read_for_sockets(process_channel))
            message = await inbox.get()
        except BaseException:
            # The socket is going away (its receive cancelled): as channels_redis, its inbox goes too.
            if self.receive_buffer.get(channel) is inbox:
                del self.receive_buffer[channel]
            raise
        finally:
            self.receive_count -= 1
        if inbox.empty() and self.receive_buffer.get(channel) is inbox:
            del self.receive_buffer[channel]
        return message

    async def _read_for_sockets(self, process_channel: str) -> None:
        """Move what Redis holds for this process's sockets into their inboxes, while any waits.

        A failed read (Redis restarting) is logged and retried: the sockets stay open and get
        their messages once Redis answers (channels_redis instead raised it into one socket).
        """
        while self.receive_count > 0:
            try:
                channels, message = await self.receive_single(process_channel)
            except Exception as failure:
                if self.receive_count == 0:
                    return  # nobody waits any more (the layer closing its pools, for one)
                log.warning("reading the sockets' channel layer messages failed, retrying: %s", failure)
                await asyncio.sleep(READ_RETRY_SECONDS)
                continue
            for channel in channels if isinstance(channels, list) else [channels]:
                self.receive_buffer[channel].put_nowait(message)

    def create_pool(self, index: int) -> aioredis.ConnectionPool:
        host = dict(self.hosts[index])
        if "address" not in host:  # sentinels and the like: channels_redis's own pool
            return super().create_pool(index)
        return aioredis.BlockingConnectionPool.from_url(host.pop("address"), **host)

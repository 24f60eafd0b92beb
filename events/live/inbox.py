"""A socket's inbox: the messages waiting for one live socket, in about 100 bytes.

asyncio.Queue costs about 3.3 KB even when empty (four deques); an idle socket has two of them, the
channel layer's receive buffer (channels_redis) and daphne's input queue. Both are this instead
(events.redis_layer, rakwon_site.serve).
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any


class Inbox:
    """What channels_redis asks of a channel's receive buffer (``BoundedQueue``: empty, get,
    get_nowait, put_nowait dropping the oldest message when full) and daphne of a socket's input
    queue (put_nowait, get; `capacity` None: never drops), without asyncio.Queue's four deques: an
    idle socket's inbox holds one waiter and no messages, so both are made on demand."""

    __slots__ = ("_getters", "_messages", "capacity")

    def __init__(self, capacity: int | None = None) -> None:
        self.capacity = capacity
        self._messages: collections.deque | None = None
        self._getters: list[asyncio.Future] | None = None

    def empty(self) -> bool:
        return not self._messages

    def full(self) -> bool:
        return self.capacity is not None and self.qsize() >= self.capacity

    def qsize(self) -> int:
        return len(self._messages) if self._messages else 0

    def put_nowait(self, message: Any) -> None:
        if self._messages is None:
            self._messages = collections.deque()
        elif self.capacity is not None and len(self._messages) >= self.capacity:
            # As BoundedQueue (channels_redis #212): a reader that stopped loses its oldest
            # message rather than letting the buffer grow without end.
            self._messages.popleft()
        self._messages.append(message)
        self._wake_next()

    def get_nowait(self) -> Any:
        if not self._messages:
            raise asyncio.QueueEmpty
        message = self._messages.popleft()
        if not self._messages:
            self._messages = None
        return message

    async def get(self) -> Any:
        while not self._messages:
            getter = asyncio.get_running_loop().create_future()
            if self._getters is None:
                self._getters = []
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                if self._getters and getter in self._getters:
                    self._getters.remove(getter)
                if self._messages and not getter.cancelled():
                    self._wake_next()  # woken, then cancelled: the message goes to the next reader
                raise
            finally:
                if not self._getters:
                    self._getters = None
        return self.get_nowait()

    def _wake_next(self) -> None:
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                return

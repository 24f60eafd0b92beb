"""Where a live room's media is handled, behind one interface for the socket handlers.

- `LocalRouter` (embedded mode): the engine runs in this web process, one per event loop.
- `ChannelRouter` (scaled mode, RTC_MEDIA_WORKERS): each room is placed on one media worker process
  (`manage.py media_worker`, media_rtc/placement.py), and requests travel over the channel layer
  to the worker's channel with a reply channel of our own, so any daphne process can signal any
  room.

Either way a `RoomHost` (media_rtc/host.py) answers the requests.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from events.live.groups import push_message, push_to_group

from .errors import MediaUnavailable, error_for
from .host import RoomHost, new_engine
from .placement import Placement, new_placement
from .rooms import room_group, room_ref


class MediaRouter:
    """What the socket handlers call; subclasses decide which process answers."""

    async def call(self, room: str, op: str, **args: Any) -> dict:
        raise NotImplementedError

    async def room_state(self, room: str, *, test_pattern: bool = False) -> dict:
        return await self.call(room, "state", test_pattern=test_pattern)

    async def publish(self, room: str, member: str, offer: str, *, kind: str, label: str, name: str) -> dict:
        return await self.call(room, "publish", member=member, offer=offer, kind=kind, label=label, name=name)

    async def unpublish(self, room: str, member: str, label: str) -> None:
        await self.call(room, "unpublish", member=member, label=label)

    async def watch(
        self, room: str, member: str, publisher: str, offer: str, *, tier: str, max_viewers: int | None
    ) -> dict:
        return await self.call(
            room, "watch", member=member, publisher=publisher, offer=offer, tier=tier, max_viewers=max_viewers
        )

    async def set_tier(self, room: str, member: str, publisher: str, tier: str) -> None:
        await self.call(room, "tier", member=member, publisher=publisher, tier=tier)

    async def leave(self, room: str, member: str) -> None:
        await self.call(room, "leave", member=member)

    async def cut_off(self, room: str, user: int) -> None:
        """End everything one person publishes in the room (all their tabs)."""
        await self.call(room, "cut_off", user=user)

    async def close(self) -> None:
        pass


class LocalRouter(MediaRouter):
    """The embedded mode: rooms live in this process's engine."""

    def __init__(self, host: RoomHost) -> None:
        self.host = host

    async def call(self, room: str, op: str, **args: Any) -> dict:
        return await self.host.handle(op, {"room": room, **args})

    async def close(self) -> None:
        await self.host.recordings.close()  # what was recorded is kept and prepared
        await self.host.engine.close()


class ChannelRouter(MediaRouter):
    """The scaled mode: each request goes to the worker hosting the room, its reply comes back on a
    channel made for it. A room whose worker died is placed on a live one, and whoever looks at
    it is told (rtc.worker_lost) so their browsers connect again."""

    def __init__(self, *, layer, placement: Placement, timeout: float) -> None:
        self.layer = layer
        self.placement = placement
        self.timeout = timeout

    async def call(self, room: str, op: str, **args: Any) -> dict:
        for attempt in (1, 2):
            worker, channel, moved = await self.placement.place(room)
            if moved:
                await self.layer.group_send(room_group(room), push_message("rtc.worker_lost", room_ref(room)))
            # The layer's default prefix: channels_redis gives all of a process's "specific"
            # channels one inbox and one reader; another prefix would queue behind the sockets'.
            reply_to = await self.layer.new_channel()
            request = {"type": "rtc.request", "op": op, "args": {"room": room, **args}, "reply_to": reply_to}
            await self.layer.send(channel, request)
            try:
                reply = await asyncio.wait_for(self.layer.receive(reply_to), self.timeout)
            except TimeoutError:
                if attempt == 1 and not await self.placement.is_alive(worker):
                    continue  # it died while we waited: try the worker the room moves to
                raise MediaUnavailable() from None
            if reply.get("ok"):
                return reply.get("result") or {}
            raise error_for(reply.get("code"), reply.get("message"))
        raise MediaUnavailable()

    async def close(self) -> None:
        await self.placement.redis.aclose()


# --- One router per event loop ------------------------------------------------------------------

_routers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_router() -> MediaRouter:
    """This loop's router, made on first use (an engine and Redis clients belong to one loop)."""
    loop = asyncio.get_running_loop()
    router = _routers.get(loop)
    if router is None:
        router = _routers[loop] = _new_router()
    return router


def _new_router() -> MediaRouter:
    if settings.RTC_MEDIA_WORKERS:
        return ChannelRouter(
            layer=get_channel_layer(), placement=new_placement(), timeout=settings.RTC_REQUEST_TIMEOUT_SECONDS
        )
    return LocalRouter(RoomHost(new_engine(), push=push_to_group))


async def close_router() -> None:
    """Close this loop's router (its peers, its Redis client); the next use makes a new one."""
    router = _routers.pop(asyncio.get_running_loop(), None)
    if router is not None:
        await router.close()

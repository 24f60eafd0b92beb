"""Where a live room's media is handled, behind one interface for the socket handlers.

- `LocalRouter` (embedded mode): the engine runs in this web process, one per event loop.
- `ChannelRouter` (scaled mode, REDIS_URL): each room is placed on one media worker process
  (`manage.py media_worker`); placement and worker heartbeats live in Redis, and requests travel
  over the channel layer to the worker's channel with a reply channel of our own, so any daphne
  process can signal any room.

Either way a `RoomHost` (beside the engine) answers the requests and tells the room's group about
every change with an ``rtc.room.changed`` push.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events.live import push_message

from . import errors
from .engine import publisher_id

log = logging.getLogger(__name__)

Push = Callable[[str, str, dict], Awaitable[None]]
TEST_PATTERN_MEMBER = "demo"
PUBLISH_LABELS = ("camera", "screen")


# --- Rooms and their groups -----------------------------------------------------------------


def booth_room(booth_id: int) -> str:
    return f"booth.{int(booth_id)}"


def meeting_room(token: str) -> str:
    return f"meeting.{token}"


def room_group(room: str) -> str:
    """The sockets looking at a room (its page is open): they get rtc.room.changed and
    rtc.worker_lost."""
    return f"rtc.{room}"


def room_ref(room: str) -> dict:
    """How frames name a room: {"room": "booth.12", "booth": 12} or {"room": ..., "meeting": "..."}."""
    kind, _dot, key = room.partition(".")
    return {"room": room, kind: int(key) if kind == "booth" else key}


class MediaUnavailable(errors.RtcError):
    code = "rtc.unavailable"
    default_message = _("Live video is not available right now. Try again in a minute.")


_ERRORS = {
    error.code: error
    for error in (
        errors.RoomFull,
        errors.TooManyPublishers,
        errors.NoSuchPublisher,
        errors.NotWatching,
        errors.BadOffer,
        errors.BadTier,
        MediaUnavailable,
    )
}


def error_for(code: str | None, message: str | None) -> errors.RtcError:
    """The typed error a worker's reply names; its message is translated here, where the
    socket is, rather than in the worker."""
    known = _ERRORS.get(code or "")
    if known is not None:
        return known()
    return errors.RtcError(message or None, code=code or errors.RtcError.code)


# --- The rooms one process hosts -------------------------------------------------------------


class RoomHost:
    """An engine plus what the socket needs beside it: who publishes under which name, which demo
    rooms run a test pattern, and a push to the room's group on every change."""

    def __init__(self, engine, *, push: Push) -> None:
        self.engine = engine
        self.names: dict[tuple[str, str], str] = {}  # (room, publisher id) → the person's name
        self.patterns: set[str] = set()
        self._push = push
        engine.on_change(self._changed)

    async def _changed(self, room: str, state: dict) -> None:
        if state.get("kind") is None:  # the room is gone: forget its names and pattern
            self.names = {key: name for key, name in self.names.items() if key[0] != room}
            self.patterns.discard(room)
        try:
            await self._push(room_group(room), "rtc.room.changed", self.describe(room, state))
        except Exception:  # a push that fails must not break the engine's bookkeeping
            log.exception("could not push the state of room %s", room)

    def describe(self, room: str, state: dict) -> dict:
        """The room as clients see it: no member ids beyond the publisher ids they watch."""
        return {
            **room_ref(room),
            "kind": state.get("kind"),
            "publishers": [
                {
                    "id": publisher["id"],
                    "label": publisher.get("label", ""),
                    "audio": bool(publisher.get("audio")),
                    "video": bool(publisher.get("video")),
                    "name": self.names.get((room, publisher["id"]), ""),
                    "test_pattern": publisher.get("member") == TEST_PATTERN_MEMBER,
                }
                for publisher in state.get("publishers", [])
            ],
            "viewers": int(state.get("viewers", 0)),
        }

    async def handle(self, op: str, args: dict) -> dict:
        handler = {
            "state": self.state,
            "publish": self.publish,
            "unpublish": self.unpublish,
            "watch": self.watch,
            "tier": self.set_tier,
            "leave": self.leave,
        }.get(op)
        if handler is None:
            raise errors.RtcError(code="rtc.bad_request")
        return await handler(**args)

    async def state(self, room: str, test_pattern: bool = False) -> dict:
        if test_pattern and room not in self.patterns:
            # The demo booth is live from the start: its pattern begins when the room is first used
            # on this process (again on a new worker after one died).
            self.patterns.add(room)
            try:
                await self.engine.start_test_pattern(room, member=TEST_PATTERN_MEMBER, label="")
            except Exception:
                self.patterns.discard(room)
                raise
        return self.describe(room, self.engine.room_state(room))

    async def publish(self, room: str, member: str, offer: str, kind: str, label: str, name: str) -> dict:
        publisher = publisher_id(member, label)
        self.names[(room, publisher)] = name  # before publishing: the change it causes carries it
        try:
            answer = await self.engine.publish(room, member, offer, kind=kind, label=label)
        except Exception:
            self.names.pop((room, publisher), None)
            raise
        return {"answer": answer, "publisher": publisher}

    async def unpublish(self, room: str, member: str, label: str) -> dict:
        await self.engine.unpublish(room, member, label)
        return {}

    async def watch(
        self, room: str, member: str, publisher: str, offer: str, tier: str, max_viewers: int | None
    ) -> dict:
        answer = await self.engine.watch(room, member, publisher, offer, tier=tier, max_viewers=max_viewers)
        return {"answer": answer}

    async def set_tier(self, room: str, member: str, publisher: str, tier: str) -> dict:
        await self.engine.set_tier(room, member, publisher, tier)
        return {}

    async def leave(self, room: str, member: str) -> dict:
        await self.engine.leave(room, member)
        return {}


def new_engine():
    """The engine as settings configure it: host candidates only, unless TURN is set up."""
    from .engine import MediaEngine

    return MediaEngine(
        ice_servers=(),
        host_addresses=tuple(settings.RTC_HOST_ADDRESSES),
        max_booth_publishers=settings.RTC_BOOTH_MAX_PUBLISHERS,
        max_meeting_members=settings.RTC_MEETING_MAX_MEMBERS,
    )


# --- The routers ------------------------------------------------------------------------------


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

    async def close(self) -> None:
        pass


class LocalRouter(MediaRouter):
    """The embedded mode: rooms live in this process's engine."""

    def __init__(self, host: RoomHost) -> None:
        self.host = host

    async def call(self, room: str, op: str, **args: Any) -> dict:
        return await self.host.handle(op, {"room": room, **args})

    async def close(self) -> None:
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


# --- Placement of rooms on media workers (Redis) --------------------------------------------

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
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return Placement(client, prefix=settings.RTC_REDIS_PREFIX, ttl_seconds=settings.RTC_WORKER_TTL_SECONDS)


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
    from channels.layers import get_channel_layer

    if settings.RTC_MEDIA_WORKERS:
        return ChannelRouter(
            layer=get_channel_layer(), placement=new_placement(), timeout=settings.RTC_REQUEST_TIMEOUT_SECONDS
        )
    from events.live import push_to_group

    return LocalRouter(RoomHost(new_engine(), push=push_to_group))


async def close_router() -> None:
    """Close this loop's router (its peers, its Redis client); the next use makes a new one."""
    router = _routers.pop(asyncio.get_running_loop(), None)
    if router is not None:
        await router.close()

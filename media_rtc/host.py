"""The rooms one process hosts: an engine plus the names and demo patterns beside it, answering
the requests a router sends (embedded: this web process; scaled: a media worker) and pushing
``rtc.room.changed`` to a room's group on every change."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from django.conf import settings

from . import errors
from .conference_media import ConferenceLimits
from .engine import MediaEngine, publisher_id
from .recording_rooms import RoomRecordings
from .rooms import room_group, room_ref

log = logging.getLogger(__name__)

Push = Callable[[str, str, dict], Awaitable[None]]
TEST_PATTERN_MEMBER = "demo"


class RoomPushes:
    """Each room's pushes go out one at a time, in the order of its changes.

    Two pushes sent side by side can overtake each other on the way (in the scaled set-up each is
    a few Redis round trips, and the later one can take its connection first): a page would then
    keep the older state, a site missing from its grid, until the next change. While one push is
    on its way, a newer state of the same kind replaces the one waiting: each is the whole state,
    never a diff, so only the newest matters."""

    def __init__(self, push: Push) -> None:
        self._push = push
        self._waiting: dict[str, dict[str, tuple[str, dict]]] = {}  # room → frame type → (group, data)
        self._sending: dict[str, asyncio.Future] = {}

    def push(self, room: str, group: str, frame_type: str, data: dict) -> asyncio.Future:
        self._waiting.setdefault(room, {})[frame_type] = (group, data)  # a replaced one keeps its turn
        sending = self._sending.get(room)
        if sending is None:
            sending = self._sending[room] = asyncio.ensure_future(self._send_waiting(room))
        return sending

    async def _send_waiting(self, room: str) -> None:
        try:
            while waiting := self._waiting.get(room):
                frame_type = next(iter(waiting))
                group, data = waiting.pop(frame_type)
                try:
                    await self._push(group, frame_type, data)
                except Exception:  # a push that fails must not stop the ones after it
                    log.exception("could not push %s to room %s", frame_type, room)
        finally:
            self._waiting.pop(room, None)
            self._sending.pop(room, None)


class RoomHost:
    """An engine plus what the socket needs beside it: who publishes under which name, which demo
    rooms run a test pattern, and a push to the room's group on every change.

    Every room state and speakers description carries a `version` that only grows, across restarts
    too (microseconds of the clock, at least one more than the last): a page keeps the newest it
    has seen, whichever way it came (a push, or the reply to a request that crossed one)."""

    def __init__(self, engine, *, push: Push) -> None:
        self.engine = engine
        self.names: dict[tuple[str, str], str] = {}  # (room, publisher id) → the person's name
        self.patterns: set[str] = set()
        self._versions: dict[str, int] = {}
        self._pushes = RoomPushes(push)
        engine.on_change(self._changed)
        engine.on_conference_change(self._speakers_changed)
        self.recordings = RoomRecordings(engine, push=push)

    def _new_version(self, room: str) -> int:
        version = max(self._versions.get(room, 0) + 1, time.time_ns() // 1000)
        self._versions[room] = version
        return version

    def version(self, room: str) -> int:
        """The room's version now: that of its last change (a new one if none is known here)."""
        return self._versions.get(room) or self._new_version(room)

    def _changed(self, room: str, state: dict) -> asyncio.Future:
        # Stamped now, as the change happens, not when the push gets its turn.
        version = self._new_version(room)
        described = {**self.describe(room, state), "version": version}
        if state.get("kind") is None:  # the room is gone: forget its names, pattern and version
            self.names = {key: name for key, name in self.names.items() if key[0] != room}
            self.patterns.discard(room)
            self._versions.pop(room, None)  # the clock keeps a room made again ahead of this
        return self._pushes.push(room, room_group(room), "rtc.room.changed", described)

    def _speakers_changed(self, room: str, speakers: dict) -> asyncio.Future:
        told = {**room_ref(room), **speakers, "version": self._new_version(room)}
        return self._pushes.push(room, room_group(room), "rtc.conference.speakers", told)

    def _speakers_now(self, room: str, speakers: dict) -> dict:
        return {**room_ref(room), **speakers, "version": self.version(room)}

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
            **({"speakers": self._versioned_speakers(room, state)} if "speakers" in state else {}),
        }

    def _versioned_speakers(self, room: str, state: dict) -> dict:
        return {**state["speakers"], "version": self.version(room)}

    async def handle(self, op: str, args: dict) -> dict:
        handler = {
            "state": self.state,
            "publish": self.publish,
            "unpublish": self.unpublish,
            "watch": self.watch,
            "tier": self.set_tier,
            "leave": self.leave,
            "record.start": self.recordings.start,
            "record.stop": self.recordings.stop,
            "cut_off": self.cut_off,
            "seat": self.take_seat,
            "chair": self.chair,
        }.get(op)
        if handler is None:
            raise errors.BadRequest()
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
        return {**self.describe(room, self.engine.room_state(room)), "version": self.version(room)}

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

    async def cut_off(self, room: str, user: int) -> dict:
        """End every stream one person publishes in the room, in every tab (a moderator took them
        off a stage); what they watch goes on."""
        tabs = f"{int(user)}-"
        for publisher in self.engine.room_state(room)["publishers"]:
            if publisher["member"].startswith(tabs):
                await self.engine.unpublish(room, publisher["member"], publisher["label"])
        return {}

    async def take_seat(self, room: str, member: str, offer: str, audio_only: bool = False) -> dict:
        answer = await self.engine.take_seat(room, member, offer, audio_only=audio_only)
        return {"answer": answer, "speakers": self._speakers_now(room, self.engine.conference_speakers(room))}

    async def chair(self, room: str, action: str, site: str | None, on: bool = True) -> dict:
        return {"speakers": self._speakers_now(room, self.engine.chair_conference(room, action, site, on))}


def new_engine():
    """The engine as settings configure it: host candidates only, unless TURN is set up."""
    return MediaEngine(
        ice_servers=(),
        host_addresses=tuple(settings.RTC_HOST_ADDRESSES),
        max_booth_publishers=settings.RTC_BOOTH_MAX_PUBLISHERS,
        max_meeting_members=settings.RTC_MEETING_MAX_MEMBERS,
        max_stage_speakers=settings.RTC_STAGE_MAX_SPEAKERS,
        conference=ConferenceLimits(
            video_speakers=settings.RTC_CONFERENCE_VIDEO_SPEAKERS,
            audio_speakers=settings.RTC_CONFERENCE_AUDIO_SPEAKERS,
            idle_kbps=settings.RTC_CONFERENCE_IDLE_KBPS,
            active_kbps=settings.RTC_CONFERENCE_ACTIVE_KBPS,
            max_sites=settings.RTC_CONFERENCE_MAX_SITES,
            audio_kbps=settings.RTC_CONFERENCE_AUDIO_KBPS,
            audio_only_kbps=settings.RTC_CONFERENCE_AUDIO_ONLY_KBPS,
        ),
    )

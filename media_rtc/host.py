"""The rooms one process hosts: an engine plus the names and demo patterns beside it, answering
the requests a router sends (embedded: this web process; scaled: a media worker) and pushing
``rtc.room.changed`` to a room's group on every change."""

from __future__ import annotations

import logging
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


class RoomHost:
    """An engine plus what the socket needs beside it: who publishes under which name, which demo
    rooms run a test pattern, and a push to the room's group on every change."""

    def __init__(self, engine, *, push: Push) -> None:
        self.engine = engine
        self.names: dict[tuple[str, str], str] = {}  # (room, publisher id) → the person's name
        self.patterns: set[str] = set()
        self._push = push
        engine.on_change(self._changed)
        engine.on_conference_change(self._speakers_changed)
        self.recordings = RoomRecordings(engine, push=push)

    async def _changed(self, room: str, state: dict) -> None:
        if state.get("kind") is None:  # the room is gone: forget its names and pattern
            self.names = {key: name for key, name in self.names.items() if key[0] != room}
            self.patterns.discard(room)
        try:
            await self._push(room_group(room), "rtc.room.changed", self.describe(room, state))
        except Exception:  # a push that fails must not break the engine's bookkeeping
            log.exception("could not push the state of room %s", room)

    async def _speakers_changed(self, room: str, speakers: dict) -> None:
        try:
            await self._push(room_group(room), "rtc.conference.speakers", {**room_ref(room), **speakers})
        except Exception:
            log.exception("could not push the speakers of conference %s", room)

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
            **({"speakers": state["speakers"]} if "speakers" in state else {}),
        }

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
        return {"answer": answer, "speakers": {**room_ref(room), **self.engine.conference_speakers(room)}}

    async def chair(self, room: str, action: str, site: str | None, on: bool = True) -> dict:
        return {"speakers": {**room_ref(room), **self.engine.chair_conference(room, action, site, on)}}


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

"""A conference's frames on the live socket (rtc.conference.*; docs/protocol-rtc.md is the
transcript): a seat takes its place (one offer with a fixed set of tracks), the chair mutes, gives
the floor and pins, and each site's browser sends its still thumbnail. Looking at the room,
publishing and leaving are rtc.room, rtc.publish and rtc.leave with {"conference": id}.

   -> {"id": 1, "type": "rtc.conference.seat", "data": {"conference": 3, "offer": "v=0...", "tab": "..."}}
   <- {"id": 1, "type": "ok", "data": {"room": "conference.3", "conference": 3, "answer": "v=0...",
        "site": "12-a1b2c3d4:camera", "speakers": {...}, "thumbnails": {"15-x9y8z7w6:camera": 1790000000123}}}
   <= {"type": "rtc.conference.speakers", "data": {"room": ..., "conference": 3, "video": [...], ...}}
   <= {"type": "rtc.conference.thumbnails", "data": {"room": ..., "conference": 3, "thumbnails": {...}}}
"""

from __future__ import annotations

import asyncio
import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext as _

from events.live.groups import push_to_group

from . import errors
from .engine import publisher_id
from .rooms import CONFERENCE, Room, room_group
from .routing import get_router
from .rules import CHAIR_CONFERENCE, ENTER_ROOM, PUBLISH, TAKE_SEAT
from .services import conferences
from .socket_handlers import _offer, _presence, rtc_request

#: The chair's actions: (the engine's action, on).
CHAIR_ACTIONS = {
    "mute": ("mute", True),
    "unmute": ("mute", False),
    "floor": ("floor", True),
    "end_floor": ("floor", False),
    "pin": ("pin", True),
    "unpin": ("pin", False),
}


def _conference_only(room: Room) -> None:
    if room.kind != CONFERENCE:
        raise errors.BadRequest(_("Name the conference: send “conference”."))


def _site(data: dict, *, required: bool) -> str | None:
    site = data.get("site")
    if site is None and not required:
        return None
    if not isinstance(site, str) or not conferences.SITE.match(site):
        raise errors.NoSuchPublisher()
    return site


@rtc_request("rtc.conference.seat", load=conferences.conference_room_in_frame, check=(TAKE_SEAT, ENTER_ROOM))
async def take_seat(connection, data: dict, room: Room) -> dict:
    """This tab's seat: the answer to its offer (up to N video and 3 audio tracks to receive), who
    is seen and heard now and the thumbnails there are; its tracks follow the speakers from now on."""
    _conference_only(room)
    offer = _offer(data)
    audio_only = data.get("audio_only") is True
    presence = _presence(connection, data)
    await connection.join_group(room_group(room.name))
    seated = await get_router().call(
        room.name, "seat", member=presence.member, offer=offer, audio_only=audio_only
    )
    presence.rooms.add(room.name)
    return {
        **room.ref,
        "answer": seated["answer"],
        "site": publisher_id(presence.member, "camera"),
        "audio_only": audio_only,
        "speakers": seated.get("speakers", {}),
        "thumbnails": await conferences.thumbnail_versions(room.conference.pk),
    }


@rtc_request(
    "rtc.conference.chair", load=conferences.conference_room_in_frame, check=(TAKE_SEAT, CHAIR_CONFERENCE)
)
async def chair(connection, data: dict, room: Room) -> dict:
    """The chair mutes or unmutes a site, gives or ends its floor, pins or unpins it for everyone."""
    _conference_only(room)
    action = data.get("action")
    if action not in CHAIR_ACTIONS:
        raise errors.BadRequest(_("Say what to do: mute, unmute, floor, end_floor, pin or unpin."))
    engine_action, on = CHAIR_ACTIONS[action]
    site = _site(data, required=action not in ("end_floor", "unpin"))
    chaired = await get_router().call(room.name, "chair", action=engine_action, site=site, on=on)
    return {**room.ref, "action": action, "site": site, "speakers": chaired["speakers"]}


@rtc_request(
    "rtc.conference.thumbnail", load=conferences.conference_room_in_frame, check=(TAKE_SEAT, PUBLISH)
)
async def send_thumbnail(connection, data: dict, room: Room) -> dict:
    """A site's still picture (a small JPEG, base64), shown to the seats that do not see its video."""
    _conference_only(room)
    encoded = data.get("jpeg")
    if not isinstance(encoded, str) or len(encoded) > settings.RTC_CONFERENCE_THUMBNAIL_BYTES * 4 // 3 + 4:
        raise errors.BadRequest(_("A thumbnail is a small JPEG picture."))
    try:
        jpeg = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise errors.BadRequest(_("A thumbnail is a small JPEG picture.")) from None
    site = publisher_id(_presence(connection, data).member, "camera")
    version = await conferences.store_thumbnail(room.conference.pk, site, jpeg)
    thumbnail_pushes.changed(room, site, version)
    return {**room.ref, "site": site, "version": version}


class ThumbnailPushes:
    """New thumbnails reach the seats coalesced: at most one push per conference every
    RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS, carrying the versions that changed since the last."""

    def __init__(self) -> None:
        self._pending: dict[str, dict[str, int]] = {}
        self._tasks: dict[str, asyncio.Task] = {}  # held until done: the loop keeps weak references

    def changed(self, room: Room, site: str, version: int) -> None:
        self._pending.setdefault(room.name, {})[site] = version
        loop = asyncio.get_running_loop()
        waiting = self._tasks.get(room.name)
        if waiting is None or waiting.done() or waiting.get_loop() is not loop:  # a closed loop's (tests)
            self._tasks[room.name] = loop.create_task(self._push_later(room))

    async def _push_later(self, room: Room) -> None:
        try:
            await asyncio.sleep(settings.RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS)
        finally:
            if self._tasks.get(room.name) is asyncio.current_task():
                del self._tasks[room.name]
            versions = self._pending.pop(room.name, {})
        if versions:
            await push_to_group(
                room_group(room.name), "rtc.conference.thumbnails", {**room.ref, "thumbnails": versions}
            )


thumbnail_pushes = ThumbnailPushes()

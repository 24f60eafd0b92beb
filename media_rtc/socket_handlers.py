"""Live video signalling on the live socket (namespace "rtc"); docs/protocol-rtc.md is the
transcript. Each handler declares, with the registry, the loader of the room its frame names and
the permissions media_rtc.rules checks on that room; the handlers only turn frames into calls.

Offers are not trickled: the browser gathers its candidates, sends the whole offer, and gets the
whole answer in the ok reply. The router (media_rtc/routing.py) decides which process answers.
"""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from events.errors import RakwonError
from events.permissions import ENTER_EVENT
from events.registry import ObjectPermission, socket_handlers
from exhibits.models import Booth

from . import errors, tiers
from .ice import ice_servers_for
from .models import LiveRoom
from .rooms import (
    BOOTH,
    CONFERENCE,
    MEETING,
    PUBLISH_LABELS,
    STAGE,
    Room,
    booth_room,
    meeting_room,
    room_group,
    staff_group,
)
from .routing import get_router
from .rules import ANSWER_MEETING, ENTER_ROOM, PUBLISH, SPEAK_ON_STAGE, TAKE_SEAT
from .services import conferences, meetings
from .stage import name_on_stage, stage_room_in_frame

ENTER = ENTER_EVENT
_TAB = re.compile(r"^[A-Za-z0-9]{4,16}$")
_PUBLISHER = re.compile(r"^[A-Za-z0-9_.:~-]{1,100}$")


def rtc_request(frame_type: str, *, load=None, check: tuple[ObjectPermission, ...] = ()):
    """Register a handler for anyone in the event, with the loader of its room and the checks on
    it; its errors leave with their message translated now (the engine's are lazy, and a frame
    carries text)."""

    def decorate(func):
        @functools.wraps(func)
        async def handle(*args):
            try:
                return await func(*args)
            except RakwonError as failure:
                failure.message = str(failure.message)
                raise

        socket_handlers.register(frame_type, permission=ENTER, load=_translated(load), check=check)(handle)
        return func

    return decorate


def _translated(load):
    """A loader's refusals (NoSuchRoom, BadRequest) leave translated too."""
    if load is None:
        return None

    @functools.wraps(load)
    async def translated(connection, data: dict):
        try:
            return await load(connection, data)
        except RakwonError as failure:
            failure.message = str(failure.message)
            raise

    return translated


# --- Loading the room a frame names ---------------------------------------------------------


def _booth_of(event, booth_id: object):
    if isinstance(booth_id, bool) or not isinstance(booth_id, int):
        return None
    return Booth.objects.select_related("exhibitor", "event").filter(pk=booth_id, event=event).first()


def _load_booth_room(event, booth_id: object) -> Room:
    booth = _booth_of(event, booth_id)
    if booth is None:
        raise errors.NoSuchRoom()
    test_pattern = LiveRoom.objects.filter(booth=booth, test_pattern=True).exists()
    return Room(booth_room(booth.pk), BOOTH, booth, test_pattern=test_pattern)


def _load_meeting_room(event, token: str, meeting: meetings.Meeting | None) -> Room:
    if meeting is None or meeting.event_id != event.pk:
        raise errors.NoSuchRoom()
    if meeting.booth_id is None:  # two visitors' meeting: only its members, no booth's staff
        return Room(meeting_room(token), MEETING, None, members=meeting.members)
    booth = _booth_of(event, meeting.booth_id)
    if booth is None:
        raise errors.NoSuchRoom()
    return Room(meeting_room(token), MEETING, booth, members=meeting.members)


async def room_in_frame(connection, data: dict) -> Room:
    """The room the frame names: {"booth": 12}, {"meeting": "..."} or a session's {"stage": 7}."""
    if "meeting" in data:
        token = data["meeting"]
        if not meetings.is_token(token):
            raise errors.NoSuchRoom()
        meeting = await meetings.find_meeting(token)
        return await database_sync_to_async(_load_meeting_room)(connection.event, token, meeting)
    if "booth" in data:
        return await booth_room_in_frame(connection, data)
    if "stage" in data:
        return await stage_room_in_frame(connection, data)
    if "conference" in data:
        return await conferences.conference_room_in_frame(connection, data)
    raise errors.BadRequest(_("Say which booth, meeting or stage: send “booth”, “meeting” or “stage”."))


async def booth_room_in_frame(connection, data: dict) -> Room:
    """The booth's room the frame names ({"booth": 12}): meeting requests are made at a booth."""
    return await database_sync_to_async(_load_booth_room)(connection.event, data.get("booth"))


# --- What one socket does in live video -----------------------------------------------------


@dataclass
class Presence:
    """What one socket does in live video, so a tier survives a page's re-render and a closed
    socket leaves everything it had."""

    member: str
    tiers: dict[str, dict[str, str]] = field(default_factory=dict)  # room → publisher → tier
    rooms: set[str] = field(default_factory=set)


_presences: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _presence(connection, data: dict) -> Presence:
    """The member id is the user's plus a tab id the browser keeps across socket reconnects, so a
    re-sent offer replaces its old peer instead of leaving a ghost that fills the room."""
    presence = _presences.get(connection)
    if presence is None:
        tab = data.get("tab")
        if not isinstance(tab, str) or not _TAB.match(tab):
            tab = hashlib.sha256(connection.channel_name.encode()).hexdigest()[:10]
        presence = _presences[connection] = Presence(member=f"{connection.user.pk}-{tab}")
    return presence


def _offer(data: dict) -> str:
    offer = data.get("offer")
    if not isinstance(offer, str) or not offer.startswith("v=0"):
        raise errors.BadOffer()
    return offer


def _publisher(data: dict) -> str:
    publisher = data.get("publisher")
    if not isinstance(publisher, str) or not _PUBLISHER.match(publisher):
        raise errors.NoSuchPublisher()
    return publisher


def _tier(data: dict) -> str:
    return tiers.tier_named(data.get("tier", tiers.STANDARD)).name


def _label(data: dict) -> str:
    label = data.get("label", "camera")
    if label not in PUBLISH_LABELS:
        raise errors.BadRequest(_("Publish a “camera” or a “screen”."))
    return label


@database_sync_to_async
def _may_publish(user, room: Room) -> bool:
    return user.has_perm(PUBLISH.permission, room)


# --- Looking at a room, publishing, watching ------------------------------------------------


@rtc_request("rtc.config")
async def configure(connection, data: dict) -> dict:
    """ICE servers for this user (TURN credentials expire), and the tiers a viewer can choose."""
    return {"ice_servers": ice_servers_for(connection.user), "tiers": list(tiers.TIERS)}


@rtc_request("rtc.room", load=room_in_frame, check=(TAKE_SEAT, ENTER_ROOM))
async def open_room(connection, data: dict, room: Room) -> dict:
    """The room's state; from now on this socket hears of its changes (rtc.room.changed)."""
    presence = _presence(connection, data)
    may_publish = await _may_publish(connection.user, room)
    await connection.join_group(room_group(room.name))
    if room.kind == BOOTH and may_publish:
        await connection.join_group(staff_group(room.booth_id))
    state = await get_router().room_state(room.name, test_pattern=room.test_pattern)
    return {**state, "may_publish": may_publish, "tiers": presence.tiers.get(room.name, {})}


@rtc_request("rtc.publish", load=room_in_frame, check=(TAKE_SEAT, ENTER_ROOM, SPEAK_ON_STAGE, PUBLISH))
async def go_live(connection, data: dict, room: Room) -> dict:
    label, offer = _label(data), _offer(data)
    presence = _presence(connection, data)
    await connection.join_group(room_group(room.name))
    if room.kind == STAGE:
        name = await name_on_stage(connection.user, room.session)
    elif room.kind == CONFERENCE:
        if label != "camera":  # a site is its camera and microphone; what it shows is its thumbnail
            raise errors.BadRequest(_("In a conference, publish your “camera”."))
        name = await conferences.shown_site_name(connection.user, room.conference)
    else:
        name = await meetings.shown_name(connection.user, connection.event)
    published = await get_router().publish(
        room.name, presence.member, offer, kind=room.kind, label=label, name=name
    )
    presence.rooms.add(room.name)
    return {**room.ref, **published}


@rtc_request("rtc.unpublish", load=room_in_frame, check=(ENTER_ROOM,))
async def end_stream(connection, data: dict, room: Room) -> dict:
    """End one stream (the screen share, say) and keep the rest."""
    label = _label(data)
    await get_router().unpublish(room.name, _presence(connection, data).member, label)
    return {**room.ref, "label": label}


#: Rooms watched by an audience have a cap on their viewers (a meeting has one on its members).
_VIEWER_CAPS = {
    BOOTH: lambda: settings.RTC_BOOTH_MAX_VIEWERS,
    STAGE: lambda: settings.RTC_STAGE_MAX_VIEWERS,
}


@rtc_request("rtc.watch", load=room_in_frame, check=(ENTER_ROOM,))
async def watch(connection, data: dict, room: Room) -> dict:
    publisher, offer, tier = _publisher(data), _offer(data), _tier(data)
    presence = _presence(connection, data)
    max_viewers = _VIEWER_CAPS[room.kind]() if room.kind in _VIEWER_CAPS else None
    await connection.join_group(room_group(room.name))
    watched = await get_router().watch(
        room.name, presence.member, publisher, offer, tier=tier, max_viewers=max_viewers
    )
    presence.rooms.add(room.name)
    presence.tiers.setdefault(room.name, {})[publisher] = tier
    return {**room.ref, "publisher": publisher, "tier": tier, **watched}


@rtc_request("rtc.tier", load=room_in_frame, check=(ENTER_ROOM,))
async def change_tier(connection, data: dict, room: Room) -> dict:
    publisher, tier = _publisher(data), _tier(data)
    presence = _presence(connection, data)
    await get_router().set_tier(room.name, presence.member, publisher, tier)
    presence.tiers.setdefault(room.name, {})[publisher] = tier
    return {**room.ref, "publisher": publisher, "tier": tier}


@rtc_request("rtc.leave", load=room_in_frame, check=(ENTER_ROOM,))
async def leave(connection, data: dict, room: Room) -> dict:
    """Stop everything this tab publishes and watches in the room; its changes still arrive."""
    presence = _presence(connection, data)
    await get_router().leave(room.name, presence.member)
    presence.rooms.discard(room.name)
    presence.tiers.pop(room.name, None)
    return room.ref


async def leave_everything(connection) -> None:
    """A closed socket leaves every room it was in (the engine would notice dead peers later)."""
    presence = _presences.pop(connection, None)
    if presence is None:
        return
    router = get_router()
    for room in sorted(presence.rooms):
        await router.leave(room, presence.member)


# --- Meetings: a visitor asks at the booth, a staff member accepts (media_rtc/services/meetings.py)


@rtc_request("rtc.meeting.request", load=booth_room_in_frame, check=(ENTER_ROOM,))
async def ask_for_meeting(connection, data: dict, room: Room) -> dict:
    asked = await meetings.request_meeting(room, by=connection.user)
    return {"booth": room.booth_id, "request": asked.token, "expires_in": asked.expires_in}


@rtc_request("rtc.meeting.accept", load=booth_room_in_frame, check=(ANSWER_MEETING,))
async def accept_meeting(connection, data: dict, room: Room) -> dict:
    token = data.get("request")
    meeting = await meetings.accept_meeting(room, token, by=connection.user)
    return {"booth": room.booth_id, "request": token, "meeting": meeting}


@rtc_request("rtc.meeting.decline", load=booth_room_in_frame, check=(ANSWER_MEETING,))
async def decline_meeting(connection, data: dict, room: Room) -> dict:
    token = data.get("request")
    await meetings.decline_meeting(room, token, by=connection.user)
    return {"booth": room.booth_id, "request": token}

"""Live video signalling on the live socket (namespace "rtc"); docs/protocol-rtc.md is the
transcript. Rooms: a booth's live room ("booth.<id>": its staff publish, everyone in the event
watches) and small meetings started from a booth ("meeting.<token>": everyone publishes).

Offers are not trickled: the browser gathers its candidates, sends the whole offer, and gets the
whole answer in the ok reply. Handlers stay thin; the router decides which process answers.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import weakref
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.errors import NotAllowed, RakwonError
from events.live import push_to_group, user_group
from events.registry import socket_handlers
from events.services.chat import author_of
from exhibits.models import Booth

from . import errors, tiers
from .ice import ice_servers_for
from .models import LiveRoom
from .router import PUBLISH_LABELS, booth_room, get_router, meeting_room, room_group, room_ref

ENTER = "events.enter_event"
MEETING_SECONDS = 12 * 60 * 60  # a meeting's membership outlives any sensible meeting
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
_TAB = re.compile(r"^[A-Za-z0-9]{4,16}$")
_PUBLISHER = re.compile(r"^[A-Za-z0-9_.:~-]{1,100}$")


class NoSuchRoom(errors.RtcError):
    code = "rtc.no_such_room"
    default_message = gettext_lazy("This booth or meeting is not here any more. Go back and choose another.")


class BadRequest(errors.RtcError):
    code = "rtc.bad_request"


class NoSuchRequest(errors.RtcError):
    code = "rtc.no_such_request"
    default_message = gettext_lazy("This meeting request has expired or another staff member answered it.")


def rtc_request(frame_type: str):
    """Register a handler for anyone in the event; its errors leave with their message translated
    now (the engine's are lazy, and a frame carries text)."""

    def decorate(func):
        @functools.wraps(func)
        async def handle(connection, data: dict) -> dict:
            try:
                return await func(connection, data)
            except RakwonError as failure:
                failure.message = str(failure.message)
                raise

        socket_handlers.register(frame_type, permission=ENTER)(handle)
        return func

    return decorate


def staff_group(booth_id: int) -> str:
    """The booth's staff who have its page open: they hear "Meet the exhibitor" requests."""
    return f"rtc.staff.{int(booth_id)}"


def _request_key(token: str) -> str:
    return f"rtc.meeting_request.{token}"


def _meeting_key(token: str) -> str:
    return f"rtc.meeting.{token}"


# --- Which room a frame names, and what this connection may do there --------------------------


@dataclass(frozen=True)
class Room:
    name: str
    kind: str  # "booth" or "meeting"
    booth_id: int
    may_publish: bool
    test_pattern: bool = False

    @property
    def ref(self) -> dict:
        return room_ref(self.name)


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


def _booth_room(user, event, booth_id: Any) -> Room:
    if isinstance(booth_id, bool) or not isinstance(booth_id, int):
        raise NoSuchRoom()
    booth = Booth.objects.select_related("exhibitor", "event").filter(pk=booth_id, event=event).first()
    if booth is None:
        raise NoSuchRoom()
    test_pattern = LiveRoom.objects.filter(booth=booth, test_pattern=True).exists()
    return Room(
        booth_room(booth.pk), "booth", booth.pk, user.has_perm("media_rtc.go_live", booth), test_pattern
    )


def _meeting_room(user, event, token: Any, meeting: dict | None) -> Room:
    if meeting is None or meeting.get("event") != event.pk:
        raise NoSuchRoom()
    booth = (
        Booth.objects.select_related("exhibitor", "event").filter(pk=meeting["booth"], event=event).first()
    )
    if booth is None:
        raise NoSuchRoom()
    if user.pk not in meeting["members"] and not user.has_perm("media_rtc.go_live", booth):
        raise NotAllowed(_("This meeting is private. Ask the booth's staff for one from the booth page."))
    return Room(meeting_room(token), "meeting", booth.pk, may_publish=True)


async def _find_room(connection, data: dict) -> Room:
    if "meeting" in data:
        token = data["meeting"]
        if not isinstance(token, str) or not _TOKEN.match(token):
            raise NoSuchRoom()
        meeting = await cache.aget(_meeting_key(token))
        return await database_sync_to_async(_meeting_room)(connection.user, connection.event, token, meeting)
    if "booth" in data:
        return await database_sync_to_async(_booth_room)(connection.user, connection.event, data["booth"])
    raise BadRequest(_("Say which booth or meeting: send “booth” or “meeting”."))


async def _shown_name(connection) -> str:
    """The name others see for this socket's person: the one chat shows (events.services.chat.author_of),
    so an attendee who chose not to be seen is "Visitor" here too; staff and the team by name."""
    label, _role = await database_sync_to_async(author_of)(connection.user, connection.event)
    return label


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


# --- Looking at a room, publishing, watching ------------------------------------------------


@rtc_request("rtc.config")
async def configure(connection, data: dict) -> dict:
    """ICE servers for this user (TURN credentials expire), and the tiers a viewer can choose."""
    return {"ice_servers": ice_servers_for(connection.user), "tiers": list(tiers.TIERS)}


@rtc_request("rtc.room")
async def open_room(connection, data: dict) -> dict:
    """The room's state; from now on this socket hears of its changes (rtc.room.changed)."""
    room = await _find_room(connection, data)
    presence = _presence(connection, data)
    await connection.join_group(room_group(room.name))
    if room.kind == "booth" and room.may_publish:
        await connection.join_group(staff_group(room.booth_id))
    state = await get_router().room_state(room.name, test_pattern=room.test_pattern)
    return {**state, "may_publish": room.may_publish, "tiers": presence.tiers.get(room.name, {})}


@rtc_request("rtc.publish")
async def go_live(connection, data: dict) -> dict:
    room = await _find_room(connection, data)
    if not room.may_publish:
        raise NotAllowed(_("Only the booth's staff can go live here."))
    label = data.get("label", "camera")
    if label not in PUBLISH_LABELS:
        raise BadRequest(_("Publish a “camera” or a “screen”."))
    offer = _offer(data)
    presence = _presence(connection, data)
    await connection.join_group(room_group(room.name))
    published = await get_router().publish(
        room.name, presence.member, offer, kind=room.kind, label=label, name=await _shown_name(connection)
    )
    presence.rooms.add(room.name)
    return {**room.ref, **published}


@rtc_request("rtc.unpublish")
async def end_stream(connection, data: dict) -> dict:
    """End one stream (the screen share, say) and keep the rest."""
    room = await _find_room(connection, data)
    label = data.get("label", "camera")
    if label not in PUBLISH_LABELS:
        raise BadRequest(_("Publish a “camera” or a “screen”."))
    await get_router().unpublish(room.name, _presence(connection, data).member, label)
    return {**room.ref, "label": label}


@rtc_request("rtc.watch")
async def watch(connection, data: dict) -> dict:
    room = await _find_room(connection, data)
    publisher, offer, tier = _publisher(data), _offer(data), _tier(data)
    presence = _presence(connection, data)
    max_viewers = settings.RTC_BOOTH_MAX_VIEWERS if room.kind == "booth" else None
    await connection.join_group(room_group(room.name))
    watched = await get_router().watch(
        room.name, presence.member, publisher, offer, tier=tier, max_viewers=max_viewers
    )
    presence.rooms.add(room.name)
    presence.tiers.setdefault(room.name, {})[publisher] = tier
    return {**room.ref, "publisher": publisher, "tier": tier, **watched}


@rtc_request("rtc.tier")
async def change_tier(connection, data: dict) -> dict:
    room = await _find_room(connection, data)
    publisher, tier = _publisher(data), _tier(data)
    presence = _presence(connection, data)
    await get_router().set_tier(room.name, presence.member, publisher, tier)
    presence.tiers.setdefault(room.name, {})[publisher] = tier
    return {**room.ref, "publisher": publisher, "tier": tier}


@rtc_request("rtc.leave")
async def leave(connection, data: dict) -> dict:
    """Stop everything this tab publishes and watches in the room; its changes still arrive."""
    room = await _find_room(connection, data)
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


# --- Meetings: a visitor asks at the booth, a staff member accepts -----------------------------


@rtc_request("rtc.meeting.request")
async def ask_for_meeting(connection, data: dict) -> dict:
    room = await _find_room(connection, {"booth": data.get("booth")})
    if room.may_publish:
        raise BadRequest(_("You are staff of this booth: accept a visitor's request instead."))
    token = secrets.token_urlsafe(12)
    request = {"booth": room.booth_id, "event": connection.event.pk, "user": connection.user.pk}
    await cache.aset(_request_key(token), request, timeout=settings.RTC_MEETING_REQUEST_SECONDS)
    asked = {"booth": room.booth_id, "request": token, "name": await _shown_name(connection)}
    await push_to_group(staff_group(room.booth_id), "rtc.meeting.requested", asked)
    return {"booth": room.booth_id, "request": token, "expires_in": settings.RTC_MEETING_REQUEST_SECONDS}


async def _answer_request(connection, data: dict) -> tuple[Room, dict, str]:
    """The request a staff member answers, taken so no other staff member answers it too."""
    room = await _find_room(connection, {"booth": data.get("booth")})
    if not room.may_publish:
        raise NotAllowed(_("Only the booth's staff answer meeting requests."))
    token = data.get("request")
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NoSuchRequest()
    request = await cache.aget(_request_key(token))
    if request is None or request["booth"] != room.booth_id or request["event"] != connection.event.pk:
        raise NoSuchRequest()
    if not await cache.adelete(_request_key(token)):  # another staff member was quicker
        raise NoSuchRequest()
    await push_to_group(
        staff_group(room.booth_id), "rtc.meeting.taken", {"booth": room.booth_id, "request": token}
    )
    return room, request, token


@rtc_request("rtc.meeting.accept")
async def accept_meeting(connection, data: dict) -> dict:
    room, request, token = await _answer_request(connection, data)
    meeting = secrets.token_urlsafe(12)
    members = [request["user"], connection.user.pk]
    await cache.aset(
        _meeting_key(meeting),
        {"booth": room.booth_id, "event": connection.event.pk, "members": members},
        timeout=MEETING_SECONDS,
    )
    started = {
        "booth": room.booth_id,
        "request": token,
        "meeting": meeting,
        "by": await _shown_name(connection),
    }
    await push_to_group(user_group(connection.event.pk, request["user"]), "rtc.meeting.started", started)
    return {"booth": room.booth_id, "request": token, "meeting": meeting}


@rtc_request("rtc.meeting.decline")
async def decline_meeting(connection, data: dict) -> dict:
    room, request, token = await _answer_request(connection, data)
    declined = {"booth": room.booth_id, "request": token}
    await push_to_group(user_group(connection.event.pk, request["user"]), "rtc.meeting.declined", declined)
    return declined

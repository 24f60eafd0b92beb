"""Meetings started from a booth: a visitor asks ("Meet the exhibitor"), the first of the booth's
staff to answer accepts or declines, and an accepted meeting is a private room of its members.

Requests and meetings live in the cache (no table: they are short-lived and hold only ids). Each
operation tells whoever must hear of it: the booth's staff with its page open, the visitor's tabs.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from events.live.groups import push_to_group, user_group
from events.services.chat import author_of

from ..errors import BadRequest, NoSuchRequest
from ..rooms import Room, staff_group
from ..rules import GO_LIVE

MEETING_SECONDS = 12 * 60 * 60  # a meeting's membership outlives any sensible meeting
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


@dataclass(frozen=True)
class MeetingRequest:
    token: str
    expires_in: int


@dataclass(frozen=True)
class Meeting:
    booth_id: int | None  # None: a meeting between two visitors, at no booth
    event_id: int
    members: tuple[int, ...]


def is_token(token: object) -> bool:
    return isinstance(token, str) and bool(_TOKEN.match(token))


def _request_key(token: str) -> str:
    return f"rtc.meeting_request.{token}"


def _meeting_key(token: str) -> str:
    return f"rtc.meeting.{token}"


async def shown_name(user, event) -> str:
    """The name others see for `user`: the one chat shows (events.services.chat.author_of), so an
    attendee who chose not to be seen is "Visitor" here too; staff and the team by name."""
    label, _role = await database_sync_to_async(author_of)(user, event)
    return label


async def find_meeting(token: object) -> Meeting | None:
    if not is_token(token):
        return None
    stored = await cache.aget(_meeting_key(token))
    if stored is None:
        return None
    return Meeting(booth_id=stored["booth"], event_id=stored["event"], members=tuple(stored["members"]))


async def request_meeting(room: Room, *, by) -> MeetingRequest:
    """`by` (a visitor) asks the booth's staff for a meeting; they hear it at once."""
    if await database_sync_to_async(by.has_perm)(GO_LIVE, room.booth):
        raise BadRequest(_("You are staff of this booth: accept a visitor's request instead."))
    event = room.booth.event
    token = secrets.token_urlsafe(12)
    request = {"booth": room.booth_id, "event": event.pk, "user": by.pk}
    await cache.aset(_request_key(token), request, timeout=settings.RTC_MEETING_REQUEST_SECONDS)
    asked = {"booth": room.booth_id, "request": token, "name": await shown_name(by, event)}
    await push_to_group(staff_group(room.booth_id), "rtc.meeting.requested", asked)
    return MeetingRequest(token, settings.RTC_MEETING_REQUEST_SECONDS)


async def _take_request(room: Room, token: object) -> dict:
    """The request a staff member answers, taken so no other staff member answers it too."""
    if not is_token(token):
        raise NoSuchRequest()
    request = await cache.aget(_request_key(token))
    if request is None or request["booth"] != room.booth_id or request["event"] != room.booth.event_id:
        raise NoSuchRequest()
    if not await cache.adelete(_request_key(token)):  # another staff member was quicker
        raise NoSuchRequest()
    await push_to_group(
        staff_group(room.booth_id), "rtc.meeting.taken", {"booth": room.booth_id, "request": token}
    )
    return request


async def accept_meeting(room: Room, token: object, *, by) -> str:
    """`by` (booth staff, checked by the caller's permission) accepts; returns the meeting's token,
    which the visitor's tabs are told."""
    request = await _take_request(room, token)
    meeting = secrets.token_urlsafe(12)
    members = [request["user"], by.pk]
    stored = {"booth": room.booth_id, "event": request["event"], "members": members}
    await cache.aset(_meeting_key(meeting), stored, timeout=MEETING_SECONDS)
    started = {
        "booth": room.booth_id,
        "request": token,
        "meeting": meeting,
        "by": await shown_name(by, room.booth.event),
    }
    await push_to_group(user_group(request["event"], request["user"]), "rtc.meeting.started", started)
    return meeting


async def decline_meeting(room: Room, token: object, *, by) -> None:
    """`by` (booth staff) declines; the visitor's tabs are told."""
    request = await _take_request(room, token)
    declined = {"booth": room.booth_id, "request": token}
    await push_to_group(user_group(request["event"], request["user"]), "rtc.meeting.declined", declined)


def open_booked_meeting(token: str, *, booth_id: int | None, event_id: int, members: tuple[int, ...]) -> None:
    """A meeting booked ahead (exhibits.services.appointments.join_meeting, or
    exhibits.services.visitor_meetings.join_meeting with no booth) opens as an ordinary meeting
    room under its own token; who joins later adds to its members, nobody is dropped."""
    stored = cache.get(_meeting_key(token)) or {"booth": booth_id, "event": event_id, "members": []}
    stored["members"] = list(dict.fromkeys([*stored["members"], *members]))
    cache.set(_meeting_key(token), stored, timeout=MEETING_SECONDS)

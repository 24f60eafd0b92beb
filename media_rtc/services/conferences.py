"""Conference rooms of an event (many organisations on one screen): the organiser creates one and
invites exhibitors and people; who holds a seat; the name a site is shown under; and the still
thumbnails each site's browser sends, kept in the cache (never on disk), versioned.

The media side (who is seen and heard) is media_rtc/conference_media.py; the frames are
media_rtc/conference_handlers.py (docs/protocol-rtc.md).
"""

from __future__ import annotations

import re
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.errors import NotAllowed, RakwonError
from events.permissions import CHANGE_EVENT, MANAGE_EVENT
from events.registry import event_roles
from events.services.chat import author_of
from events.services.registration import attendance_of
from exhibits.models import Exhibitor, ExhibitorStaff

from ..errors import BadRequest, NoSuchRoom
from ..models import ConferenceRoom
from ..rooms import CONFERENCE, Room, conference_room

#: A site's id as the engine names it ("<user>-<tab>:camera").
SITE = re.compile(r"^[0-9]+-[A-Za-z0-9]{4,16}:camera$")
JPEG_START = b"\xff\xd8\xff"
#: A thumbnail outlives a few missed updates, not a closed tab.
THUMBNAIL_SECONDS = 120


class ConferenceError(RakwonError):
    code = "conference.invalid"


# --- Organising -----------------------------------------------------------------------------------


def _check_may_organise(event, by) -> None:
    if not by.has_perm(CHANGE_EVENT, event):
        raise NotAllowed(_("Only the event's organisers arrange conferences."))


def create_conference(event, name: str, *, by) -> ConferenceRoom:
    _check_may_organise(event, by)
    name = (name or "").strip()
    if not name:
        raise ConferenceError(_("Give the conference a name the sites will recognise."))
    return ConferenceRoom.objects.create(event=event, name=name[:200], created_by=by)


def invite_exhibitors(conference: ConferenceRoom, exhibitors, *, by) -> int:
    """Invite exhibitors of the conference's event; returns how many were new."""
    _check_may_organise(conference.event, by)
    wanted = [e for e in exhibitors if e.event_id == conference.event_id]
    if len(wanted) != len(list(exhibitors)):
        raise ConferenceError(_("Only exhibitors of this event can be invited."))
    already = set(conference.invited_exhibitors.values_list("pk", flat=True))
    conference.invited_exhibitors.add(*wanted)
    return len({e.pk for e in wanted} - already)


def invite_person(conference: ConferenceRoom, email: str, *, by):
    """Invite someone by the e-mail address of their account: registered for the event, staff of
    one of its exhibitors, or on its team (anyone else could not open the event's live socket)."""
    _check_may_organise(conference.event, by)
    event = conference.event
    person = get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None:
        raise ConferenceError(
            _("Nobody has an account with that address. Ask them to register for the event first.")
        )
    if not (
        attendance_of(event, person) is not None
        or event_roles.has_role(person, event)
        or person.has_perm(MANAGE_EVENT, event)
    ):
        raise ConferenceError(
            _("%(email)s has no registration for this event. Ask them to register for it first.")
            % {"email": person.email}
        )
    conference.invited_people.add(person)
    return person


def uninvite(conference: ConferenceRoom, *, exhibitor=None, person=None, by) -> None:
    _check_may_organise(conference.event, by)
    with transaction.atomic():
        if exhibitor is not None:
            conference.invited_exhibitors.remove(exhibitor)
        if person is not None:
            conference.invited_people.remove(person)


def delete_conference(conference: ConferenceRoom, *, by) -> None:
    _check_may_organise(conference.event, by)
    conference.delete()


# --- Seats ----------------------------------------------------------------------------------------


def seat_holders(conference: ConferenceRoom) -> tuple[int, ...]:
    """The users who hold a seat: the invited people and every staff member of an invited exhibitor."""
    staff = ExhibitorStaff.objects.filter(exhibitor__in=conference.invited_exhibitors.all()).values_list(
        "user_id", flat=True
    )
    people = conference.invited_people.values_list("pk", flat=True)
    return tuple(sorted(set(staff) | set(people)))


def load_conference_room(event, conference_id: object) -> Room:
    if isinstance(conference_id, bool) or not isinstance(conference_id, int):
        raise NoSuchRoom()
    conference = ConferenceRoom.objects.select_related("event").filter(pk=conference_id, event=event).first()
    if conference is None:
        raise NoSuchRoom()
    return Room(
        conference_room(conference.pk),
        CONFERENCE,
        None,
        members=seat_holders(conference),
        conference=conference,
    )


async def conference_room_in_frame(connection, data: dict) -> Room:
    """The conference a frame names ({"conference": 3}) in the socket's event."""
    return await database_sync_to_async(load_conference_room)(connection.event, data.get("conference"))


def conferences_of(user, event) -> list[ConferenceRoom]:
    """The conferences of `event` where `user` holds a seat (for their list of rooms to join)."""
    if not user.is_authenticated:
        return []
    staff_of = Exhibitor.objects.filter(event=event, staff__user=user)
    return list(
        ConferenceRoom.objects.filter(event=event)
        .filter(Q(invited_people=user) | Q(invited_exhibitors__in=staff_of))
        .distinct()
        .order_by("name", "pk")
    )


def site_name(user, conference: ConferenceRoom) -> str:
    """What a site is shown under: its organisation's name for an invited exhibitor's staff, else
    the name chat shows (a hidden attendee stays "Visitor")."""
    exhibitor = (
        conference.invited_exhibitors.filter(staff__user=user)
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
    if exhibitor:
        return exhibitor
    label, _role = author_of(user, conference.event)
    return label


async def shown_site_name(user, conference: ConferenceRoom) -> str:
    return await database_sync_to_async(site_name)(user, conference)


# --- Thumbnails -----------------------------------------------------------------------------------


def _thumbnail_key(conference_id: int, site: str) -> str:
    return f"rtc:conference:{int(conference_id)}:thumbnail:{site}"


def _versions_key(conference_id: int) -> str:
    return f"rtc:conference:{int(conference_id)}:thumbnails"


def check_thumbnail(jpeg: bytes) -> None:
    """A thumbnail comes only from a seat's socket: its refusals are the socket's rtc.bad_request."""
    if len(jpeg) > settings.RTC_CONFERENCE_THUMBNAIL_BYTES:
        raise BadRequest(_("The thumbnail is too large."))
    if not jpeg.startswith(JPEG_START):
        raise BadRequest(_("A thumbnail is a small JPEG picture."))


async def store_thumbnail(conference_id: int, site: str, jpeg: bytes) -> int:
    """Keep a site's latest thumbnail; returns its version (milliseconds, increasing)."""
    check_thumbnail(jpeg)
    version = int(time.time() * 1000)
    await cache.aset(_thumbnail_key(conference_id, site), (version, jpeg), THUMBNAIL_SECONDS)
    versions = await cache.aget(_versions_key(conference_id)) or {}
    versions[site] = max(version, versions.get(site, 0) + 1)
    await cache.aset(_versions_key(conference_id), versions, THUMBNAIL_SECONDS)
    return versions[site]


def thumbnail(conference_id: int, site: str) -> tuple[int, bytes] | None:
    if not SITE.match(site or ""):
        return None
    return cache.get(_thumbnail_key(conference_id, site))


async def thumbnail_versions(conference_id: int) -> dict[str, int]:
    return dict(await cache.aget(_versions_key(conference_id)) or {})


def lobby_conferences(event, attendance=None, **page) -> dict:
    """The lobby's list of the conferences the attendee holds a seat in (none: no section)."""
    if attendance is None or attendance.user_id is None:
        return {"conferences": []}
    return {"conferences": conferences_of(attendance.user, event)}

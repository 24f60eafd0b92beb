"""What each side of a meeting by appointment hears: a mail in their language (English or
Korean), and for reminders also a push on the live socket to every tab they have open."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.live.groups import push_to_group, user_group
from events.models.registration import is_placeholder_email
from events.services.mail import send_invitation_mail

from ..models import Appointment, Lead, VisitorMeeting
from ..models.appointments import AskedBy

logger = logging.getLogger(__name__)

SUBJECT = "exhibits/appointments/mail_subject.txt"
BODY = "exhibits/appointments/mail.txt"
VISITOR_SUBJECT = "exhibits/appointments/visitor_mail_subject.txt"
VISITOR_BODY = "exhibits/appointments/visitor_mail.txt"


def visitor_label(appointment: Appointment) -> str:
    """How staff read the visitor: the name they shared with this exhibitor, else their public
    name, else "Visitor" (a hidden attendee is never named)."""
    lead = Lead.objects.filter(attendee=appointment.attendee, exhibitor=appointment.booth.exhibitor).first()
    return (lead.shared_name if lead else "") or appointment.attendee.public_name or _("Visitor")


def _recipients(appointment: Appointment, side: str) -> list[tuple[int, str, str]]:
    """(user id, address, language) of each person on `side`; a booth without a named staff
    member for the meeting tells all its staff."""
    event = appointment.booth.event
    if side == AskedBy.VISITOR:
        attendee = appointment.attendee
        address = attendee.email or (attendee.user.email if attendee.user else "")
        return [(attendee.user_id, address, attendee.language or event.languages[0])] if address else []
    staff = (
        [appointment.staff]
        if appointment.staff_id
        else list(appointment.booth.exhibitor.staff.select_related("user"))
    )
    language = event.languages[0] if event.languages else settings.LANGUAGE_CODE
    return [(member.user_id, member.user.email, language) for member in staff if member.user.email]


def _send(appointment: Appointment, kind: str, side: str) -> None:
    event = appointment.booth.event
    other = AskedBy.STAFF if side == AskedBy.VISITOR else AskedBy.VISITOR
    if side == AskedBy.VISITOR:
        link = reverse("visit:meetings", args=[event.slug])
    else:
        link = reverse("exhibitor:meetings", args=[appointment.booth.exhibitor_id])
    for _user, address, language in _recipients(appointment, side):
        with translation.override(language):
            other_name = (
                visitor_label(appointment) if other == AskedBy.VISITOR else appointment.booth.exhibitor.name
            )
            send_invitation_mail(
                to=address,
                subject_template=SUBJECT,
                body_template=BODY,
                context={
                    "kind": kind,
                    "booth": appointment.booth,
                    "event": event,
                    "number": appointment.booth.number,
                    "other": other_name,
                    "time": timezone.localtime(appointment.starts_at, event.tz).strftime("%Y-%m-%d %H:%M"),
                    "zone": event.time_zone,
                    "note": appointment.note if side == AskedBy.STAFF else "",
                    "link": settings.SITE_URL + link,
                    "language": language,
                },
            )


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related(
            "booth__event", "booth__exhibitor", "attendee__user", "staff__user"
        )
        .filter(pk=appointment_id)
        .first()
    )


def tell(appointment_id: int, kind: str, *, to: str) -> None:
    """Mail `to` (a side) that the meeting was asked, invited, confirmed, cancelled or moved."""
    appointment = _load(appointment_id)
    if appointment is not None:
        _send(appointment, kind, to)


def remind(appointment_id: int) -> None:
    """Both sides: a mail, and a "meeting.reminder" push to their open tabs."""
    appointment = _load(appointment_id)
    if appointment is None:
        return
    event = appointment.booth.event
    for side in (AskedBy.VISITOR, AskedBy.STAFF):
        _send(appointment, "reminder", side)
        for user_id, _address, _language in _recipients(appointment, side):
            pushed = {
                "meeting": appointment.pk,
                "booth": appointment.booth_id,
                "starts_at": appointment.starts_at.isoformat(),
            }
            try:
                async_to_sync(push_to_group)(user_group(event.pk, user_id), "meeting.reminder", pushed)
            except Exception:  # the mail went; a channel layer that is down must not stop the others
                logger.exception("meeting reminder push failed for meeting %s", appointment.pk)


# --- Meetings between two visitors (exhibits/services/visitor_meetings.py) ----------------------


def _load_visitor_meeting(meeting_id: int) -> VisitorMeeting | None:
    return (
        VisitorMeeting.objects.select_related("event", "asker__user", "invitee__user")
        .filter(pk=meeting_id)
        .first()
    )


def _send_visitor(meeting: VisitorMeeting, kind: str, side: str) -> int | None:
    """Mail the person on `side` ("asker" or "invitee") in their language; their user id."""
    event = meeting.event
    person, other = (meeting.asker, meeting.invitee) if side == "asker" else (meeting.invitee, meeting.asker)
    address = person.email or (person.user.email if person.user else "")
    if address and not is_placeholder_email(address):
        language = person.language or (event.languages[0] if event.languages else settings.LANGUAGE_CODE)
        with translation.override(language):
            send_invitation_mail(
                to=address,
                subject_template=VISITOR_SUBJECT,
                body_template=VISITOR_BODY,
                context={
                    "kind": kind,
                    "event": event,
                    "other": other.public_name or _("Visitor"),
                    "time": timezone.localtime(meeting.starts_at, event.tz).strftime("%Y-%m-%d %H:%M"),
                    "zone": event.time_zone,
                    "note": meeting.note if side == "invitee" else "",
                    "link": settings.SITE_URL + reverse("visit:meetings", args=[event.slug]),
                    "language": language,
                },
            )
    return person.user_id


def tell_visitor(meeting_id: int, kind: str, *, to: str) -> None:
    """Mail one person of a visitor meeting that it was asked, confirmed, declined, cancelled or moved."""
    meeting = _load_visitor_meeting(meeting_id)
    if meeting is not None:
        _send_visitor(meeting, kind, to)


def remind_visitors(meeting_id: int) -> None:
    """Both people: a mail, and a "meeting.reminder" push to their open tabs."""
    meeting = _load_visitor_meeting(meeting_id)
    if meeting is None:
        return
    for side in ("asker", "invitee"):
        user_id = _send_visitor(meeting, "reminder", side)
        if user_id is None:
            continue
        pushed = {"meeting": meeting.pk, "booth": None, "starts_at": meeting.starts_at.isoformat()}
        try:
            async_to_sync(push_to_group)(user_group(meeting.event_id, user_id), "meeting.reminder", pushed)
        except Exception:  # the mail went; a channel layer that is down must not stop the other
            logger.exception("meeting reminder push failed for visitor meeting %s", meeting.pk)

"""Calendar files (iCalendar, RFC 5545): one session to add to a calendar, an attendee's feed
of bookmarked sessions, of meetings booked with exhibitors and of meetings with other visitors,
and a staff member's feed of their exhibitor's meetings.
Written with the `icalendar` library, which folds lines at 75 octets, escapes text and ends lines
with CRLF; times in UTC.

Every text goes in as vText, escaped (commas, semicolons, backslashes, line breaks): the library
escapes only the properties it knows, and passed an X- property (X-WR-CALNAME) through raw, so a
line break in an event's name made every calendar of that event fail.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vDuration, vText
from icalendar import Event as CalendarEvent

from events.models import Attendee, Event, Session
from events.models.texts import text_in

from ..models import Appointment, AppointmentStatus, ExhibitorStaff, VisitorMeeting
from ..models.appointments import AskedBy
from ..services.appointment_mail import visitor_label
from ..services.appointments import meetings_of_attendee
from ..services.bookmarks import bookmarks_of
from ..services.staff_calendar import meetings_of_staff
from ..services.tour import booth_of, with_places
from ..services.visitor_meetings import shown_name, visitor_meetings_of

PRODUCT_ID = "-//Rakwon//Expo agenda//EN"
# Calendar apps poll a subscribed feed; once an hour keeps bookmarks fresh without load.
FEED_REFRESH = dt.timedelta(hours=1)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "rakwon.invalid"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def session_uid(session: Session) -> str:
    """Stable across downloads, so a calendar updates the session instead of adding it twice."""
    return f"session-{session.pk}@{_host()}"


def session_location(session: Session) -> str:
    booth = getattr(session, "booth", None) or booth_of(session)
    if booth is None:
        return ""
    return _("Booth %(number)s · %(exhibitor)s, %(hall)s") % {
        "number": booth.number,
        "exhibitor": text_in(booth.exhibitor, "name"),
        "hall": text_in(booth.hall, "name"),
    }


def session_url(session: Session, event: Event) -> str:
    booth = getattr(session, "booth", None) or booth_of(session)
    if booth is not None:
        return _absolute(reverse("visit:booth", args=[event.slug, booth.pk]))
    return _absolute(reverse("visit:agenda", args=[event.slug]) + f"#session-{session.pk}")


def session_text(session: Session) -> str:
    """The session's description, then who speaks."""
    parts = [text_in(session, "description").strip()]
    speakers = ", ".join(str(speaker) for speaker in session.speakers.all())
    if speakers:
        parts.append(_("Speakers: %(names)s") % {"names": speakers})
    return "\n\n".join(part for part in parts if part)


def session_entry(session: Session, *, event: Event, stamp: dt.datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", session_uid(session))
    entry.add("dtstamp", stamp.astimezone(dt.UTC))
    entry.add("dtstart", session.starts_at.astimezone(dt.UTC))
    entry.add("dtend", session.ends_at.astimezone(dt.UTC))
    entry.add("summary", vText(text_in(session, "title")))
    description = session_text(session)
    if description:
        entry.add("description", vText(description))
    location = session_location(session)
    if location:
        entry.add("location", vText(location))
    entry.add("url", session_url(session, event))
    return entry


# A calendar app shows a cancelled meeting as cancelled (and may drop it) instead of keeping it.
_MEETING_STATUS = {
    AppointmentStatus.ASKED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(appointment: Appointment) -> str:
    return f"meeting-{appointment.pk}@{_host()}"


def _meeting_page(appointment: Appointment, event: Event, side: str) -> str:
    """Where "Join" is: the attendee's meetings page, or the staff's agenda of that day."""
    if side == AskedBy.STAFF:
        day = timezone.localdate(appointment.starts_at, timezone=event.tz)
        path = reverse("exhibitor:meetings", args=[appointment.booth.exhibitor_id]) + f"?day={day}"
    else:
        path = reverse("visit:meetings", args=[event.slug])
    return _absolute(path + f"#meeting-{appointment.pk}")


def meeting_entry(
    appointment: Appointment, *, event: Event, stamp: dt.datetime, side: str = AskedBy.VISITOR
) -> CalendarEvent:
    """A meeting booked with an exhibitor, as `side` reads it: the visitor sees the exhibitor's
    name, staff see the visitor as staff may (visitor_label: never a hidden attendee's name)."""
    booth = appointment.booth
    entry = CalendarEvent()
    entry.add("uid", meeting_uid(appointment))
    entry.add("dtstamp", stamp.astimezone(dt.UTC))
    entry.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    entry.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    if side == AskedBy.STAFF:
        summary = _("Meeting with %(name)s") % {"name": visitor_label(appointment)}
    else:
        summary = _("Meeting with %(exhibitor)s") % {"exhibitor": text_in(booth.exhibitor, "name")}
    entry.add("summary", vText(summary))
    entry.add("status", _MEETING_STATUS[appointment.status])
    entry.add(
        "location",
        vText(
            _("Booth %(number)s · %(exhibitor)s, %(hall)s")
            % {
                "number": booth.number,
                "exhibitor": text_in(booth.exhibitor, "name"),
                "hall": text_in(booth.hall, "name"),
            }
        ),
    )
    entry.add("url", _meeting_page(appointment, event, side))
    return entry


def visitor_meeting_entry(
    meeting: VisitorMeeting, attendee: Attendee, *, event: Event, stamp: dt.datetime
) -> CalendarEvent:
    """A meeting with another visitor, named by their public name; "Join" is on the meetings page."""
    other = meeting.invitee if meeting.asker_id == attendee.pk else meeting.asker
    entry = CalendarEvent()
    entry.add("uid", f"visitor-meeting-{meeting.pk}@{_host()}")
    entry.add("dtstamp", stamp.astimezone(dt.UTC))
    entry.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    entry.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    entry.add("summary", vText(_("Meeting with %(name)s") % {"name": shown_name(other)}))
    entry.add("status", _MEETING_STATUS[meeting.status])
    entry.add(
        "url", _absolute(reverse("visit:meetings", args=[event.slug]) + f"#visitor-meeting-{meeting.pk}")
    )
    return entry


def _calendar(event: Event, sessions: list[Session], *, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))  # an X- property: not escaped unless typed
    stamp = timezone.now()
    for session in sessions:
        calendar.add_component(session_entry(session, event=event, stamp=stamp))
    return calendar


def session_calendar(session: Session) -> bytes:
    """One session as a calendar file to open in any calendar app."""
    session = with_places(Session.objects.filter(pk=session.pk).select_related("event"))[0]
    name = f"{text_in(session.event, 'name')}: {text_in(session, 'title')}"
    return _calendar(session.event, [session], name=name).to_ical()


def _feed_refresh(calendar: Calendar) -> None:
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))  # unknown to the library: typed here


def feed_calendar(attendee: Attendee) -> bytes:
    """The attendee's bookmarked sessions, as a feed a calendar app subscribes to: in the
    attendee's language, since a calendar app polling the feed sends no language of its own."""
    event = attendee.event
    with translation.override(attendee.language or translation.get_language()):
        calendar = _calendar(
            event,
            bookmarks_of(attendee).sessions,
            name=_("%(event)s: my sessions") % {"event": text_in(event, "name")},
        )
        stamp = timezone.now()
        for appointment in meetings_of_attendee(attendee):
            calendar.add_component(meeting_entry(appointment, event=event, stamp=stamp))
        for meeting in visitor_meetings_of(attendee):
            calendar.add_component(visitor_meeting_entry(meeting, attendee, event=event, stamp=stamp))
    _feed_refresh(calendar)
    return calendar.to_ical()


def staff_feed_calendar(member: ExhibitorStaff) -> bytes:
    """The exhibitor's meetings `member` takes part in, as a feed: in the language the address
    was made in (else the event's first), since a calendar app sends none of its own."""
    exhibitor = member.exhibitor
    event = exhibitor.event
    feed = getattr(member, "calendar_feed", None)
    languages = event.languages or [settings.LANGUAGE_CODE]
    language = feed.language if feed is not None and feed.language in languages else languages[0]
    with translation.override(language):
        calendar = _calendar(
            event, [], name=_("%(exhibitor)s: my meetings") % {"exhibitor": text_in(exhibitor, "name")}
        )
        stamp = timezone.now()
        for appointment in meetings_of_staff(member):
            calendar.add_component(meeting_entry(appointment, event=event, stamp=stamp, side=AskedBy.STAFF))
    _feed_refresh(calendar)
    return calendar.to_ical()

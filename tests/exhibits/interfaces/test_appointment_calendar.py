"""Meetings in the attendee's calendar feed (exhibits/interfaces/calendar.py): one VEVENT each, in
UTC, with a stable UID and the status a calendar app understands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from exhibits.interfaces.calendar import feed_calendar
from exhibits.services import appointments, visitor_meetings
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def test_the_feed_holds_the_attendees_meetings_only(event, booth_a, staff_a):
    event.languages = ["en"]
    event.save()
    day = event.starts_on
    slots = appointments.publish_availability(
        booth_a, day=day, start=dt.time(10), end=dt.time(11), length_minutes=30, by=staff_a
    )
    attendee = AttendeeFactory(event=event)
    other = AttendeeFactory(event=event)
    confirmed = appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, by=attendee.user), by=staff_a
    )
    appointments.book_slot(slots[1], other, by=other.user)

    parsed = Calendar.from_ical(feed_calendar(attendee))
    meetings = [each for each in parsed.walk("VEVENT") if str(each["UID"]).startswith("meeting-")]

    assert len(meetings) == 1
    entry = meetings[0]
    assert str(entry["UID"]) == f"meeting-{confirmed.pk}@127.0.0.1"
    assert entry.decoded("DTSTART") == dt.datetime.combine(
        day, dt.time(1, 0), tzinfo=dt.UTC
    )  # 10:00 in Seoul
    assert entry.decoded("DTEND") == dt.datetime.combine(day, dt.time(1, 30), tzinfo=dt.UTC)
    assert (str(entry["SUMMARY"]), str(entry["STATUS"])) == ("Meeting with Alpha Systems", "CONFIRMED")
    assert str(entry["URL"]).endswith(f"/expo/meetings/#meeting-{confirmed.pk}")


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(event, booth_a, staff_a):
    slots = appointments.publish_availability(
        booth_a, day=event.starts_on, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff_a
    )
    attendee = AttendeeFactory(event=event)
    appointments.cancel_meeting(appointments.book_slot(slots[0], attendee, by=attendee.user), by=staff_a)

    parsed = Calendar.from_ical(feed_calendar(attendee))

    assert [str(each["STATUS"]) for each in parsed.walk("VEVENT")] == ["CANCELLED"]


def test_the_feed_holds_meetings_with_other_visitors_by_public_name(event):
    ann = AttendeeFactory(event=event, display_name="Ann", visible_to_others=True, open_to_meetings=True)
    bob = AttendeeFactory(event=event, display_name="Bob", visible_to_others=True, open_to_meetings=True)
    starts = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    meeting = visitor_meetings.ask_for_meeting(
        event, bob.pk, starts_at=starts, length_minutes=15, by=ann.user
    )

    parsed = Calendar.from_ical(feed_calendar(bob))
    entries = [each for each in parsed.walk("VEVENT") if str(each["UID"]).startswith("visitor-meeting-")]

    assert [(str(e["UID"]), str(e["SUMMARY"]), str(e["STATUS"])) for e in entries] == [
        (f"visitor-meeting-{meeting.pk}@127.0.0.1", "Meeting with Ann", "TENTATIVE")
    ]
    assert entries[0].decoded("DTEND") - entries[0].decoded("DTSTART") == dt.timedelta(minutes=15)

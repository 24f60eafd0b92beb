"""A staff member's calendar feed of their exhibitor's meetings (exhibits/interfaces/calendar.py,
exhibits/services/staff_calendar.py): the meetings they take part in (their own times and the
booth's), each with its status, the visitor named only as staff may see them, the booth and the
agenda page where "Join" is."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from events.errors import NotAllowed
from exhibits.interfaces.calendar import staff_feed_calendar
from exhibits.models import ExhibitorStaff, Lead
from exhibits.services import appointments
from exhibits.services.staff_calendar import (
    StaffCalendarFeedShredder,
    renew_staff_calendar_feed,
    staff_calendar_feed_of,
    staff_feed_by_token,
)
from tests.factories import BoothFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(staff_a, exhibitor_a) -> ExhibitorStaff:
    return ExhibitorStaff.objects.get(user=staff_a, exhibitor=exhibitor_a)


def _publish(booth, by, *, start: int, staff=None):
    return appointments.publish_availability(
        booth,
        day=booth.event.starts_on,
        start=dt.time(start),
        end=dt.time(start, 30),
        length_minutes=30,
        staff=staff,
        by=by,
    )[0]


def _entries(body: bytes) -> list[tuple[str, str, str]]:
    parsed = Calendar.from_ical(body)
    return [(str(e["SUMMARY"]), str(e["STATUS"]), str(e["LOCATION"])) for e in parsed.walk("VEVENT")]


def test_the_feed_holds_the_staff_members_and_the_booths_meetings_only(
    event, booth_a, staff_a, member, exhibitor_a, exhibitor_b, staff_b
):
    event.languages = ["en"]
    event.save()
    colleague = StaffFactory(exhibitor=exhibitor_a)
    hidden = AttendeeFactory(event=event, display_name="Hidden Hana", visible_to_others=False)
    public = AttendeeFactory(event=event, display_name="Open Oda", visible_to_others=True)
    shared = AttendeeFactory(event=event, display_name="Sam", visible_to_others=False)
    Lead.objects.create(
        attendee=shared,
        booth=booth_a,
        exhibitor=exhibitor_a,
        shared_fields=[{"key": "name", "value": "Samuel Shared"}],
    )
    mine = appointments.book_slot(_publish(booth_a, staff_a, start=10, staff=member), hidden, by=hidden.user)
    booths = appointments.confirm_meeting(
        appointments.book_slot(_publish(booth_a, staff_a, start=11), public, by=public.user), by=staff_a
    )
    cancelled = appointments.book_slot(_publish(booth_a, staff_a, start=12), shared, by=shared.user)
    appointments.cancel_meeting(cancelled, by=staff_a)
    theirs = AttendeeFactory(event=event)
    appointments.book_slot(_publish(booth_a, staff_a, start=13, staff=colleague), theirs, by=theirs.user)
    booth_b = BoothFactory(event=event, exhibitor=exhibitor_b, number="B-7")
    other = AttendeeFactory(event=event)
    appointments.book_slot(_publish(booth_b, staff_b, start=10), other, by=other.user)

    body = staff_feed_calendar(member)

    location = "Booth A-1 · Alpha Systems, " + booth_a.hall.name
    assert _entries(body) == [
        ("Meeting with Visitor", "TENTATIVE", location),
        ("Meeting with Open Oda", "CONFIRMED", location),
        ("Meeting with Samuel Shared", "CANCELLED", location),
    ]
    parsed = Calendar.from_ical(body)
    entries = list(parsed.walk("VEVENT"))
    assert [str(e["UID"]) for e in entries] == [
        f"meeting-{each.pk}@127.0.0.1" for each in (mine, booths, cancelled)
    ]
    day = event.starts_on.isoformat()
    assert str(entries[0]["URL"]) == (
        f"http://127.0.0.1:8000/exhibitor/{exhibitor_a.pk}/meetings/?day={day}#meeting-{mine.pk}"
    )
    assert str(parsed["X-WR-CALNAME"]) == "Alpha Systems: my meetings"
    assert "Hidden Hana" not in body.decode()


def test_the_feed_speaks_the_language_it_was_made_in(event, booth_a, staff_a, member):
    event.languages = ["en", "ko"]
    event.save()
    hidden = AttendeeFactory(event=event, visible_to_others=False)
    appointments.book_slot(_publish(booth_a, staff_a, start=10), hidden, by=hidden.user)
    staff_calendar_feed_of(member.exhibitor, by=staff_a, language="ko")

    parsed = Calendar.from_ical(staff_feed_calendar(member))

    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == ["관람객 님과의 미팅"]


def test_renewing_replaces_the_token_and_the_old_one_finds_nothing(member, staff_a, exhibitor_a):
    old = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    assert staff_calendar_feed_of(exhibitor_a, by=staff_a).token == old

    new = renew_staff_calendar_feed(exhibitor_a, by=staff_a).token

    assert new != old
    assert staff_feed_by_token(exhibitor_a.pk, old) is None
    assert staff_feed_by_token(exhibitor_a.pk, new).staff == member


def test_only_the_exhibitors_own_staff_get_a_feed(exhibitor_a, exhibitor_b, staff_a, staff_b, owner):
    for outsider in (staff_b, owner):
        with pytest.raises(NotAllowed):
            staff_calendar_feed_of(exhibitor_a, by=outsider)
        with pytest.raises(NotAllowed):
            renew_staff_calendar_feed(exhibitor_a, by=outsider)
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token

    assert staff_feed_by_token(exhibitor_b.pk, token) is None
    assert staff_feed_by_token(exhibitor_a.pk, "x" * 65) is None


def test_a_removed_staff_members_feed_finds_nothing(member, staff_a, exhibitor_a):
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    member.delete()

    assert staff_feed_by_token(exhibitor_a.pk, token) is None


def test_shredding_the_event_deletes_the_feeds_and_archives_no_secret(event, member, staff_a, exhibitor_a):
    feed = staff_calendar_feed_of(exhibitor_a, by=staff_a)
    shredder = StaffCalendarFeedShredder()

    assert [item.count for item in shredder.describe(event)] == [1]
    exported = shredder.export(event)
    assert exported == {
        "staff_calendar_feeds": [
            {"exhibitor": exhibitor_a.pk, "staff": member.pk, "created_at": feed.created_at.isoformat()}
        ]
    }
    assert feed.token not in str(exported)
    assert shredder.shred(event) == {"staff_calendar_feeds": 1}
    assert staff_feed_by_token(exhibitor_a.pk, feed.token) is None
    assert shredder.remaining(event) == 0

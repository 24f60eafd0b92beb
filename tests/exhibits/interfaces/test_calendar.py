"""Calendar files: valid RFC 5545 (CRLF, folding at 75 octets, escaping, UTC times, UID, DTSTAMP)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from events.services.schedule import save_session
from exhibits.interfaces.calendar import feed_calendar, session_calendar
from exhibits.services.bookmarks import add_bookmark
from tests.factories import BoothFactory, HallFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booth_session(event, booth_a):
    starts = dt.datetime.combine(event.starts_on, dt.time(10, 30), tzinfo=event.tz)  # Seoul, UTC+9
    return save_session(
        event,
        None,
        title="Router demo",
        description="Bring questions.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=45),
        speakers_text="Ana Kim — Alpha Systems\nBo Lee",
        place=f"booth:{booth_a.pk}",
    )


def lines(body: bytes) -> list[str]:
    """Unfolded content lines (RFC 5545 §3.1: CRLF followed by one space continues a line)."""
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_session_calendar_is_one_event_in_utc(event, booth_a, booth_session):
    body = session_calendar(booth_session)

    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    unfolded = lines(body)
    assert unfolded[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Rakwon//Expo agenda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Expo: Router demo",
    ]
    day = event.starts_on.strftime("%Y%m%d")
    event_lines = unfolded[unfolded.index("BEGIN:VEVENT") : unfolded.index("END:VEVENT") + 1]
    stamp = next(line for line in event_lines if line.startswith("DTSTAMP:"))
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamp)
    assert [line for line in event_lines if not line.startswith("DTSTAMP:")] == [
        "BEGIN:VEVENT",
        "SUMMARY:Router demo",
        f"DTSTART:{day}T013000Z",
        f"DTEND:{day}T021500Z",
        f"UID:session-{booth_session.pk}@127.0.0.1",
        "DESCRIPTION:Bring questions.\\n\\nSpeakers: Ana Kim (Alpha Systems)\\, Bo Lee",
        f"LOCATION:Booth A-1 · Alpha Systems\\, {booth_a.hall.name}",
        f"URL:http://127.0.0.1:8000/expo/booths/{booth_a.pk}/",
        "END:VEVENT",
    ]


def test_session_without_place_links_to_the_agenda(event):
    session = SessionFactory(event=event, title="Opening")

    unfolded = lines(session_calendar(session))

    assert f"URL:http://127.0.0.1:8000/expo/agenda/#session-{session.pk}" in unfolded
    assert [line for line in unfolded if line.startswith(("LOCATION", "DESCRIPTION"))] == []


def test_calendar_escapes_commas_semicolons_backslashes_and_newlines(event):
    session = SessionFactory(event=event, title="Routers, switches; C:\\ paths", description="One\nTwo")

    unfolded = lines(session_calendar(session))

    assert "SUMMARY:Routers\\, switches\\; C:\\\\ paths" in unfolded
    assert "DESCRIPTION:One\\nTwo" in unfolded
    parsed = Calendar.from_ical(session_calendar(session))
    assert [str(each["SUMMARY"]) for each in parsed.walk("VEVENT")] == ["Routers, switches; C:\\ paths"]


def test_calendar_folds_long_lines_at_75_octets_without_splitting_characters(event):
    title = "라우터와 스위치로 학교 네트워크를 만드는 방법 " * 6
    session = SessionFactory(event=event, title=title.strip())

    body = session_calendar(session)

    physical = body.split(b"\r\n")
    assert len(physical) >= len(lines(body)) + 3  # the summary alone takes four lines
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # a fold never cuts a character in half
    assert f"SUMMARY:{title.strip()}" in lines(body)


def test_feed_lists_only_the_attendees_bookmarked_sessions(event, booth_session):
    attendee = AttendeeFactory(event=event)
    other = AttendeeFactory(event=event)
    skipped = SessionFactory(event=event, title="Not bookmarked")
    theirs = SessionFactory(event=event, title="Someone else's")
    add_bookmark(booth_session, attendee=attendee)
    add_bookmark(theirs, attendee=other)
    add_bookmark(BoothFactory(event=event, hall=HallFactory(event=event)), attendee=attendee)

    body = feed_calendar(attendee)

    parsed = Calendar.from_ical(body)
    assert [str(each["SUMMARY"]) for each in parsed.walk("VEVENT")] == ["Router demo"]
    assert skipped.title not in body.decode()
    unfolded = lines(body)
    assert "X-WR-CALNAME:Expo: my sessions" in unfolded
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded
    assert "X-PUBLISHED-TTL:PT1H" in unfolded


def test_empty_feed_is_still_a_valid_calendar(event):
    attendee = AttendeeFactory(event=event)

    body = feed_calendar(attendee)

    assert lines(body)[0] == "BEGIN:VCALENDAR"
    assert list(Calendar.from_ical(body).walk("VEVENT")) == []


def test_line_breaks_in_every_name_are_escaped_in_both_calendars(event, booth_a, booth_session):
    # Data saved before one-line fields refused control characters (or through the admin).
    event.name = "Expo\r\nX-INJECTED:1"
    event.save()
    booth_a.number = "A-1\rB"
    booth_a.save()
    booth_a.exhibitor.name = "Alpha\nSystems"
    booth_a.exhibitor.save()
    booth_a.hall.name = "Hall\r\n1"
    booth_a.hall.save()
    booth_session.title = "Router\r\ndemo"
    booth_session.save()
    booth_session.speakers.filter(name="Ana Kim").update(name="Ana\rKim")
    attendee = AttendeeFactory(event=event)
    add_bookmark(booth_session, attendee=attendee)

    for body in (session_calendar(booth_session), feed_calendar(attendee)):
        assert b"\n" not in body.replace(b"\r\n", b"")
        assert b"\r" not in body.replace(b"\r\n", b"")
        unfolded = lines(body)
        assert "X-INJECTED:1" not in unfolded
        assert "SUMMARY:Router\\ndemo" in unfolded
        assert "LOCATION:Booth A-1\\nB · Alpha\\nSystems\\, Hall\\n1" in unfolded
        description = next(line for line in unfolded if line.startswith("DESCRIPTION:"))
        assert (
            description == "DESCRIPTION:Bring questions.\\n\\nSpeakers: Ana\\nKim (Alpha Systems)\\, Bo Lee"
        )
    assert "X-WR-CALNAME:Expo\\nX-INJECTED:1: Router\\ndemo" in lines(session_calendar(booth_session))
    assert "X-WR-CALNAME:Expo\\nX-INJECTED:1: my sessions" in lines(feed_calendar(attendee))
    parsed = Calendar.from_ical(feed_calendar(attendee))
    assert [str(each["SUMMARY"]) for each in parsed.walk("VEVENT")] == ["Router\ndemo"]

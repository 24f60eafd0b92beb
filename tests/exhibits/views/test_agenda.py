"""The agenda (by day and by place, in the event's time zone), "add to calendar" per session, and
the attendee's private calendar feed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from events.enums import AttendeeStatus, EventStatus
from exhibits.models import BoothSession
from exhibits.services.bookmarks import add_bookmark, calendar_feed_of
from tests.factories import BoothFactory, EventFactory, HallFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(event):
    """Three sessions over two days in New York; the late one is the next day in UTC."""
    event.time_zone = "America/New_York"
    event.save()
    first_day = event.starts_on
    second_day = first_day + dt.timedelta(days=1)

    def at(day, hour, minute, title):
        starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=event.tz)
        return SessionFactory(
            event=event, title=title, starts_at=starts, ends_at=starts + dt.timedelta(minutes=30)
        )

    late = at(first_day, 22, 30, "Night owls")
    morning = at(second_day, 9, 0, "Second morning")
    opening = at(first_day, 9, 0, "Opening")
    booth = BoothFactory(event=event, number="B-7", hall=HallFactory(event=event, name="Harbour"))
    BoothSession.objects.create(session=late, booth=booth)
    return {
        "late": late,
        "morning": morning,
        "opening": opening,
        "booth": booth,
        "days": (first_day, second_day),
    }


def agenda_page(client, **query):
    return client.get(reverse("visit:agenda", args=["expo"]), query)


def sections(html: str) -> list[tuple[str, list[str]]]:
    """(heading text, session titles) of each section of the agenda."""
    found = []
    for heading, body in re.findall(r"<h2 id=\"(?:day|place)-\d+\">(.*?)</h2>(.*?)</section>", html, re.S):
        found.append((re.sub(r"<[^>]+>", "", heading).strip(), re.findall(r"<h3>([^<]+)</h3>", body)))
    return found


def test_agenda_by_day_groups_in_the_events_time_zone(client, agenda):
    response = agenda_page(client)

    html = response.content.decode()
    first, second = agenda["days"]
    assert response.status_code == 200
    assert [titles for _heading, titles in sections(html)] == [["Opening", "Night owls"], ["Second morning"]]
    assert re.findall(r'<h2 id="day-\d+"><time datetime="([\d-]+)">', html) == [
        first.isoformat(),
        second.isoformat(),
    ]
    late = agenda["late"]
    assert (
        f'<time datetime="{late.starts_at.astimezone(late.event.tz).isoformat()}">22:30</time>–23:00' in html
    )
    assert "Times are in America/New_York (UTC-0" in html
    assert f'<a href="/expo/booths/{agenda["booth"].pk}/">Booth B-7 · ' in html


def test_agenda_by_place_groups_by_booth_then_the_rest(client, agenda):
    html = agenda_page(client, by="place").content.decode()

    exhibitor = agenda["booth"].exhibitor.name
    assert sections(html) == [
        (f"Booth B-7 · {exhibitor} Harbour", ["Night owls"]),
        ("Not at a booth", ["Opening", "Second morning"]),
    ]
    assert '<a href="/expo/agenda/?by=place" aria-current="true">By hall and booth</a>' in html


def test_agenda_without_sessions_says_so(client, event):
    html = agenda_page(client).content.decode()

    assert "No sessions are scheduled yet." in html


def test_agenda_offers_calendar_files_and_bookmarks_to_an_attendee(client, agenda, visitor):
    attendee = AttendeeFactory(event=agenda["late"].event, user=visitor, email=visitor.email)
    add_bookmark(agenda["opening"], attendee=attendee)
    client.force_login(visitor)

    html = agenda_page(client).content.decode()

    opening, late = agenda["opening"], agenda["late"]
    assert (
        f'href="/expo/agenda/{opening.pk}/calendar.ics" download aria-label="Add to calendar: Opening">'
        in html
    )
    actions = re.findall(r'action="/expo/agenda/(\d+)/bookmark/".*?name="action" value="(\w+)"', html, re.S)
    assert actions == [(str(opening.pk), "remove"), (str(late.pk), "add"), (str(agenda["morning"].pk), "add")]
    assert f'name="next" value="/expo/agenda/#session-{late.pk}"' in html
    assert '<a href="/expo/bookmarks/#calendar">Your bookmarked sessions as a calendar feed</a>' in html


def test_agenda_invites_anonymous_visitors_to_register_once(client, agenda):
    html = agenda_page(client).content.decode()

    assert html.count("/expo/register/") == 1
    assert "Register to bookmark sessions and follow them in your calendar" in html
    assert 'class="bookmark"' not in html


def test_agenda_of_draft_event_is_hidden(client, event):
    event.status = EventStatus.DRAFT
    event.save()

    assert agenda_page(client).status_code == 404


def test_agenda_page_has_no_inline_style_or_script(client, agenda):
    html = agenda_page(client).content.decode()

    assert " style=" not in html
    assert "<script" not in html


# --- One session as a calendar file -----------------------------------------------------------


def test_session_calendar_downloads_without_an_account(client, agenda):
    opening = agenda["opening"]

    response = client.get(reverse("visit:session_calendar", args=["expo", opening.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="expo-session-{opening.pk}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:session-{opening.pk}@127.0.0.1\r\n" in body
    assert f"DTSTART:{agenda['days'][0]:%Y%m%d}T1" in body  # 09:00 in New York is 13:00 or 14:00 UTC


def test_session_calendar_of_another_event_is_404(client, event):
    other = SessionFactory(event=EventFactory())

    assert client.get(reverse("visit:session_calendar", args=["expo", other.pk])).status_code == 404


# --- The private feed ---------------------------------------------------------------------------


def test_feed_needs_no_log_in_and_lists_bookmarked_sessions(client, agenda):
    attendee = AttendeeFactory(event=agenda["late"].event)
    add_bookmark(agenda["late"], attendee=attendee)
    token = calendar_feed_of(attendee).token

    response = client.get(reverse("visit:calendar_feed", args=["expo", token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="expo-my-sessions.ics"'
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex"
    body = response.content.decode()
    assert re.findall(r"SUMMARY:([^\r]+)", body) == ["Night owls"]


def test_feed_of_cancelled_attendee_is_404(client, event):
    attendee = AttendeeFactory(event=event)
    token = calendar_feed_of(attendee).token
    attendee.status = AttendeeStatus.CANCELLED
    attendee.save()

    assert client.get(reverse("visit:calendar_feed", args=["expo", token])).status_code == 404


def test_feed_under_another_events_address_is_404(client, event):
    token = calendar_feed_of(AttendeeFactory(event=event)).token
    EventFactory(slug="other")

    assert client.get(reverse("visit:calendar_feed", args=["other", token])).status_code == 404
    assert client.get(reverse("visit:calendar_feed", args=["expo", "not-a-token"])).status_code == 404

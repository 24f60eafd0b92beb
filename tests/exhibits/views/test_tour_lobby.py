"""The lobby on the tour: welcome, halls, sessions live now and next (in the event's time zone),
the visitor's bookmarks; who enters and who is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import AttendeeStatus
from exhibits.models import BoothSession
from exhibits.services.bookmarks import add_bookmark
from tests.factories import BoothFactory, HallFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email, display_name="Vera Visitor")


def lobby(client):
    return client.get(reverse("attendee:lobby", args=["expo"]))


def titles_in(html: str, heading_id: str) -> list[str]:
    section = html[html.index(f'id="{heading_id}"') :]
    section = section[: section.index("</ul>")] if "<ul" in section[:400] else ""
    return re.findall(r"<h3>([^<]+)</h3>", section)


def test_lobby_welcomes_with_the_events_words_and_halls(client, event, attendee):
    event.description = "Welcome to the harbour expo."
    event.save()
    hall = HallFactory(event=event, name="Robots")
    BoothFactory(event=event, hall=hall)
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    assert "Welcome, Vera Visitor." in html
    assert "<p>Welcome to the harbour expo.</p>" in html
    assert f'<h3><a href="/expo/halls/{hall.pk}/">Robots</a></h3>' in html
    assert '<p class="muted">1 booth</p>' in html
    for name in ("agenda", "search", "bookmarks"):
        assert f'href="{reverse(f"visit:{name}", args=["expo"])}"' in html


def test_lobby_shows_live_and_next_sessions_in_the_events_time_zone(client, event, attendee):
    event.time_zone = "America/New_York"
    event.save()
    now = timezone.now().replace(second=0, microsecond=0)
    SessionFactory(
        event=event, title="Over", starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1)
    )
    live = SessionFactory(
        event=event,
        title="Live demo",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(minutes=20),
    )
    for hours in (4, 1, 3, 2):
        SessionFactory(
            event=event,
            title=f"In {hours} h",
            starts_at=now + dt.timedelta(hours=hours),
            ends_at=now + dt.timedelta(hours=hours, minutes=30),
        )
    BoothSession.objects.create(session=live, booth=BoothFactory(event=event, number="L-1"))
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    assert titles_in(html, "on-now") == ["Live demo"]
    assert titles_in(html, "up-next") == ["In 1 h", "In 2 h", "In 3 h"]
    local = timezone.localtime(live.starts_at, event.tz)
    end = timezone.localtime(live.ends_at, event.tz)
    assert f'<p class="time">{local:%H:%M}–{end:%H:%M}</p>' in html
    assert "Times are in America/New_York (UTC" in html
    assert f'href="/expo/booths/{live.booth_link.booth_id}/">Booth L-1 · ' in html


def test_lobby_says_when_nothing_is_on(client, event, attendee):
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    assert "Nothing is live right now." in html
    assert "No more sessions are scheduled." in html


def test_lobby_lists_the_visitors_bookmarks(client, event, attendee, booth_a):
    session = SessionFactory(event=event, title="Router demo")
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)
    add_bookmark(BoothFactory(event=event, number="X-9"), attendee=AttendeeFactory(event=event))
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    section = html[html.index('id="lobby-bookmarks"') :]
    assert (
        f'<li><a href="/expo/booths/{booth_a.pk}/"><span class="badge">A-1</span> Alpha Systems</a></li>'
        in section
    )
    assert f'<a href="/expo/agenda/#session-{session.pk}">Router demo</a>' in section
    assert "X-9" not in section


def test_lobby_without_bookmarks_explains_them(client, event, attendee):
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    assert "Bookmark booths and sessions as you go round; you will find them here." in html


def test_lobby_for_staff_has_no_bookmarks_section(client, event, staff_a):
    client.force_login(staff_a)

    response = lobby(client)

    assert response.status_code == 200
    assert 'id="lobby-bookmarks"' not in response.content.decode()


def test_lobby_refuses_a_pending_attendee_with_the_reason(client, event):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)
    client.force_login(pending.user)

    response = lobby(client)

    assert response.status_code == 403
    assert "Your registration is waiting for the organisers&#x27; approval." in response.content.decode()


def test_lobby_page_has_no_inline_style_or_script(client, event, attendee):
    client.force_login(attendee.user)

    html = lobby(client).content.decode()

    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # live.js and chat.js are files

"""Public event pages: who sees which event, the schedule by day, and the event's languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from events.enums import EventStatus, TeamRole
from events.services.schedule import save_session
from tests.factories import EventFactory, HallFactory, SessionFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A page may switch the thread's language to the event's; later tests expect English."""
    yield
    translation.activate("en")


def _event_url(event) -> str:
    return reverse("public:event", args=[event.slug])


def _offered_languages(html: str) -> list[str]:
    switcher = html.split('id="language-select"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([a-z-]+)"', switcher)


# --- Home ------------------------------------------------------------------------------------


def test_home_lists_published_events_newest_first(client):
    today = dt.date(2026, 5, 1)
    older = EventFactory(name="Older Expo", starts_on=today, ends_on=today)
    newer = EventFactory(
        name="Newer Expo",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=31),
    )
    EventFactory(name="Secret Draft", status=EventStatus.DRAFT)
    closed = EventFactory(name="Last Year", status=EventStatus.CLOSED)

    response = client.get(reverse("public:home"))

    assert response.status_code == 200
    assert list(response.context["events"]) == [newer, older]
    assert list(response.context["past_events"]) == [closed]
    html = response.content.decode()
    assert "Secret Draft" not in html
    assert html.index("Newer Expo") < html.index("Older Expo")
    assert f'href="{_event_url(newer)}"' in html


def test_home_invites_organisers_to_log_in_or_sign_up(client, db):
    html = client.get(reverse("public:home")).content.decode()

    assert f'href="{reverse("accounts:login")}"' in html
    assert f'href="{reverse("accounts:signup")}"' in html


def test_home_without_events_says_so(client, db):
    response = client.get(reverse("public:home"))

    assert response.status_code == 200
    assert "No exhibition is open at the moment. Come back later." in response.content.decode()


# --- Who sees an event ----------------------------------------------------------------------


def test_event_published_is_shown_to_anonymous(client, event):
    HallFactory(event=event, name="Main Hall")
    SessionFactory(event=event, title="Opening talk")

    response = client.get(_event_url(event))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Expo</h1>" in html
    assert "Main Hall" in html
    assert "Opening talk" in html
    assert f'href="{reverse("public:schedule", args=[event.slug])}"' in html
    assert "This event has ended." not in html


def test_event_draft_is_hidden_from_anonymous(client, event):
    event.status = EventStatus.DRAFT
    event.save()

    assert client.get(_event_url(event)).status_code == 404
    assert client.get(reverse("public:schedule", args=[event.slug])).status_code == 404
    assert client.get(reverse("public:theme", args=[event.slug])).status_code == 404


def test_event_draft_is_hidden_from_logged_in_outsider(client, event, visitor):
    event.status = EventStatus.DRAFT
    event.save()
    client.force_login(visitor)

    assert client.get(_event_url(event)).status_code == 404


@pytest.mark.parametrize("role", [TeamRole.OWNER, TeamRole.MODERATOR])
def test_event_draft_is_shown_to_its_team(client, role):
    event = EventFactory(status=EventStatus.DRAFT)
    member = TeamMemberFactory(event=event, role=role)
    client.force_login(member.user)

    response = client.get(_event_url(event))

    assert response.status_code == 200
    assert "This event is a draft: only its team can see this page." in response.content.decode()


def test_event_closed_is_shown_with_ended_note(client, event):
    event.status = EventStatus.CLOSED
    event.save()

    for url in (_event_url(event), reverse("public:schedule", args=[event.slug])):
        response = client.get(url)
        assert response.status_code == 200
        assert "This event has ended." in response.content.decode()


def test_event_unknown_slug_is_404(client, db):
    assert client.get("/no-such-expo/").status_code == 404


def test_event_page_has_no_inline_style_or_script(client, event):
    HallFactory(event=event)
    SessionFactory(event=event)

    html = client.get(_event_url(event)).content.decode()

    assert " style=" not in html
    assert "<style" not in html
    assert "<script" not in html


def test_event_page_shows_event_name_as_brand(client, event):
    html = client.get(_event_url(event)).content.decode()

    assert '<a class="brand" href="/expo/">Expo</a>' in html


# --- The event's colour ---------------------------------------------------------------------


def test_theme_sets_event_colour_and_caches_long(client, event):
    event.colour = "#AA3300"
    event.save()

    page = client.get(_event_url(event)).content.decode()
    response = client.get(reverse("public:theme", args=[event.slug]), {"v": "aa3300"})

    assert f'href="{reverse("public:theme", args=[event.slug])}?v=aa3300"' in page
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css"
    assert response.content.decode() == ":root{--event-colour:#AA3300}\n"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_theme_with_stale_version_is_not_cached(client, event):
    response = client.get(reverse("public:theme", args=[event.slug]), {"v": "000000"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


# --- Schedule -------------------------------------------------------------------------------


def test_schedule_groups_sessions_by_day_in_event_time_zone(client, event):
    # 23:30 UTC on the first day is 08:30 the next morning in Seoul.
    late = dt.datetime.combine(event.starts_on, dt.time(23, 30), tzinfo=dt.UTC)
    early = SessionFactory(event=event, title="Morning one")
    next_morning = SessionFactory(
        event=event, title="Next morning", starts_at=late, ends_at=late + dt.timedelta(minutes=30)
    )

    response = client.get(reverse("public:schedule", args=[event.slug]))

    assert response.status_code == 200
    second_day = event.starts_on + dt.timedelta(days=1)
    assert response.context["days"] == [(event.starts_on, [early]), (second_day, [next_morning])]
    html = response.content.decode()
    assert "Times are in Asia/Seoul (UTC+09:00)." in html
    assert '<p class="time">08:30–09:00</p>' in html
    assert '<p class="time">10:00–11:00</p>' in html


def test_schedule_shows_speakers_and_booth_place(client, event, booth_a):
    starts = dt.datetime.combine(event.starts_on, dt.time(14, 0), tzinfo=event.tz)
    save_session(
        event,
        None,
        title="Live demo",
        description="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        speakers_text="Ana Kim — Alpha Systems\nBo Lee",
        place=f"booth:{booth_a.pk}",
    )

    html = client.get(reverse("public:schedule", args=[event.slug])).content.decode()

    assert "<p>Ana Kim (Alpha Systems); Bo Lee</p>" in html
    booth_url = reverse("visit:booth", args=[event.slug, booth_a.pk])
    assert f'<a href="{booth_url}">Booth A-1 · Alpha Systems</a>' in html


def test_schedule_without_sessions_says_so(client, event):
    html = client.get(reverse("public:schedule", args=[event.slug])).content.decode()

    assert "No sessions are scheduled yet." in html


# --- The event's languages ------------------------------------------------------------------


def test_event_in_korean_only_renders_korean_for_english_visitor(client):
    event = EventFactory(languages=["ko"])

    response = client.get(_event_url(event), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in html
    assert response["Content-Language"] == "ko"
    assert _offered_languages(html) == ["ko"]


def test_event_keeps_visitor_language_when_event_offers_it(client):
    event = EventFactory(languages=["en", "ko"])

    html = client.get(_event_url(event), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<html lang="ko">' in html
    assert _offered_languages(html) == ["en", "ko"]


def test_schedule_follows_event_languages(client):
    event = EventFactory(languages=["ko"])

    html = client.get(
        reverse("public:schedule", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert '<html lang="ko">' in html
    assert _offered_languages(html) == ["ko"]


def test_home_offers_every_site_language(client, db):
    html = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in html
    assert _offered_languages(html) == ["en", "ko"]


def test_event_page_invites_strangers_to_register_or_join(client, event):
    html = client.get(f"/{event.slug}/").content.decode()
    assert f'href="/{event.slug}/register/"' in html
    assert f'href="/{event.slug}/join/"' in html
    assert f'href="/{event.slug}/lobby/"' not in html


def test_event_page_lets_a_confirmed_attendee_enter(client, event):
    from tests.registration_factories import AttendeeFactory

    client.force_login(AttendeeFactory(event=event).user)
    html = client.get(f"/{event.slug}/").content.decode()
    assert f'href="/{event.slug}/lobby/"' in html
    assert f'href="/{event.slug}/register/"' not in html

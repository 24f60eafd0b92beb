"""The tour in the visitor's language: the event's, halls', exhibitors' and sessions' own texts
in Korean for a Korean visitor, falling back to the event's first language where nobody wrote a
Korean version; search finds them in either language; calendar files speak the same language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, HallFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def expo():
    event = EventFactory(
        slug="harbour",
        name="Harbour Fair",
        name_translations={"ko": "항구 박람회"},
        description="Ships and ports.",
        description_translations={"ko": "배와 항구."},
    )
    hall = HallFactory(event=event, name="North Hall", name_translations={"ko": "북관"})
    untranslated = HallFactory(event=event, name="South Hall")
    exhibitor = ExhibitorFactory(
        event=event,
        name="Seagull Robotics",
        name_translations={"ko": "갈매기 로보틱스"},
        description="Robots that sort parcels.",
        description_translations={"ko": "소포를 분류하는 로봇."},
    )
    booth = BoothFactory(event=event, hall=hall, exhibitor=exhibitor, number="N-1")
    session = SessionFactory(
        event=event,
        title="Opening talk",
        title_translations={"ko": "개막 강연"},
        description="Welcome.",
        description_translations={"ko": "환영합니다."},
    )
    return {"event": event, "hall": hall, "south": untranslated, "booth": booth, "session": session}


def page(client, name: str, *args, language: str = "ko") -> str:
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_event_page_in_korean_shows_the_korean_event_and_hall_names(client, expo):
    html = page(client, "public:event", "harbour")

    assert "<title>항구 박람회</title>" in html
    assert "<h1>항구 박람회</h1>" in html
    assert '<div class="description"><p>배와 항구.</p></div>' in html
    assert f'<a href="{reverse("visit:hall", args=["harbour", expo["hall"].pk])}">북관</a>' in html


def test_event_page_in_korean_falls_back_to_the_first_language_where_untranslated(client, expo):
    html = page(client, "public:event", "harbour")

    assert f'<a href="{reverse("visit:hall", args=["harbour", expo["south"].pk])}">South Hall</a>' in html
    assert "North Hall" not in html


def test_event_page_in_english_shows_the_first_language(client, expo):
    html = page(client, "public:event", "harbour", language="en")

    assert "<h1>Harbour Fair</h1>" in html
    assert "항구 박람회" not in html and "북관" not in html


def test_hall_page_in_korean_names_the_hall_and_the_exhibitor_in_korean(client, expo):
    html = page(client, "visit:hall", "harbour", expo["hall"].pk)

    assert "<h1>북관</h1>" in html
    assert '<span class="badge">N-1</span> 갈매기 로보틱스</a>' in html
    assert 'aria-label="부스 N-1: 갈매기 로보틱스"' in html


def test_booth_page_in_korean_shows_the_exhibitor_in_korean(client, expo):
    html = page(client, "visit:booth", "harbour", expo["booth"].pk)

    assert "<h1>갈매기 로보틱스</h1>" in html
    assert "<p>소포를 분류하는 로봇.</p>" in html
    assert ">북관</a>" in html


def test_schedule_in_korean_shows_the_korean_session_title(client, expo):
    html = page(client, "public:schedule", "harbour")

    assert "<h3>개막 강연</h3>" in html
    assert "<p>환영합니다.</p>" in html
    assert "Opening talk" not in html


def test_session_without_a_korean_title_shows_the_first_language(client, expo):
    SessionFactory(event=expo["event"], title="Closing talk")

    html = page(client, "public:schedule", "harbour")

    assert "<h3>Closing talk</h3>" in html


@pytest.mark.parametrize("words", ["갈매기", "seagull", "소포", "parcels"])
def test_search_finds_the_exhibitor_in_either_language(client, expo, words):
    response = client.get(reverse("visit:search", args=["harbour"]), {"q": words}, HTTP_ACCEPT_LANGUAGE="ko")

    assert [booth.number for booth in response.context["results"]] == ["N-1"]


def test_session_calendar_in_korean_has_the_korean_title(client, expo):
    response = client.get(
        reverse("visit:session_calendar", args=["harbour", expo["session"].pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )

    text = response.content.decode().replace("\r\n ", "")
    assert "SUMMARY:개막 강연\r\n" in text
    assert "X-WR-CALNAME:항구 박람회: 개막 강연\r\n" in text
    assert "DESCRIPTION:환영합니다.\r\n" in text


def test_session_page_in_korean_labels_chat_roles_and_the_live_count_in_korean(client, expo):
    from tests.registration_factories import AttendeeFactory

    client.force_login(AttendeeFactory(event=expo["event"]).user)

    html = page(client, "visit:session", "harbour", expo["session"].pk)

    # chat.js names a message's author by these, so a pushed message reads in the page's language
    # whatever language its sender's socket was in.
    assert 'data-chat-role-staff="출품사 담당자"' in html
    assert 'data-chat-role-team="주최자"' in html
    assert '<span class="badge">지금 <span data-presence-count>0</span>명 접속 중</span>' in html

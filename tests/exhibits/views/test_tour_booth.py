"""The booth page on the tour: texts in the visitor's language, staff on duty, topics, sessions
with "add to calendar", and the bookmark action for each kind of person."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from events.enums import AttendeeStatus
from exhibits.models import AssetStatus, BoothSession, Tag
from exhibits.services.bookmarks import add_bookmark
from tests.asset_factories import BoothAssetFactory, BoothLinkFactory
from tests.factories import SessionFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email, display_name="Vera Visitor")


def booth_page(client, booth, **headers):
    return client.get(reverse("visit:booth", args=[booth.event.slug, booth.pk]), **headers)


def bookmark_buttons(html: str) -> list[tuple[str, str, str]]:
    """(form action, hidden action value, the button's accessible name) of each bookmark form."""
    forms = re.findall(r'<form method="post" action="([^"]+)" class="bookmark">(.*?)</form>', html, re.S)
    found = []
    for action, body in forms:
        value = re.search(r'name="action" value="(\w+)"', body).group(1)
        name = re.search(r'<button type="submit" class="secondary" aria-label="([^"]+)">', body).group(1)
        found.append((action, value, name))
    return found


# --- Texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), [("ko", "빠른 라우터"), ("en", "Fast routers.")])
def test_booth_description_in_the_visitors_language(client, event, booth_a, accept, expected):
    booth_a.description = {"en": "Fast routers.", "ko": "빠른 라우터"}
    booth_a.save()

    html = booth_page(client, booth_a, HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    assert f'<div class="description"><p>{expected}</p></div>' in html


def test_booth_description_falls_back_to_the_first_event_language(client, event, booth_a):
    event.languages = ["ko", "en"]
    event.save()
    booth_a.description = {"ko": "빠른 라우터"}
    booth_a.save()

    html = booth_page(client, booth_a, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in html
    assert '<div class="description"><p>빠른 라우터</p></div>' in html


def test_booth_and_exhibitor_descriptions_show_their_markdown_not_its_stars(client, booth_a, exhibitor_a):
    """The bug: `**markdown**` came out literally and addresses were not links."""
    booth_a.description = {"en": "**New**: routers.\n\n- fast\n- quiet\n\nDocs: https://example.org/docs"}
    booth_a.save()
    exhibitor_a.description = "Made in [Busan](https://busan.example/about) <script>alert(1)</script>"
    exhibitor_a.save()

    html = booth_page(client, booth_a, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    rel = 'rel="noopener nofollow ugc"'
    assert (
        '<div class="description"><p><strong>New</strong>: routers.</p>\n'
        "<ul>\n<li>fast</li>\n<li>quiet</li>\n</ul>\n"
        f'<p>Docs: <a href="https://example.org/docs" {rel}>https://example.org/docs</a></p></div>'
    ) in html
    assert (
        f'<div class="description"><p>Made in <a href="https://busan.example/about" {rel}>Busan '
        '<span class="link-host">(busan.example)</span></a> &lt;script&gt;alert(1)&lt;/script&gt;</p></div>'
    ) in html
    assert "<script>alert(1)" not in html


def test_booth_shows_staff_names_never_attendees_or_addresses(
    client, event, booth_a, exhibitor_a, staff_a, attendee
):
    staff_a.display_name = "Sam Staff"
    staff_a.save()
    StaffFactory(exhibitor=exhibitor_a, user__display_name="", user__email="quiet@example.org")

    html = booth_page(client, booth_a).content.decode()

    assert '<h2 id="booth-staff">Staff on duty</h2>' in html
    assert '<ul class="on-duty"><li>Sam Staff</li></ul>' in html
    assert "quiet@example.org" not in html
    assert "staff-a@example.org" not in html
    assert "Vera Visitor" not in html


def test_booth_topics_link_to_the_event_wide_search(client, event, booth_a):
    tag = Tag.objects.create(event=event, name="Security")
    booth_a.tags.set([tag])

    html = booth_page(client, booth_a).content.decode()

    search = reverse("visit:search", args=[event.slug])
    assert f'<li><a href="{search}?tag={tag.pk}">Security</a></li>' in html


def test_booth_sessions_offer_a_calendar_file(client, event, booth_a):
    session = SessionFactory(event=event, title="Router demo")
    BoothSession.objects.create(session=session, booth=booth_a)

    html = booth_page(client, booth_a).content.decode()

    ics = reverse("visit:session_calendar", args=[event.slug, session.pk])
    assert f'<a href="{ics}" download aria-label="Add to calendar: Router demo">Add to calendar</a>' in html
    assert f'<li class="card" id="session-{session.pk}">' in html


@pytest.mark.parametrize(
    ("accept", "visible", "name"),
    [
        ("en", "Session page and chat", "Session page and chat: Router demo"),
        ("ko", "세션 페이지와 채팅", "세션 페이지와 채팅: Router demo"),
    ],
)
def test_booth_session_link_name_starts_with_its_visible_text(client, event, booth_a, accept, visible, name):
    """axe's label-content-name-mismatch: a speech-input user says what they see; the accessible
    name ("Session page, chat and who is there: …") did not contain the visible words."""
    event.languages = ["en", "ko"]
    event.save()
    session = SessionFactory(event=event, title="Router demo")
    BoothSession.objects.create(session=session, booth=booth_a)

    html = booth_page(client, booth_a, HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    page = reverse("visit:session", args=[event.slug, session.pk])
    assert f'<a href="{page}" aria-label="{name}">{visible}</a>' in html


def test_booth_shows_ready_documents_and_links_only(client, event, booth_a):
    ready = BoothAssetFactory(booth=booth_a, title="Router brochure")
    BoothAssetFactory(booth=booth_a, title="Still processing", status=AssetStatus.PROCESSING)
    BoothLinkFactory(booth=booth_a, title="Spec sheet", url="https://alpha.example/spec")

    response = booth_page(client, booth_a)

    html = response.content.decode()
    assert [asset.title for asset in response.context["assets"]] == ["Router brochure"]
    document = reverse("visit:document", args=[event.slug, booth_a.pk, ready.pk])
    assert f'<a href="{document}" class="asset-open">' in html
    assert "Still processing" not in html
    assert '<a href="https://alpha.example/spec" rel="noopener noreferrer nofollow">Spec sheet</a>' in html


# --- Who gets which action --------------------------------------------------------------------


def test_booth_invites_anonymous_visitors_to_register_to_bookmark(client, event, booth_a):
    html = booth_page(client, booth_a).content.decode()

    assert bookmark_buttons(html) == []
    assert '<a href="/expo/register/">Register to bookmark</a>' in html


def test_booth_offers_a_confirmed_attendee_to_bookmark(client, event, booth_a, attendee):
    SessionFactory(event=event)
    client.force_login(attendee.user)

    html = booth_page(client, booth_a).content.decode()

    assert bookmark_buttons(html) == [
        (reverse("visit:bookmark_booth", args=[event.slug, booth_a.pk]), "add", "Bookmark: Alpha Systems")
    ]
    assert f'<input type="hidden" name="next" value="/expo/booths/{booth_a.pk}/">' in html
    assert "Register to bookmark" not in html


def test_booth_already_bookmarked_offers_to_remove(client, event, booth_a, attendee):
    add_bookmark(booth_a, attendee=attendee)
    session = SessionFactory(event=event, title="Router demo")
    BoothSession.objects.create(session=session, booth=booth_a)
    client.force_login(attendee.user)

    html = booth_page(client, booth_a).content.decode()

    assert bookmark_buttons(html) == [
        (
            reverse("visit:bookmark_booth", args=[event.slug, booth_a.pk]),
            "remove",
            "Remove bookmark: Alpha Systems",
        ),
        (reverse("visit:bookmark_session", args=[event.slug, session.pk]), "add", "Bookmark: Router demo"),
    ]
    assert f'name="next" value="/expo/booths/{booth_a.pk}/#session-{session.pk}"' in html


@pytest.mark.parametrize("who", ["staff_a", "owner", "pending"])
def test_booth_offers_no_bookmark_to_staff_team_or_unconfirmed(client, event, booth_a, staff_a, owner, who):
    user = {"staff_a": staff_a, "owner": owner}.get(who)
    if who == "pending":
        user = AttendeeFactory(event=event, status=AttendeeStatus.PENDING).user
    client.force_login(user)

    html = booth_page(client, booth_a).content.decode()

    assert bookmark_buttons(html) == []
    assert "Register to bookmark" not in html


def test_booth_shows_the_share_contact_section(client, event, booth_a, attendee):
    client.force_login(attendee.user)

    response = booth_page(client, booth_a)

    assert response.context["lead"] is None
    assert '<section class="share-contact" id="share-contact"' in response.content.decode()


def test_booth_page_has_no_inline_style_or_script(client, event, booth_a, attendee):
    client.force_login(attendee.user)

    html = booth_page(client, booth_a).content.decode()

    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []

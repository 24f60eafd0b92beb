"""The booth page's live video with the presented page (exhibits/includes/live_with_slides.html) and
the page links that stand in for it without JavaScript (exhibits/includes/slide_pages.html): what a
visitor, the booth's staff, another exhibitor's staff and someone not logged in are given."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from exhibits.models import AssetStatus
from tests.asset_factories import AssetPageFactory, BoothAssetFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def brochure(booth_a):
    asset = BoothAssetFactory(booth=booth_a, title="Brochure", page_count=3)
    for number in (1, 2, 3):
        AssetPageFactory(asset=asset, number=number)
    return asset


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email)


def booth_page(client, booth, **headers) -> str:
    response = client.get(reverse("visit:booth", args=[booth.event.slug, booth.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def live_section(html: str) -> str:
    found = re.search(r'<section id="live-with-slides".*?</section>\s*<script', html, re.S)
    return found.group(0) if found else ""


def page_links(html: str) -> list[tuple[str, str, str]]:
    """(href, data-page, data-image) of each page link of the documents."""
    return re.findall(r'<a href="([^"]+)" data-page="(\d+)" data-image="([^"]+)"', html)


def test_visitor_gets_the_live_presentation_without_the_presenters_controls(
    client, booth_a, brochure, attendee
):
    client.force_login(attendee.user)

    section = live_section(booth_page(client, booth_a))

    assert f'data-booth="{booth_a.pk}" data-may-present="0"' in section
    assert "data-lws-previous" in section and "data-lws-next" in section
    assert ">Back to the presenter's page</button>" in section
    assert ">Show the speaker large</button>" in section
    assert "data-lws-presenter" not in section
    assert "Document to present" not in section
    assert "watching your live video" not in section
    assert "follow your presentation" not in section and "data-lws-following" not in section


def test_booth_staff_get_the_document_choice_and_the_watcher_count(client, booth_a, brochure, staff_a):
    client.force_login(staff_a)

    section = live_section(booth_page(client, booth_a))

    assert 'data-may-present="1"' in section
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', section) == [(str(brochure.pk), "Brochure")]
    assert '<button type="button" data-lws-present>Present this document</button>' in section
    assert '<p class="lws-watching" data-lws-watching role="status"' in section
    assert 'data-text-many="{count} people are watching your live video."' in section
    assert 'data-text-many="{count} people follow your presentation."' in section
    assert ">Nobody follows your presentation yet.</p>" in section


def test_another_exhibitors_staff_may_not_present_here(client, booth_a, brochure, staff_b):
    client.force_login(staff_b)

    section = live_section(booth_page(client, booth_a))

    assert 'data-may-present="0"' in section
    assert "data-lws-presenter" not in section
    assert "<option" not in section


def test_without_javascript_every_page_is_a_link_to_the_reader(client, booth_a, brochure, attendee):
    client.force_login(attendee.user)
    reader = reverse("visit:document", args=[booth_a.event.slug, booth_a.pk, brochure.pk])

    html = booth_page(client, booth_a)

    links = page_links(html)
    assert [(href, number) for href, number, _image in links] == [
        (f"{reader}?page=1", "1"),
        (f"{reader}?page=2", "2"),
        (f"{reader}?page=3", "3"),
    ]
    pages = {page.number: page.image.url for page in brochure.pages.all()}
    assert [image for _href, _number, image in links] == [pages[1], pages[2], pages[3]]
    assert ">Page 2</a>" in html
    assert "Brochure · 3 pages</summary>" in html


def test_someone_not_logged_in_gets_the_page_links_but_no_live_section(client, booth_a, brochure):
    html = booth_page(client, booth_a)

    assert live_section(html) == ""
    assert "live_with_slides.js" not in html
    assert len(page_links(html)) == 3


def test_documents_not_ready_are_neither_linked_nor_offered(client, booth_a, staff_a):
    for status in (AssetStatus.QUEUED, AssetStatus.PROCESSING, AssetStatus.FAILED):
        asset = BoothAssetFactory(booth=booth_a, title=f"Draft {status}", status=status, page_count=1)
        AssetPageFactory(asset=asset, number=1)
    client.force_login(staff_a)

    html = booth_page(client, booth_a)

    assert live_section(html) == ""
    assert page_links(html) == []
    assert "Draft" not in html


def test_another_booths_document_pages_are_not_listed(client, event, booth_a, brochure, attendee):
    other = BoothAssetFactory(booth__event=event, title="Elsewhere", page_count=1)
    AssetPageFactory(asset=other, number=1)
    client.force_login(attendee.user)

    html = booth_page(client, booth_a)

    assert "Elsewhere" not in html
    assert len(page_links(html)) == 3


def test_the_live_presentation_in_korean(client, event, booth_a, brochure, attendee):
    event.languages = ["en", "ko"]
    event.save()
    client.force_login(attendee.user)

    html = booth_page(client, booth_a, HTTP_ACCEPT_LANGUAGE="ko")
    section = live_section(html)

    assert "발표자의 페이지로 돌아가기" in section
    assert "발표자 화면 크게 보기" in section
    assert "문서를 페이지별로 읽기" in html
    assert ">2페이지</a>" in html


def test_the_booth_page_stays_free_of_inline_script_and_style(client, booth_a, brochure, staff_a):
    client.force_login(staff_a)

    html = booth_page(client, booth_a)

    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []

"""The booth editor's lists of files and links name each one in the page's language (issue 15):
a Korean exhibitor sees the Korean titles they wrote, and the first language where none is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.asset_factories import BoothAssetFactory, BoothLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def bilingual_booth(event, booth_a):
    event.languages = ["en", "ko"]
    event.save()
    BoothAssetFactory(booth=booth_a, title="Price list", title_translations={"ko": "가격표"})
    BoothLinkFactory(booth=booth_a, title="Datasheet", title_translations={"ko": "제품 설명서"})
    BoothLinkFactory(booth=booth_a, title="Untranslated", title_translations={})
    return booth_a


def editor_page(client, name: str, booth, language: str) -> str:
    response = client.get(
        reverse(f"exhibitor:{name}", kwargs={"booth_id": booth.pk}), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def test_links_list_in_korean_shows_the_korean_titles(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    html = editor_page(client, "booth_links", bilingual_booth, "ko")

    assert "<strong>제품 설명서</strong>" in html
    assert "<strong>Untranslated</strong>" in html
    assert "Datasheet" not in html


def test_files_list_in_korean_shows_the_korean_titles(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    html = editor_page(client, "booth_media", bilingual_booth, "ko")

    assert "<strong>가격표</strong>" in html
    assert "Price list" not in html


def test_links_list_in_english_shows_the_first_language(client, staff_a, bilingual_booth):
    client.force_login(staff_a)

    html = editor_page(client, "booth_links", bilingual_booth, "en")

    assert "<strong>Datasheet</strong>" in html
    assert "제품 설명서" not in html

"""Tests of what visitors get of a booth's files: the document page reader
(exhibits/views/documents.py) and the booth page's include (public/_booth_assets.html)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import AssetKind, AssetStatus
from exhibits.services.assets import assets_for_visitors
from tests.asset_factories import AssetPageFactory, BoothAssetFactory, BoothLinkFactory
from tests.factories import BoothFactory, EventFactory

pytestmark = pytest.mark.django_db


def document_url(booth, asset, page=None) -> str:
    url = reverse("visit:document", args=[booth.event.slug, booth.pk, asset.pk])
    return f"{url}?page={page}" if page is not None else url


@pytest.fixture
def brochure(booth_a):
    asset = BoothAssetFactory(booth=booth_a, title="Brochure", page_count=3)
    for number in (1, 2, 3):
        AssetPageFactory(asset=asset, number=number)
    return asset


# --- The document reader ------------------------------------------------------------------------------


def test_document_first_page_for_anyone(client, booth_a, brochure):
    response = client.get(document_url(booth_a, brochure))

    page = response.content.decode()
    assert response.status_code == 200
    assert (response.context["number"], response.context["page_count"]) == (1, 3)
    assert "Page 1 of 3" in page
    assert response.context["page"].image.url in page
    assert 'alt="Page 1 of Brochure"' in page
    assert 'rel="next" href="?page=2"' in page
    assert 'rel="prev"' not in page
    assert f'href="{brochure.original.url}" download="Brochure.pdf"' in page
    assert f'data-asset-id="{brochure.pk}"' in page


def test_document_middle_page_links_both_ways(client, booth_a, brochure):
    page = client.get(document_url(booth_a, brochure, 2)).content.decode()

    assert "Page 2 of 3" in page
    assert 'rel="prev" href="?page=1"' in page
    assert 'rel="next" href="?page=3"' in page


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("0", 1), ("-2", 1), ("two", 1), ("", 1)])
def test_document_page_number_kept_within_the_document(client, booth_a, brochure, asked, shown):
    response = client.get(document_url(booth_a, brochure, asked))

    assert (response.status_code, response.context["number"]) == (200, shown)


@pytest.mark.parametrize("status", [AssetStatus.QUEUED, AssetStatus.PROCESSING, AssetStatus.FAILED])
def test_document_not_ready_is_not_found(client, booth_a, status):
    asset = BoothAssetFactory(booth=booth_a, status=status)

    assert client.get(document_url(booth_a, asset)).status_code == 404


def test_document_video_is_not_a_document(client, booth_a):
    video = BoothAssetFactory(booth=booth_a, kind=AssetKind.VIDEO)

    assert client.get(document_url(booth_a, video)).status_code == 404


def test_document_of_another_booth_not_found(client, booth_a, brochure, event):
    other_booth = BoothFactory(event=event)

    response = client.get(reverse("visit:document", args=[event.slug, other_booth.pk, brochure.pk]))

    assert response.status_code == 404


def test_document_of_a_draft_event_hidden_from_outsiders(client, visitor):
    draft = EventFactory(status=EventStatus.DRAFT)
    booth = BoothFactory(event=draft)
    asset = BoothAssetFactory(booth=booth)
    client.force_login(visitor)

    assert client.get(document_url(booth, asset)).status_code == 404


# --- The booth page's include -----------------------------------------------------------------------------


def render_assets(booth) -> str:
    return render_to_string(
        "exhibits/public/_booth_assets.html", {"booth": booth, "assets": assets_for_visitors(booth)}
    )


def test_booth_assets_include_shows_ready_files_by_kind(booth_a):
    document = BoothAssetFactory(booth=booth_a, title="Catalogue", page_count=12)
    video = BoothAssetFactory(
        booth=booth_a, kind=AssetKind.VIDEO, title="Demo", width=640, height=360, duration=75, variant="v.mp4"
    )
    voice = BoothAssetFactory(
        booth=booth_a, kind=AssetKind.AUDIO, title="Hello", is_voice_note=True, variant="a.opus"
    )
    picture = BoothAssetFactory(booth=booth_a, kind=AssetKind.IMAGE, title="Our stand", variant="d.webp")
    broken = BoothAssetFactory(booth=booth_a, title="Broken", status=AssetStatus.FAILED)
    link = BoothLinkFactory(booth=booth_a, title="Shop", url="https://alpha.example.org/shop")

    html = render_assets(booth_a)

    for asset in (document, video, voice, picture):
        assert f'data-asset-id="{asset.pk}"' in html
    assert f'data-asset-id="{broken.pk}"' not in html and "Broken" not in html
    assert f'href="{document_url(booth_a, document)}"' in html
    assert "12 pages" in html
    assert '<video controls preload="none" width="640" height="360"' in html
    assert '<source src="/media/v.mp4" type="video/mp4">' in html
    assert "1:15" in html
    assert '<audio controls preload="none" src="/media/a.opus">' in html
    assert 'alt="Our stand"' in html
    assert '<a href="https://alpha.example.org/shop" rel="noopener noreferrer nofollow">Shop</a>' in html
    assert link.title in html


def test_booth_assets_include_empty_booth_renders_nothing(booth_a):
    BoothAssetFactory(booth=booth_a, status=AssetStatus.PROCESSING)

    assert render_assets(booth_a).strip() == ""

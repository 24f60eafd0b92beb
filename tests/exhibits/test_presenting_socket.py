"""Shared document transcripts (exhibits/socket_handlers.py): present, turn pages, follow."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.urls import reverse

from events.enums import EventStatus
from tests.asset_factories import AssetPageFactory, BoothAssetFactory
from tests.events.presence_helpers import connect, fresh_presence, receive, request  # noqa: F401
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _make_expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    document = BoothAssetFactory(booth=booth, title="Brochure", page_count=3)
    pages = {number: AssetPageFactory(asset=document, number=number) for number in (1, 2, 3)}
    visitor = AttendeeFactory(event=event).user
    other = AttendeeFactory(event=event).user
    return event, booth, staff, document, {n: page.image.url for n, page in pages.items()}, visitor, other


_expo = database_sync_to_async(_make_expo)


def _page(booth, document, images, number) -> dict:
    return {
        "booth": booth.pk,
        "asset": document.pk,
        "title": "Brochure",
        "page": number,
        "pages": 3,
        "image": images[number],
        "width": 1000,
        "height": 1414,
        "url": f"/{booth.event.slug}/booths/{booth.pk}/documents/{document.pk}/?page={number}",
    }


async def _nothing_arrives(communicator) -> bool:
    return await communicator.receive_nothing(timeout=0.2)


async def test_present_pushes_page_to_follower_only():
    event, booth, staff, document, images, visitor, other = await _expo("doc-present")
    presenter = await connect(staff, event.slug)
    follower = await connect(visitor, event.slug)
    bystander = await connect(other, event.slug)
    assert await request(follower, 1, "doc.follow", booth=booth.pk) == {
        "id": 1,
        "type": "ok",
        "data": {"booth": booth.pk, "presenting": None},
    }

    reply = await request(presenter, 1, "doc.present", booth=booth.pk, asset=document.pk)

    assert reply == {"id": 1, "type": "ok", "data": _page(booth, document, images, 1)}
    assert await receive(follower) == {"type": "doc.page", "data": _page(booth, document, images, 1)}
    assert (await request(presenter, 2, "doc.page", booth=booth.pk, page=3))["type"] == "ok"
    assert await receive(follower) == {"type": "doc.page", "data": _page(booth, document, images, 3)}
    assert await _nothing_arrives(bystander) is True
    for communicator in (presenter, follower, bystander):
        await communicator.disconnect()


async def test_late_follower_gets_current_page_in_ok_reply():
    event, booth, staff, document, images, visitor, _other = await _expo("doc-late")
    presenter = await connect(staff, event.slug)
    await request(presenter, 1, "doc.present", booth=booth.pk, asset=document.pk, page=2)
    follower = await connect(visitor, event.slug)

    reply = await request(follower, 1, "doc.follow", booth=booth.pk)

    assert reply == {
        "id": 1,
        "type": "ok",
        "data": {"booth": booth.pk, "presenting": _page(booth, document, images, 2)},
    }
    await presenter.disconnect()
    await follower.disconnect()


async def test_unfollow_stops_pages():
    event, booth, staff, document, _images, visitor, _other = await _expo("doc-unfollow")
    presenter, follower = await connect(staff, event.slug), await connect(visitor, event.slug)
    await request(follower, 1, "doc.follow", booth=booth.pk)
    assert await request(follower, 2, "doc.unfollow", booth=booth.pk) == {"id": 2, "type": "ok", "data": {}}

    await request(presenter, 1, "doc.present", booth=booth.pk, asset=document.pk)

    assert await _nothing_arrives(follower) is True
    await presenter.disconnect()
    await follower.disconnect()


async def test_stop_tells_followers_and_ends_presentation():
    event, booth, staff, document, _images, visitor, _other = await _expo("doc-stop")
    presenter, follower = await connect(staff, event.slug), await connect(visitor, event.slug)
    await request(presenter, 1, "doc.present", booth=booth.pk, asset=document.pk)
    await request(follower, 1, "doc.follow", booth=booth.pk)

    assert await request(presenter, 2, "doc.stop", booth=booth.pk) == {
        "id": 2,
        "type": "ok",
        "data": {"booth": booth.pk},
    }
    assert await receive(follower) == {"type": "doc.stopped", "data": {"booth": booth.pk}}
    reply = await request(presenter, 3, "doc.page", booth=booth.pk, page=2)
    assert (reply["type"], reply["code"]) == ("error", "doc.not_presenting")
    assert (await request(follower, 2, "doc.follow", booth=booth.pk))["data"]["presenting"] is None
    await presenter.disconnect()
    await follower.disconnect()


async def test_visitor_cannot_present_and_nothing_is_pushed():
    event, booth, _staff, document, _images, visitor, other = await _expo("doc-visitor")
    intruder, follower = await connect(visitor, event.slug), await connect(other, event.slug)
    await request(follower, 1, "doc.follow", booth=booth.pk)

    reply = await request(intruder, 1, "doc.present", booth=booth.pk, asset=document.pk)

    assert (reply["type"], reply["code"], reply["message"]) == (
        "error",
        "auth.forbidden",
        "Only the booth's staff may present its documents.",
    )
    assert (await request(intruder, 2, "doc.stop", booth=booth.pk))["code"] == "auth.forbidden"
    assert await _nothing_arrives(follower) is True
    assert (await request(follower, 2, "doc.follow", booth=booth.pk))["data"]["presenting"] is None
    await intruder.disconnect()
    await follower.disconnect()


@database_sync_to_async
def _other_booth_staff(event):
    return StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user


async def test_staff_of_another_booth_cannot_present():
    event, booth, _staff, document, _images, _visitor, _other = await _expo("doc-other-staff")
    stranger = await connect(await _other_booth_staff(event), event.slug)

    reply = await request(stranger, 1, "doc.present", booth=booth.pk, asset=document.pk)

    assert (reply["type"], reply["code"]) == ("error", "auth.forbidden")
    await stranger.disconnect()


@pytest.mark.parametrize("page", [0, 4, -1, "2", True, None])
async def test_page_out_of_range_refused(page):
    event, booth, staff, document, images, visitor, _other = await _expo(f"doc-range-{page}".lower())
    presenter, follower = await connect(staff, event.slug), await connect(visitor, event.slug)
    await request(presenter, 1, "doc.present", booth=booth.pk, asset=document.pk)
    await request(follower, 1, "doc.follow", booth=booth.pk)

    reply = await request(presenter, 2, "doc.page", booth=booth.pk, page=page)

    assert (reply["type"], reply["code"], reply["message"]) == (
        "error",
        "doc.no_such_page",
        "Choose a page from 1 to 3.",
    )
    # The presentation stays where it was.
    late = await request(follower, 2, "doc.follow", booth=booth.pk)
    assert late["data"]["presenting"] == _page(booth, document, images, 1)
    await presenter.disconnect()
    await follower.disconnect()


@database_sync_to_async
def _not_ready_and_foreign(event, booth):
    from exhibits.models import AssetStatus

    queued = BoothAssetFactory(booth=booth, status=AssetStatus.QUEUED)
    foreign = BoothAssetFactory(booth=BoothFactory(event=event))
    return queued, foreign


async def test_only_ready_documents_of_the_booth_can_be_presented():
    event, booth, staff, _document, _images, _visitor, _other = await _expo("doc-not-ready")
    queued, foreign = await _not_ready_and_foreign(event, booth)
    presenter = await connect(staff, event.slug)

    for frame_id, asset in enumerate((queued.pk, foreign.pk, "7", 999_999), start=1):
        reply = await request(presenter, frame_id, "doc.present", booth=booth.pk, asset=asset)
        assert (reply["type"], reply["code"]) == ("error", "doc.no_such_document")
    await presenter.disconnect()


async def test_unknown_booth_refused():
    event, _booth, _staff, _document, _images, visitor, _other = await _expo("doc-no-booth")
    follower = await connect(visitor, event.slug)

    for frame_id, booth in enumerate((999_999, "x", None), start=1):
        reply = await request(follower, frame_id, "doc.follow", booth=booth)
        assert (reply["type"], reply["code"]) == ("error", "doc.no_such_booth")
    await follower.disconnect()


# --- The reader page's follow controls (exhibits/public/document.html) ------------------------


def _reader(client, slug: str, who: str | None):
    event, booth, staff, document, _images, visitor, _other = _make_expo(slug)
    if who:
        client.force_login(staff if who == "staff" else visitor)
    page = client.get(reverse("visit:document", args=[event.slug, booth.pk, document.pk]))
    assert page.status_code == 200
    return booth, document, page.content.decode()


def test_reader_offers_follow_to_visitor_but_not_present(client):
    booth, document, page = _reader(client, "reader-visitor", "visitor")

    assert f'data-present data-booth="{booth.pk}" data-asset="{document.pk}" data-page="1"' in page
    assert "Follow the presenter" in page
    assert "data-present-start" not in page
    assert 'data-present-page-label="Page {page} of {pages}"' in page
    assert f'data-presence="booth" data-presence-id="{booth.pk}"' in page
    assert "rakwon/present.js" in page


def test_reader_offers_present_to_staff(client):
    _booth, _document, page = _reader(client, "reader-staff", "staff")

    assert "data-present-start" in page
    assert "Present this document" in page


def test_reader_without_follow_ui_for_anonymous(client):
    _booth, _document, page = _reader(client, "reader-anonymous", None)

    assert "data-present" not in page
    assert "data-live-socket" not in page

"""Documents on a session's stage (exhibits/socket_handlers.py with {"session": id}): a speaker on
stage presents page by page while the session is live, followers see it at once and late joiners
get the current page, speakers hear how many follow; nobody else presents, whatever they send."""

from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.utils import timezone

from events.enums import EventStatus, TeamRole
from events.live.presence.store import MemoryStore
from events.models import StageSpeaker
from exhibits.models import BoothSession
from exhibits.services import presentation_followers
from tests.asset_factories import AssetPageFactory, BoothAssetFactory
from tests.events.presence_helpers import connect, fresh_presence, receive, request  # noqa: F401
from tests.factories import BoothFactory, EventFactory, SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


@pytest.fixture(autouse=True)
def fresh_state():
    cache.clear()
    presentation_followers.use_tally(MemoryStore())
    yield
    presentation_followers.use_tally(None)
    cache.clear()


def _speaker(session, user) -> None:
    StageSpeaker.objects.create(
        event=session.event, session=session, user=user, email=user.email, accepted_at=timezone.now()
    )


def _document(pages: int, **owner):
    document = BoothAssetFactory(title="Keynote", page_count=pages, **owner)
    return document, {n: AssetPageFactory(asset=document, number=n).image.url for n in range(1, pages + 1)}


def _make_stage(slug: str, *, live: bool = True):
    """A main-stage session (at no booth) with its own three-page document, a session held at a
    booth (its documents are the booth's), speakers of each, and visitors."""
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    now = timezone.now()
    starts = now - dt.timedelta(minutes=10) if live else now + dt.timedelta(hours=2)
    main = SessionFactory(
        event=event, title="Keynote", starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )
    at_booth = SessionFactory(event=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    booth = BoothFactory(event=event)
    BoothSession.objects.create(booth=booth, session=at_booth)
    document, images = _document(3, booth=None, session=main)
    booth_document, _booth_images = _document(2, booth=booth)
    speaker, other_speaker = AttendeeFactory(event=event).user, AttendeeFactory(event=event).user
    _speaker(main, speaker)
    _speaker(at_booth, other_speaker)
    return {
        "event": event,
        "main": main,
        "at_booth": at_booth,
        "booth": booth,
        "document": document,
        "images": images,
        "booth_document": booth_document,
        "speaker": speaker,
        "other_speaker": other_speaker,
        "visitor": AttendeeFactory(event=event).user,
        "other": AttendeeFactory(event=event).user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
    }


_stage = database_sync_to_async(_make_stage)


def _page(stage: dict, number: int) -> dict:
    image = stage["images"][number]
    return {
        "session": stage["main"].pk,
        "asset": stage["document"].pk,
        "title": "Keynote",
        "page": number,
        "pages": 3,
        "image": image,
        "width": 1000,
        "height": 1414,
        "url": image,  # a session's own document has no reader: its page's picture
    }


async def _nothing_arrives(communicator) -> bool:
    return await communicator.receive_nothing(timeout=0.2)


async def _follow(stage: dict, user) -> tuple:
    socket = await connect(user, stage["event"].slug)
    reply = await request(socket, 1, "doc.follow", session=stage["main"].pk)
    return socket, reply


# --- The attacker's frames ------------------------------------------------------------------------


async def test_a_visitor_cannot_present_turn_or_stop_on_a_stage_and_the_audience_sees_nothing():
    stage = await _stage("stage-doc-visitor")
    follower, _reply = await _follow(stage, stage["other"])
    intruder = await connect(stage["visitor"], stage["event"].slug)
    main = stage["main"].pk

    present = await request(intruder, 1, "doc.present", session=main, asset=stage["document"].pk)
    turn = await request(intruder, 2, "doc.page", session=main, page=2)
    stop = await request(intruder, 3, "doc.stop", session=main)

    assert (present["type"], present["code"], present["message"]) == (
        "error",
        "auth.forbidden",
        "Only the session's speakers on stage and its moderators present documents.",
    )
    assert [turn["code"], stop["code"]] == ["auth.forbidden", "auth.forbidden"]
    assert await _nothing_arrives(follower) is True
    assert (await request(follower, 2, "doc.follow", session=main))["data"]["presenting"] is None
    await intruder.disconnect()
    await follower.disconnect()


async def test_a_speaker_of_another_session_cannot_present_on_this_stage():
    stage = await _stage("stage-doc-other-speaker")
    follower, _reply = await _follow(stage, stage["visitor"])
    stranger = await connect(stage["other_speaker"], stage["event"].slug)

    reply = await request(stranger, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk)

    assert (reply["type"], reply["code"]) == ("error", "auth.forbidden")
    assert await _nothing_arrives(follower) is True
    await stranger.disconnect()
    await follower.disconnect()


@database_sync_to_async
def _foreign_documents(stage: dict) -> list[int]:
    elsewhere = EventFactory(slug="stage-doc-elsewhere", status=EventStatus.PUBLISHED)
    other_event_session = SessionFactory(event=elsewhere)
    return [
        stage["booth_document"].pk,  # of a booth this session is not held at
        BoothAssetFactory(booth=BoothFactory(event=elsewhere)).pk,  # of another event's booth
        _document(1, booth=None, session=other_event_session)[0].pk,  # of another event's session
        _document(1, booth=None, session=stage["at_booth"])[0].pk,  # of another session's stage
        BoothAssetFactory(booth=None, session=stage["main"], status="processing").pk,  # not ready
    ]


async def test_a_document_that_is_not_this_stages_is_refused():
    stage = await _stage("stage-doc-foreign")
    presenter = await connect(stage["speaker"], stage["event"].slug)
    follower, _reply = await _follow(stage, stage["visitor"])

    codes = [
        (await request(presenter, n, "doc.present", session=stage["main"].pk, asset=asset))["code"]
        for n, asset in enumerate(await _foreign_documents(stage), start=1)
    ]

    assert codes == ["doc.no_such_document"] * 5
    assert await _nothing_arrives(follower) is True
    await presenter.disconnect()
    await follower.disconnect()


@pytest.mark.parametrize("page", [0, 4, -1, "2", True, None])
async def test_a_page_out_of_range_is_refused_and_the_page_stays(page):
    stage = await _stage(f"stage-doc-range-{page}".lower())
    presenter = await connect(stage["speaker"], stage["event"].slug)
    await request(presenter, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk)
    follower, _reply = await _follow(stage, stage["visitor"])

    reply = await request(presenter, 2, "doc.page", session=stage["main"].pk, page=page)

    assert (reply["type"], reply["code"], reply["message"]) == (
        "error",
        "doc.no_such_page",
        "Choose a page from 1 to 3.",
    )
    assert await _nothing_arrives(follower) is True
    late = await request(follower, 2, "doc.follow", session=stage["main"].pk)
    assert late["data"]["presenting"] == _page(stage, 1)
    await presenter.disconnect()
    await follower.disconnect()


async def test_a_speaker_cannot_present_while_the_session_is_not_live():
    stage = await _stage("stage-doc-not-live", live=False)
    presenter = await connect(stage["speaker"], stage["event"].slug)
    follower, _reply = await _follow(stage, stage["visitor"])

    reply = await request(presenter, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk)

    assert (reply["type"], reply["code"]) == ("error", "doc.not_live")
    assert await _nothing_arrives(follower) is True
    await presenter.disconnect()
    await follower.disconnect()


@pytest.mark.parametrize("session", [0, "1", True, None, 999_999])
async def test_an_unknown_session_is_refused(session):
    stage = await _stage(f"stage-doc-unknown-{session}".lower())
    socket = await connect(stage["visitor"], stage["event"].slug)

    reply = await request(socket, 1, "doc.follow", session=session)

    assert (reply["type"], reply["code"]) == ("error", "doc.no_such_session")
    await socket.disconnect()


@database_sync_to_async
def _session_of_another_event() -> int:
    return SessionFactory(event=EventFactory(slug="stage-doc-far", status=EventStatus.PUBLISHED)).pk


async def test_a_session_of_another_event_is_refused():
    stage = await _stage("stage-doc-near")
    socket = await connect(stage["speaker"], stage["event"].slug)

    reply = await request(socket, 1, "doc.follow", session=await _session_of_another_event())

    assert (reply["type"], reply["code"]) == ("error", "doc.no_such_session")
    await socket.disconnect()


# --- Presenting ----------------------------------------------------------------------------------


async def test_a_speaker_presents_and_turns_and_followers_see_each_page_at_once():
    stage = await _stage("stage-doc-present")
    follower, reply = await _follow(stage, stage["visitor"])
    presenter = await connect(stage["speaker"], stage["event"].slug)
    assert reply["data"] == {"session": stage["main"].pk, "presenting": None}

    shown = await request(presenter, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk)
    assert shown == {"id": 1, "type": "ok", "data": _page(stage, 1)}
    assert await receive(follower) == {"type": "doc.page", "data": _page(stage, 1)}

    await request(presenter, 2, "doc.page", session=stage["main"].pk, page=3)
    assert await receive(follower) == {"type": "doc.page", "data": _page(stage, 3)}

    late, late_reply = await _follow(stage, stage["other"])
    assert late_reply["data"] == {"session": stage["main"].pk, "presenting": _page(stage, 3)}

    assert (await request(presenter, 3, "doc.stop", session=stage["main"].pk))["data"] == {
        "session": stage["main"].pk
    }
    assert await receive(follower) == {"type": "doc.stopped", "data": {"session": stage["main"].pk}}
    assert await receive(late) == {"type": "doc.stopped", "data": {"session": stage["main"].pk}}
    for socket in (follower, late, presenter):
        await socket.disconnect()


async def test_a_booth_follower_hears_nothing_of_a_stage_presentation():
    stage = await _stage("stage-doc-apart")
    booth_follower = await connect(stage["visitor"], stage["event"].slug)
    await request(booth_follower, 1, "doc.follow", booth=stage["booth"].pk)
    presenter = await connect(stage["speaker"], stage["event"].slug)

    await request(presenter, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk)

    assert await _nothing_arrives(booth_follower) is True
    await presenter.disconnect()
    await booth_follower.disconnect()


async def test_a_session_at_a_booth_shows_the_booths_documents():
    stage = await _stage("stage-doc-at-booth")
    presenter = await connect(stage["other_speaker"], stage["event"].slug)
    document = stage["booth_document"]

    reply = await request(presenter, 1, "doc.present", session=stage["at_booth"].pk, asset=document.pk)

    slug, booth = stage["event"].slug, stage["booth"].pk
    assert (reply["type"], reply["data"]["session"], reply["data"]["asset"], reply["data"]["url"]) == (
        "ok",
        stage["at_booth"].pk,
        document.pk,
        f"/{slug}/booths/{booth}/documents/{document.pk}/?page=1",
    )
    await presenter.disconnect()


async def test_a_moderator_presents_on_the_stage():
    stage = await _stage("stage-doc-moderator")
    moderator = await connect(stage["moderator"], stage["event"].slug)

    reply = await request(
        moderator, 1, "doc.present", session=stage["main"].pk, asset=stage["document"].pk, page=2
    )

    assert reply == {"id": 1, "type": "ok", "data": _page(stage, 2)}
    await moderator.disconnect()


async def test_speakers_hear_how_many_follow_and_are_not_counted_themselves():
    stage = await _stage("stage-doc-count")
    desk, reply = await _follow(stage, stage["speaker"])
    main = stage["main"].pk
    assert reply["data"]["followers"] == {"session": main, "count": 0, "version": 0}

    first, _first_reply = await _follow(stage, stage["visitor"])
    assert await receive(desk) == {
        "type": "doc.followers",
        "data": {"session": main, "count": 1, "version": 1},
    }
    await request(first, 2, "doc.unfollow", session=main)
    assert await receive(desk) == {
        "type": "doc.followers",
        "data": {"session": main, "count": 0, "version": 2},
    }
    assert await _nothing_arrives(first) is True  # a follower never hears the count
    await first.disconnect()
    await desk.disconnect()


def test_a_tally_place_names_its_place_again_for_the_sweep():
    names = [
        presentation_followers._place_of(presentation_followers._tally_place(p))
        for p in ("booth:12", "session:7")
    ]

    assert names == ["booth:12", "session:7"]

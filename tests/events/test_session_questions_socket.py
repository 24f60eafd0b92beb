"""Q&A transcripts through the real consumer: ask, approve, vote (coalesced), answer, pin, hide,
and the refusals a visitor gets (moderating, a question elsewhere)."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings

from events.enums import EventStatus, TeamRole
from events.models import QuestionStatus, SessionQuestion
from exhibits.models import BoothSession
from rakwon_site.asgi import application
from tests.factories import BoothFactory, EventFactory, SessionFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(user, slug: str) -> WebsocketCommunicator:
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


async def _ask(communicator, frame_id, frame_type, **data) -> dict:
    await communicator.send_to(text_data=json.dumps({"id": frame_id, "type": frame_type, "data": data}))
    return json.loads(await communicator.receive_from())


async def _next(communicator, timeout: float = 2) -> dict:
    return json.loads(await communicator.receive_from(timeout=timeout))


def _make_expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event)
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    ada = AttendeeFactory(event=event, display_name="Ada", visible_to_others=True).user
    bo = AttendeeFactory(event=event, display_name="Bo", visible_to_others=True).user
    cy = AttendeeFactory(event=event, display_name="Cy", visible_to_others=True).user
    return event, session, moderator, ada, bo, cy


_expo = database_sync_to_async(_make_expo)


async def test_anonymous_question_waits_for_the_moderator_then_reaches_everyone():
    event, session, moderator, ada, bo, _cy = await _expo("qa-flow")
    asker, viewer, mod = [await _connect(user, event.slug) for user in (ada, bo, moderator)]
    for socket in (asker, viewer, mod):
        assert (await _ask(socket, 1, "qa.join", session=session.pk))["type"] == "ok"
    reply = await _ask(asker, 2, "qa.ask", session=session.pk, text="Slides?", anonymous=True)
    assert reply["type"] == "ok"
    asked = reply["data"]["question"]
    assert (asked["status"], asked["author"], asked["mine"]) == ("pending", None, True)

    pending = await _next(mod)  # only the moderator hears of it
    assert (pending["type"], pending["data"]["id"], pending["data"]["author"]) == (
        "qa.question",
        asked["id"],
        None,
    )
    assert await viewer.receive_nothing(timeout=0.2) is True

    approved = await _ask(mod, 3, "qa.approve", question=asked["id"])
    assert approved == {"id": 3, "type": "ok", "data": {"id": asked["id"], "status": "approved"}}
    for socket in (asker, viewer, mod):
        pushed = await _next(socket)
        assert (pushed["type"], pushed["data"]["status"], pushed["data"]["author"]) == (
            "qa.question",
            "approved",
            None,
        )
    for socket in (asker, viewer, mod):
        await socket.disconnect()


@override_settings(QA_VOTE_PUSH_SECONDS=0.3)
async def test_votes_are_pushed_once_for_several_votes():
    event, session, _moderator, ada, bo, cy = await _expo("qa-votes")
    question = await database_sync_to_async(SessionQuestion.objects.create)(
        event=event,
        session=session,
        author=ada,
        author_label="Ada",
        text="Why?",
        status=QuestionStatus.APPROVED,
    )
    watcher, bo_socket, cy_socket = [await _connect(user, event.slug) for user in (ada, bo, cy)]
    assert (await _ask(watcher, 1, "qa.join", session=session.pk))["data"]["questions"][0][
        "id"
    ] == question.pk
    assert (await _ask(bo_socket, 1, "qa.vote", question=question.pk))["data"] == {
        "id": question.pk,
        "votes": 1,
        "voted": True,
    }
    assert (await _ask(cy_socket, 1, "qa.vote", question=question.pk))["data"]["votes"] == 2
    pushed = await _next(watcher)
    assert pushed == {"type": "qa.votes", "data": {"session": session.pk, "votes": {str(question.pk): 2}}}
    assert await watcher.receive_nothing(timeout=0.5) is True  # one push for the two votes
    taken_back = await _ask(bo_socket, 2, "qa.vote", question=question.pk, up=False)
    assert taken_back["data"] == {"id": question.pk, "votes": 1, "voted": False}
    for socket in (watcher, bo_socket, cy_socket):
        await socket.disconnect()


async def test_pin_answer_and_hide_reach_everyone():
    event, session, moderator, ada, _bo, _cy = await _expo("qa-moderate")
    question = await database_sync_to_async(SessionQuestion.objects.create)(
        event=event,
        session=session,
        author=ada,
        author_label="Ada",
        text="Why?",
        status=QuestionStatus.APPROVED,
    )
    viewer, mod = await _connect(ada, event.slug), await _connect(moderator, event.slug)
    await _ask(viewer, 1, "qa.join", session=session.pk)
    assert (await _ask(mod, 1, "qa.pin", question=question.pk))["data"] == {"id": question.pk, "pinned": True}
    assert (await _next(viewer))["data"]["pinned"] is True
    assert (await _ask(mod, 2, "qa.answer", question=question.pk))["data"]["answered"] is True
    assert (await _next(viewer))["data"]["answered"] is True
    assert (await _ask(mod, 3, "qa.hide", question=question.pk))["type"] == "ok"
    assert await _next(viewer) == {"type": "qa.hidden", "data": {"id": question.pk, "session": session.pk}}
    for socket in (viewer, mod):
        await socket.disconnect()


async def test_visitor_may_not_moderate_and_nothing_changes():
    event, session, _moderator, ada, bo, _cy = await _expo("qa-refused")
    question = await database_sync_to_async(SessionQuestion.objects.create)(
        event=event, session=session, author=ada, author_label="Ada", text="Why?"
    )
    socket = await _connect(bo, event.slug)
    for frame_id, action in enumerate(("qa.approve", "qa.hide", "qa.answer", "qa.pin")):
        reply = await _ask(socket, frame_id, action, question=question.pk)
        assert (reply["type"], reply["code"]) == ("error", "auth.forbidden")
    await database_sync_to_async(question.refresh_from_db)()
    assert (question.status, question.pinned, question.answered_at) == (QuestionStatus.PENDING, False, None)
    await socket.disconnect()


async def test_bad_frames_get_clear_errors_and_nothing_is_saved():
    event, session, _moderator, ada, _bo, _cy = await _expo("qa-bad")
    other = await database_sync_to_async(SessionFactory)()  # another event's session
    socket = await _connect(ada, event.slug)
    assert (await _ask(socket, 1, "qa.join", session=other.pk))["code"] == "qa.no_such_session"
    assert (await _ask(socket, 2, "qa.ask", session=session.pk, text="x" * 301))["code"] == "qa.too_long"
    assert (await _ask(socket, 3, "qa.ask", session=session.pk, text=" "))["code"] == "qa.empty"
    assert (await _ask(socket, 4, "qa.vote", question=987654))["code"] == "qa.no_such_question"
    assert (await _ask(socket, 5, "qa.vote", question="1"))["code"] == "qa.no_such_question"
    assert await database_sync_to_async(SessionQuestion.objects.count)() == 0
    await socket.disconnect()
    await asyncio.sleep(0)


@database_sync_to_async
def _session_at_a_booth(slug: str):
    event, session, _moderator, ada, _bo, _cy = _make_expo(slug)
    booth = BoothFactory(event=event)
    BoothSession.objects.create(booth=booth, session=session)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    other_staff = StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user
    question = SessionQuestion.objects.create(
        event=event, session=session, author=ada, author_label="Ada", text="Why?"
    )
    return event, session, staff, other_staff, question


async def test_staff_of_the_sessions_booth_moderate_on_the_socket_and_other_staff_do_not():
    event, session, staff, other_staff, question = await _session_at_a_booth("qa-booth")
    theirs, others = await _connect(staff, event.slug), await _connect(other_staff, event.slug)
    joined = await _ask(theirs, 1, "qa.join", session=session.pk)
    assert (joined["data"]["moderator"], [row["id"] for row in joined["data"]["questions"]]) == (
        True,
        [question.pk],
    )
    refused = await _ask(others, 1, "qa.approve", question=question.pk)
    assert (refused["type"], refused["code"]) == ("error", "auth.forbidden")
    assert (await _ask(theirs, 2, "qa.approve", question=question.pk))["data"]["status"] == "approved"
    for socket in (theirs, others):
        await socket.disconnect()

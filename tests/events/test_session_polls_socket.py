"""Poll transcripts through the real consumer: a moderator creates and opens a poll, everyone on
the page hears it; votes come back as one coalesced, versioned results push; the refusals a visitor
gets (running polls, a poll elsewhere, a forged answer, a closed poll)."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient, Client, override_settings
from django.urls import reverse

from events.enums import EventStatus, TeamRole
from events.live import poll_handlers
from events.models import PollState, PollVote, SessionPoll
from events.services import session_polls as polls
from rakwon_site.asgi import application
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory
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


@database_sync_to_async
def _expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event)
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    people = [AttendeeFactory(event=event, display_name=name).user for name in ("Ada", "Bo", "Cy")]
    return event, session, moderator, *people


@database_sync_to_async
def _open_poll(session, moderator, **extra) -> tuple[SessionPoll, list[int]]:
    poll = polls.open_poll(
        polls.create_poll(session, "Lunch?", ["Yes", "No"], by=moderator, **extra), by=moderator
    )
    return poll, list(poll.options.values_list("pk", flat=True))


async def _close(*sockets) -> None:
    for socket in sockets:
        await socket.disconnect()


async def test_moderator_creates_and_opens_a_poll_and_everyone_hears_it():
    event, session, moderator, ada, _bo, _cy = await _expo("poll-flow")
    visitor, mod = await _connect(ada, event.slug), await _connect(moderator, event.slug)
    joined = await _ask(visitor, 1, "poll.join", session=session.pk)
    assert joined == {"id": 1, "type": "ok", "data": {"session": session.pk, "moderator": False, "polls": []}}
    assert (await _ask(mod, 1, "poll.join", session=session.pk))["data"]["moderator"] is True

    created = await _ask(mod, 2, "poll.create", session=session.pk, question="Lunch?", options=["Yes", "No"])
    assert created["type"] == "ok"
    draft = created["data"]["poll"]
    assert (draft["state"], [option["text"] for option in draft["options"]]) == ("draft", ["Yes", "No"])
    assert (await _next(mod))["data"]["id"] == draft["id"]  # the draft: to moderators only
    assert await visitor.receive_nothing(timeout=0.2) is True

    assert (await _ask(mod, 3, "poll.open", poll=draft["id"]))["data"] == {
        "poll": draft["id"],
        "state": "open",
    }
    opened = await _next(visitor)
    assert (opened["type"], opened["data"]["state"], opened["data"]["question"], opened["data"]["mine"]) == (
        "poll.poll",
        "open",
        "Lunch?",
        None,
    )
    assert opened["data"]["results"]["total"] == 0
    await _close(visitor, mod)


@override_settings(POLL_RESULTS_PUSH_SECONDS=0.3)
async def test_several_votes_are_pushed_once_with_a_newer_version():
    event, session, moderator, ada, bo, cy = await _expo("poll-votes")
    poll, (yes, no) = await _open_poll(session, moderator)
    watcher, bo_socket, cy_socket = [await _connect(user, event.slug) for user in (ada, bo, cy)]
    state = await _ask(watcher, 1, "poll.join", session=session.pk)
    version_at_join = state["data"]["polls"][0]["results"]["version"]
    assert (await _ask(bo_socket, 1, "poll.vote", poll=poll.pk, option=yes))["data"] == {
        "poll": poll.pk,
        "mine": yes,
    }
    assert (await _ask(cy_socket, 1, "poll.vote", poll=poll.pk, option=yes))["type"] == "ok"
    assert (await _ask(cy_socket, 2, "poll.vote", poll=poll.pk, option=no))["data"]["mine"] == no  # changed
    pushed = await _next(watcher)
    assert pushed["type"] == "poll.results"
    assert (pushed["data"]["counts"], pushed["data"]["total"]) == ({str(yes): 1, str(no): 1}, 2)
    assert pushed["data"]["version"] == version_at_join + 3
    assert await watcher.receive_nothing(timeout=0.6) is True  # one push for the three votes
    await _close(watcher, bo_socket, cy_socket)


@override_settings(POLL_RESULTS_PUSH_SECONDS=0.2)
async def test_results_kept_from_the_audience_reach_only_moderators_until_closed():
    event, session, moderator, ada, bo, _cy = await _expo("poll-hidden")
    poll, (yes, _no) = await _open_poll(session, moderator, results_while_open=False)
    visitor, voter, mod = [await _connect(user, event.slug) for user in (ada, bo, moderator)]
    for socket in (visitor, voter, mod):
        await _ask(socket, 1, "poll.join", session=session.pk)
    joined = await _ask(visitor, 2, "poll.join", session=session.pk)
    assert joined["data"]["polls"][0]["results"] is None
    await _ask(voter, 2, "poll.vote", poll=poll.pk, option=yes)
    assert (await _next(mod))["data"]["counts"][str(yes)] == 1
    assert await visitor.receive_nothing(timeout=0.4) is True
    assert (await _ask(mod, 3, "poll.close", poll=poll.pk))["data"]["state"] == "closed"
    closed = await _next(visitor)
    assert (closed["data"]["state"], closed["data"]["results"]["counts"][str(yes)]) == ("closed", 1)
    assert (await _next(voter))["data"]["state"] == "closed"  # the voter's page hears it too
    refused = await _ask(voter, 3, "poll.vote", poll=poll.pk, option=yes)
    assert (refused["type"], refused["code"]) == ("error", "poll.closed")
    await _close(visitor, voter, mod)


async def test_visitor_may_not_run_polls_and_nothing_changes():
    event, session, moderator, ada, _bo, _cy = await _expo("poll-refused")
    draft = await database_sync_to_async(polls.create_poll)(session, "Q?", ["a", "b"], by=moderator)
    socket = await _connect(ada, event.slug)
    created = await _ask(socket, 1, "poll.create", session=session.pk, question="Mine?", options=["a", "b"])
    opened = await _ask(socket, 2, "poll.open", poll=draft.pk)
    closed = await _ask(socket, 3, "poll.close", poll=draft.pk)
    assert [(frame["type"], frame["code"]) for frame in (created, opened, closed)] == [
        ("error", "auth.forbidden")
    ] * 3
    assert await database_sync_to_async(list)(SessionPoll.objects.values_list("question", "state")) == [
        ("Q?", PollState.DRAFT)
    ]
    joined = await _ask(socket, 4, "poll.join", session=session.pk)
    assert joined["data"]["polls"] == []  # nor does she see the draft
    await _close(socket)


async def test_bad_frames_get_clear_errors_and_nothing_is_saved():
    event, session, moderator, ada, _bo, _cy = await _expo("poll-bad")
    poll, (yes, _no) = await _open_poll(session, moderator)
    other_event = await database_sync_to_async(EventFactory)(status=EventStatus.PUBLISHED)
    other_session = await database_sync_to_async(SessionFactory)(event=other_event)
    other_mod = await database_sync_to_async(TeamMemberFactory)(event=other_event)
    theirs, (their_yes, _their_no) = await _open_poll(other_session, other_mod.user)
    socket = await _connect(ada, event.slug)
    frames = [
        ("poll.join", {"session": other_session.pk}, "poll.no_such_session"),
        ("poll.vote", {"poll": theirs.pk, "option": their_yes}, "poll.no_such_poll"),  # another event's poll
        ("poll.vote", {"poll": poll.pk, "option": their_yes}, "poll.no_such_option"),  # forged answer id
        ("poll.vote", {"poll": poll.pk, "option": [yes, _no]}, "poll.one_choice"),
        ("poll.vote", {"poll": poll.pk}, "poll.no_choice"),
        ("poll.vote", {"poll": str(poll.pk), "option": yes}, "poll.no_such_poll"),
        ("poll.vote", {"poll": 987654, "option": yes}, "poll.no_such_poll"),
    ]
    codes = [(await _ask(socket, n, kind, **data))["code"] for n, (kind, data, _code) in enumerate(frames)]
    assert codes == [code for _kind, _data, code in frames]
    assert await database_sync_to_async(PollVote.objects.count)() == 0
    await _close(socket)
    await asyncio.sleep(0)


@override_settings(POLL_RESULTS_PUSH_SECONDS=0.2)
async def test_a_vote_by_the_plain_form_reaches_the_live_pages_through_the_same_push():
    event, session, moderator, ada, bo, _cy = await _expo("poll-form")
    poll, (yes, _no) = await _open_poll(session, moderator)
    watcher = await _connect(ada, event.slug)
    await _ask(watcher, 1, "poll.join", session=session.pk)
    browser = AsyncClient()
    await browser.aforce_login(bo)
    url = reverse("polls:vote", args=[event.slug, session.pk, poll.pk])
    response = await browser.post(url, {"option": str(yes)})
    assert response.status_code == 302
    pushed = await _next(watcher)
    assert (pushed["type"], pushed["data"]["counts"][str(yes)]) == ("poll.results", 1)
    await _close(watcher)
    assert poll_handlers._waiting == set()


@override_settings(POLL_VOTES_PER_WINDOW=1, POLL_RESULTS_PUSH_SECONDS=0.2)
async def test_team_is_told_it_does_not_vote_and_a_voter_is_rate_limited_and_a_leaver_hears_nothing():
    event, session, moderator, ada, bo, _cy = await _expo("poll-limits")
    poll, (yes, no) = await _open_poll(session, moderator)
    mod, voter, leaver = [await _connect(user, event.slug) for user in (moderator, ada, bo)]
    team_vote = await _ask(mod, 1, "poll.vote", poll=poll.pk, option=yes)
    assert (team_vote["type"], team_vote["code"]) == ("error", "poll.not_attendee")
    await _ask(leaver, 1, "poll.join", session=session.pk)
    assert (await _ask(leaver, 2, "poll.leave", session=session.pk))["data"] == {}
    assert (await _ask(voter, 1, "poll.vote", poll=poll.pk, option=yes))["type"] == "ok"
    limited = await _ask(voter, 2, "poll.vote", poll=poll.pk, option=no)
    assert (limited["type"], limited["code"]) == ("error", "poll.rate_limited")
    assert "Try again in" in limited["message"]
    assert await leaver.receive_nothing(timeout=0.5) is True  # left: no results push
    votes = await database_sync_to_async(list)(PollVote.objects.values_list("user_id", "option_id"))
    assert votes == [(ada.pk, yes)]
    await _close(mod, voter, leaver)

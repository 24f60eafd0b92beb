"""A session's polls over the live socket. Transcript (docs/protocol.md, "Namespace: poll"):

-> {"id": 1, "type": "poll.join", "data": {"session": 7}}
<- {"id": 1, "type": "ok", "data": {"session": 7, "moderator": false, "polls": [...]}}
-> {"id": 2, "type": "poll.create", "data": {"session": 7, "question": "Lunch?", "options": ["Yes", "No"]}}
<- {"id": 2, "type": "ok", "data": {"poll": {"id": 4, "state": "draft", ...}}}      (moderators)
-> {"id": 3, "type": "poll.open", "data": {"poll": 4}}                              (moderators)
<= {"type": "poll.poll", "data": {"id": 4, "state": "open", ...}}                    (to everyone)
-> {"id": 4, "type": "poll.vote", "data": {"poll": 4, "option": 11}}
<- {"id": 4, "type": "ok", "data": {"poll": 4, "mine": 11}}
<= {"type": "poll.results", "data": {"poll": 4, "version": 9, "total": 30, "counts": {"11": 18, ...}}}
   (at most once per POLL_RESULTS_PUSH_SECONDS per poll and process)
-> {"id": 5, "type": "poll.close", "data": {"poll": 4}}                             (moderators)
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any, Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import PollState, Session, SessionPoll
from events.permissions import ENTER_EVENT
from events.registry import ObjectPermission, push_shapes, socket_handlers
from events.services import session_polls as polls

from .connection import LiveConnection
from .groups import poll_moderators_group, polls_group, push_to_group

RUN_POLLS = ObjectPermission(
    polls.RUN_POLLS, gettext_lazy("Only the organisers and the staff of this session run its polls.")
)


# --- The pushes' shapes -------------------------------------------------------------------------


class PollResults(TypedDict):
    """poll.results: votes per answer id; a page keeps the highest `version` it has shown."""

    poll: int
    session: int
    version: int
    total: int
    counts: dict[str, int]


class PollAnswer(TypedDict):
    id: int
    text: str


class Poll(TypedDict):
    """poll.poll: a poll created (to moderators), opened or closed (to everyone)."""

    id: int
    session: int
    question: str
    state: Literal["draft", "open", "closed"]
    results_while_open: bool
    options: list[PollAnswer]
    results: PollResults | None  # None where the audience does not see them yet
    mine: int | None  # None in pushes; a reply or poll.join says the viewer's own answer


push_shapes.register("poll.poll", Poll)
push_shapes.register("poll.results", PollResults)


# --- Loaders: the session or poll a frame names, in this event ----------------------------------


@database_sync_to_async
def session_named(connection: LiveConnection, data: dict[str, Any]) -> Session:
    session_id = data.get("session")
    found = None
    if isinstance(session_id, int) and not isinstance(session_id, bool):
        found = Session.objects.filter(event=connection.event, pk=session_id).select_related("event").first()
    if found is None:
        raise polls.PollError(
            _("There is no such session here; reload the page."), code="poll.no_such_session"
        )
    return found


@database_sync_to_async
def poll_named(connection: LiveConnection, data: dict[str, Any]) -> SessionPoll:
    poll_id = data.get("poll")
    return polls.find_poll(connection.event, poll_id if isinstance(poll_id, int) else None)


# --- Results, coalesced: one push per poll per POLL_RESULTS_PUSH_SECONDS, not one per vote ------

_waiting: set[int] = set()  # polls whose results moved since their last push from this process
_pushing: set[asyncio.Task] = set()  # held until done: the loop keeps only weak references to tasks


def _poll_state(poll_id: int) -> tuple[SessionPoll, dict[str, Any]] | None:
    poll = SessionPoll.objects.filter(pk=poll_id).first()
    return None if poll is None else (poll, polls.results_of(poll))


async def _push_results_later(poll_id: int) -> None:
    try:
        await asyncio.sleep(settings.POLL_RESULTS_PUSH_SECONDS)
    finally:  # even cancelled: a poll left waiting would never be pushed again
        _waiting.discard(poll_id)
    found = await database_sync_to_async(_poll_state)(poll_id)
    if found is None:
        return
    poll, results = found
    shown_to_all = polls.results_shown_to_all(poll)
    group = polls_group(poll.session_id) if shown_to_all else poll_moderators_group(poll.session_id)
    await push_to_group(group, "poll.results", PollResults(**results))


async def results_changed(poll_id: int) -> None:
    """A vote moved the poll's results: they are pushed with the next push due, or in a second."""
    if poll_id in _waiting:
        return
    _waiting.add(poll_id)
    # A context of its own: called from a form's thread (async_to_sync), the task would otherwise
    # inherit that call's executor, gone by the time the task reads the results.
    task = asyncio.get_running_loop().create_task(_push_results_later(poll_id), context=contextvars.Context())
    _pushing.add(task)
    task.add_done_callback(_pushing.discard)


def _poll_payloads(poll: SessionPoll) -> tuple[dict, dict | None]:
    """What a poll's new state tells the audience, and the moderators' own version of it where
    theirs differs (a draft, or results the audience does not see)."""
    everyone = polls.poll_payload(poll)
    if poll.state == PollState.DRAFT or everyone["results"] is None:
        return everyone, polls.poll_payload(poll, moderator=True)
    return everyone, None


async def _push_poll(poll: SessionPoll) -> None:
    await _push_poll_payloads(poll, *await database_sync_to_async(_poll_payloads)(poll))


async def _push_poll_payloads(poll: SessionPoll, everyone: dict, for_moderators: dict | None) -> None:
    """A poll's new state: drafts to the moderators; opened or closed, to everyone (with results
    where everyone sees them; moderators always hear the results)."""
    if poll.state != PollState.DRAFT:
        await push_to_group(polls_group(poll.session_id), "poll.poll", everyone)
    if for_moderators is not None:
        # After the audience's frame, which moderators also get: theirs, with results, comes last.
        await push_to_group(poll_moderators_group(poll.session_id), "poll.poll", for_moderators)


# --- Handlers -----------------------------------------------------------------------------------


def _joined(session: Session, user) -> dict[str, Any]:
    return {"moderator": polls.may_run_polls(user, session), "polls": polls.polls_for(session, user)}


@socket_handlers.register("poll.join", permission=ENTER_EVENT, load=session_named)
async def join(connection: LiveConnection, data: dict, session: Session) -> dict:
    state = await database_sync_to_async(_joined)(session, connection.user)
    await connection.join_group(polls_group(session.pk))
    if state["moderator"]:
        await connection.join_group(poll_moderators_group(session.pk))
    return {"session": session.pk, **state}


@socket_handlers.register("poll.leave", permission=ENTER_EVENT, load=session_named)
async def leave(connection: LiveConnection, data: dict, session: Session) -> dict:
    await connection.leave_group(polls_group(session.pk))
    await connection.leave_group(poll_moderators_group(session.pk))
    return {}


@socket_handlers.register("poll.vote", permission=ENTER_EVENT, load=poll_named)
async def vote(connection: LiveConnection, data: dict, poll: SessionPoll) -> dict:
    cast = await database_sync_to_async(polls.cast_vote)(poll, data.get("option"), by=connection.user)
    await results_changed(poll.pk)
    return {"poll": poll.pk, "mine": cast.option_id}


@socket_handlers.register("poll.create", permission=ENTER_EVENT, load=session_named, check=RUN_POLLS)
async def create(connection: LiveConnection, data: dict, session: Session) -> dict:
    poll = await database_sync_to_async(polls.create_poll)(
        session,
        data.get("question"),
        data.get("options"),
        results_while_open=data.get("results_while_open", True) is not False,
        by=connection.user,
    )
    await _push_poll(poll)
    return {"poll": await database_sync_to_async(polls.poll_payload)(poll, moderator=True)}


@socket_handlers.register("poll.open", permission=ENTER_EVENT, load=poll_named, check=RUN_POLLS)
async def open_(connection: LiveConnection, data: dict, poll: SessionPoll) -> dict:
    poll = await database_sync_to_async(polls.open_poll)(poll, by=connection.user)
    await _push_poll(poll)
    return {"poll": poll.pk, "state": poll.state}


@socket_handlers.register("poll.close", permission=ENTER_EVENT, load=poll_named, check=RUN_POLLS)
async def close(connection: LiveConnection, data: dict, poll: SessionPoll) -> dict:
    poll = await database_sync_to_async(polls.close_poll)(poll, by=connection.user)
    await _push_poll(poll)
    return {"poll": poll.pk, "state": poll.state}


# --- From the no-JavaScript forms (events/views/session_polls.py): the same pushes -------------


def announce(poll: SessionPoll) -> None:
    """Push a poll created, opened or closed by a form to the pages that show it. The payloads are
    read here, in the form's own thread and database connection: read through
    database_sync_to_async under async_to_sync, they would close this request's connection."""
    async_to_sync(_push_poll_payloads)(poll, *_poll_payloads(poll))


def announce_vote(poll: SessionPoll) -> None:
    """A form's vote joins the socket's: under the server, the push waits in its event loop."""
    async_to_sync(results_changed)(poll.pk)

"""Q&A on a session over the live socket. Transcript (docs/protocol.md, "Namespace: qa"):

-> {"id": 1, "type": "qa.join", "data": {"session": 7}}
<- {"id": 1, "type": "ok", "data": {"session": 7, "questions": [...], "moderator": false, ...}}
-> {"id": 2, "type": "qa.ask", "data": {"session": 7, "text": "Will slides be shared?", "anonymous": true}}
<- {"id": 2, "type": "ok", "data": {"question": {"id": 31, "status": "pending", "author": null, ...}}}
<= {"type": "qa.question", "data": {"id": 31, ...}}   (to moderators while pending, then to everyone)
-> {"id": 3, "type": "qa.vote", "data": {"question": 31, "up": true}}
<- {"id": 3, "type": "ok", "data": {"id": 31, "votes": 4, "voted": true}}
<= {"type": "qa.votes", "data": {"session": 7, "votes": {"31": 4}}}   (at most once a second)
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import QuestionStatus, Session, SessionQuestion
from events.permissions import ENTER_EVENT
from events.registry import ObjectPermission, socket_handlers
from events.services import session_questions as qa

from .connection import LiveConnection
from .groups import push_to_group, question_moderators_group, questions_group
from .pushes import QuestionHidden, QuestionVotes

ENTER = ENTER_EVENT
MODERATE = ObjectPermission(
    qa.MODERATE_QUESTIONS,
    gettext_lazy("Only the organisers and the staff of this session moderate its questions."),
)


# --- Loaders: the session or question a frame names, in this event ------------------------------


@database_sync_to_async
def session_named(connection: LiveConnection, data: dict[str, Any]) -> Session:
    session_id = data.get("session")
    found = None
    if isinstance(session_id, int) and not isinstance(session_id, bool):
        found = Session.objects.filter(event=connection.event, pk=session_id).select_related("event").first()
    if found is None:
        raise qa.QuestionError(
            _("There is no such session here; reload the page."), code="qa.no_such_session"
        )
    return found


@database_sync_to_async
def question_named(connection: LiveConnection, data: dict[str, Any]) -> SessionQuestion:
    return qa.find_question(connection.event, data.get("question"))


# --- Vote counts, coalesced: one push per session per QA_VOTE_PUSH_SECONDS, not one per vote -----

_voted: dict[int, set[int]] = {}  # session id -> questions whose count moved since the last push
_pushing: set[asyncio.Task] = set()  # held until done: the loop keeps only weak references to tasks


def _count_votes(question_ids: set[int]) -> dict[str, int]:
    rows = SessionQuestion.objects.filter(pk__in=question_ids).values_list("pk", "votes")
    return {str(pk): votes for pk, votes in rows}


async def _push_votes_later(session_id: int) -> None:
    try:
        await asyncio.sleep(settings.QA_VOTE_PUSH_SECONDS)
    finally:  # even cancelled: a session left in _voted would never be pushed again
        question_ids = _voted.pop(session_id, set())
    if question_ids:
        votes = await database_sync_to_async(_count_votes)(question_ids)
        await push_to_group(
            questions_group(session_id), "qa.votes", QuestionVotes(session=session_id, votes=votes)
        )


def _count_changed(question: SessionQuestion) -> None:
    waiting = _voted.get(question.session_id)
    if waiting is None:
        _voted[question.session_id] = {question.pk}
        task = asyncio.get_running_loop().create_task(_push_votes_later(question.session_id))
        _pushing.add(task)
        task.add_done_callback(_pushing.discard)
    else:
        waiting.add(question.pk)


# --- Handlers -----------------------------------------------------------------------------------


async def _push_question(question: SessionQuestion) -> None:
    payload = qa.question_payload(question)  # no viewer: "mine" is false for everyone
    if question.status == QuestionStatus.APPROVED:
        await push_to_group(questions_group(question.session_id), "qa.question", payload)
    elif question.status == QuestionStatus.PENDING:
        await push_to_group(question_moderators_group(question.session_id), "qa.question", payload)
    else:
        hidden = QuestionHidden(id=question.pk, session=question.session_id)
        await push_to_group(questions_group(question.session_id), "qa.hidden", hidden)


def _joined(session: Session, user) -> dict[str, Any]:
    return {
        "questions": qa.questions_for(session, user),
        "moderator": qa.may_moderate(user, session),
        "needs_approval": qa.needs_approval(session),
    }


@socket_handlers.register("qa.join", permission=ENTER, load=session_named)
async def join(connection: LiveConnection, data: dict, session: Session) -> dict:
    state = await database_sync_to_async(_joined)(session, connection.user)
    await connection.join_group(questions_group(session.pk))
    if state["moderator"]:
        await connection.join_group(question_moderators_group(session.pk))
    return {"session": session.pk, **state}


@socket_handlers.register("qa.leave", permission=ENTER, load=session_named)
async def leave(connection: LiveConnection, data: dict, session: Session) -> dict:
    await connection.leave_group(questions_group(session.pk))
    await connection.leave_group(question_moderators_group(session.pk))
    return {}


@socket_handlers.register("qa.ask", permission=ENTER, load=session_named)
async def ask(connection: LiveConnection, data: dict, session: Session) -> dict:
    # Stored first: a process dying after this line loses nothing a client cannot fetch again.
    question = await database_sync_to_async(qa.ask_question)(
        session, data.get("text"), anonymous=data.get("anonymous") is True, by=connection.user
    )
    await _push_question(question)
    return {"question": qa.question_payload(question, viewer=connection.user)}


@socket_handlers.register("qa.vote", permission=ENTER, load=question_named)
async def vote(connection: LiveConnection, data: dict, question: SessionQuestion) -> dict:
    up = data.get("up", True) is not False
    question = await database_sync_to_async(qa.vote_for_question)(question, up=up, by=connection.user)
    _count_changed(question)
    return {"id": question.pk, "votes": question.votes, "voted": up}


@socket_handlers.register("qa.approve", permission=ENTER, load=question_named, check=MODERATE)
async def approve(connection: LiveConnection, data: dict, question: SessionQuestion) -> dict:
    question = await database_sync_to_async(qa.approve_question)(question, by=connection.user)
    await _push_question(question)
    return {"id": question.pk, "status": question.status}


@socket_handlers.register("qa.hide", permission=ENTER, load=question_named, check=MODERATE)
async def hide(connection: LiveConnection, data: dict, question: SessionQuestion) -> dict:
    question = await database_sync_to_async(qa.hide_question)(question, by=connection.user)
    await _push_question(question)
    return {"id": question.pk, "status": question.status}


@socket_handlers.register("qa.answer", permission=ENTER, load=question_named, check=MODERATE)
async def answer(connection: LiveConnection, data: dict, question: SessionQuestion) -> dict:
    answered = data.get("answered", True) is not False
    question = await database_sync_to_async(qa.mark_answered)(question, answered=answered, by=connection.user)
    await _push_question(question)
    return {"id": question.pk, "answered": answered}


@socket_handlers.register("qa.pin", permission=ENTER, load=question_named, check=MODERATE)
async def pin(connection: LiveConnection, data: dict, question: SessionQuestion) -> dict:
    pinned = data.get("pin", True) is not False
    question = await database_sync_to_async(qa.pin_question)(question, pin=pinned, by=connection.user)
    await _push_question(question)  # pinned: true tells every page to unpin the one before
    return {"id": question.pk, "pinned": pinned}


# --- From the no-JavaScript forms (events/views/session_questions.py): the same pushes ----------


def announce(question: SessionQuestion) -> None:
    """Push a question changed outside the socket to the pages that show it."""
    async_to_sync(_push_question)(question)


def announce_votes(question: SessionQuestion) -> None:
    """A form's vote, pushed at once: forms are few beside the socket's coalesced votes."""
    votes = QuestionVotes(session=question.session_id, votes={str(question.pk): question.votes})
    async_to_sync(push_to_group)(questions_group(question.session_id), "qa.votes", votes)

"""Q&A on a session: visitors ask (as themselves or anonymously), others upvote, moderators approve,
hide, mark answered and pin. Who moderates is the rule of the session's chat, plus the staff of the
place the session is held at (events.registry.session_places names it; event_roles says who works
there). Transcript of the socket side in events/live/qa_handlers.py."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AttemptScope, SanctionKind
from ..errors import RakwonError
from ..models import Attendee, QuestionStatus, QuestionVote, Session, SessionQuestion, User
from ..models.session_questions import SessionQuestionSettings
from ..registry import event_roles, session_places
from ..rules import is_confirmed_attendee
from . import attempts
from .chat import active_sanction, author_of, moderation_level

#: Checked by rules on a session or a question (socket handlers declare it, views ask it).
MODERATE_QUESTIONS = "events.moderate_session_questions"
MAX_LINES = 5  # "one line or a few": a question, not an essay


class QuestionError(RakwonError):
    code = "qa.error"


# --- Who moderates ------------------------------------------------------------------------------


def _session_of(target: Session | SessionQuestion) -> Session:
    return target.session if isinstance(target, SessionQuestion) else target


def may_moderate(user: User, target: Session | SessionQuestion) -> bool:
    """The event team and whoever moderates the session's chat, and the staff of its place."""
    if not user or not user.is_authenticated:
        return False
    session = _session_of(target)
    if moderation_level(session.event, f"session:{session.pk}", user):
        return True
    provider, raw_id = session_places.split(session_places.current(session))
    return bool(provider and raw_id.isdigit() and event_roles.is_staff_at(user, provider.kind, int(raw_id)))


rules.add_perm(MODERATE_QUESTIONS, rules.predicate(may_moderate))


def _require_moderator(target: Session | SessionQuestion, by: User) -> None:
    if not may_moderate(by, target):
        raise QuestionError(
            _("Only the organisers and the staff of this session moderate its questions."),
            code="qa.not_allowed",
        )


def needs_approval(session: Session) -> bool:
    found = SessionQuestionSettings.objects.filter(session=session).values_list("needs_approval", flat=True)
    return next(iter(found), True)


def set_needs_approval(session: Session, value: bool, *, by: User) -> None:
    _require_moderator(session, by)
    SessionQuestionSettings.objects.update_or_create(
        session=session, defaults={"needs_approval": bool(value)}
    )


# --- What people see ----------------------------------------------------------------------------


def question_payload(question: SessionQuestion, *, viewer: User | None = None) -> dict[str, Any]:
    """A question as everyone may see it: an anonymous one has no author at all."""
    return {
        "id": question.pk,
        "session": question.session_id,
        "text": question.text,
        "author": None if question.anonymous else question.author_label,
        "status": question.status,
        "votes": question.votes,
        "pinned": question.pinned,
        "answered": question.answered_at is not None,
        "asked_at": question.created_at.isoformat(),
        "mine": bool(viewer and viewer.is_authenticated and question.author_id == viewer.pk),
    }


def questions_for(session: Session, user: User) -> list[dict[str, Any]]:
    """Approved questions and the viewer's own pending ones (moderators: every pending one), the
    pinned first, then by votes, then oldest first; with whether the viewer voted for each."""
    shown = Q(status=QuestionStatus.APPROVED)
    if may_moderate(user, session):
        shown |= Q(status=QuestionStatus.PENDING)
    elif user.is_authenticated:
        shown |= Q(status=QuestionStatus.PENDING, author=user)
    questions = list(SessionQuestion.objects.filter(session=session).filter(shown))
    voted = (
        set(
            QuestionVote.objects.filter(user=user, question__in=questions).values_list(
                "question_id", flat=True
            )
        )
        if user.is_authenticated
        else set()
    )
    return [
        {**question_payload(question, viewer=user), "voted": question.pk in voted} for question in questions
    ]


# --- Asking -------------------------------------------------------------------------------------


def _clean_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(_("Write your question before sending it."), code="qa.empty")
    text = "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
    if len(text) > settings.QA_QUESTION_MAX_CHARS:
        raise QuestionError(
            _("A question may have at most %(max)s characters; shorten it and send it again.")
            % {"max": settings.QA_QUESTION_MAX_CHARS},
            code="qa.too_long",
        )
    if text.count("\n") >= MAX_LINES:
        raise QuestionError(
            _("A question may have at most %(max)s lines; join them and send it again.") % {"max": MAX_LINES},
            code="qa.too_many_lines",
        )
    return text


def _may_ask(session: Session, by: User) -> None:
    event = session.event
    if not event.is_published:
        raise QuestionError(
            _("Questions can be asked only while the event is live."), code="qa.event_not_live"
        )
    if not is_confirmed_attendee(by, event):
        raise QuestionError(
            _("Only attendees whose registration is confirmed ask questions. Check your registration."),
            code="qa.not_attendee",
        )
    sanction = active_sanction(event, by)
    if sanction == SanctionKind.BAN:
        raise QuestionError(_("You have been removed from this event's chat."), code="qa.banned")
    if sanction == SanctionKind.MUTE:
        raise QuestionError(_("A moderator has muted you: you can read but not write."), code="qa.muted")


def ask_question(session: Session, text: Any, *, anonymous: bool = False, by: User) -> SessionQuestion:
    """Store a question (waiting for approval unless the session says otherwise); the caller pushes
    it only after this returns."""
    text = _clean_text(text)
    _may_ask(session, by)
    key = attempts.attempt_key(session.event_id, by.pk)
    window = settings.QA_QUESTION_WINDOW_MINUTES
    try:
        attempts.check_limit(
            AttemptScope.QUESTION_ASKED,
            key,
            allowed=settings.QA_QUESTIONS_PER_WINDOW,
            window_minutes=window,
            message=_("You have asked several questions in a short time."),
        )
    except attempts.RateLimited as limited:
        raise QuestionError(limited.message, code="qa.rate_limited") from None
    label = "" if anonymous else author_of(by, session.event)[0]
    status = QuestionStatus.PENDING if needs_approval(session) else QuestionStatus.APPROVED
    with transaction.atomic():
        attempts.count_attempt(AttemptScope.QUESTION_ASKED, key, window_minutes=window)
        return SessionQuestion.objects.create(
            event=session.event,
            session=session,
            author=by,
            anonymous=bool(anonymous),
            author_label=label,
            text=text,
            status=status,
        )


# --- Voting -------------------------------------------------------------------------------------


def vote_for_question(question: SessionQuestion, *, up: bool = True, by: User) -> SessionQuestion:
    """Upvote (or, with up=False, take the vote back); voting twice still counts once."""
    if question.status != QuestionStatus.APPROVED:
        raise QuestionError(_("You can vote once this question is approved."), code="qa.not_approved")
    if question.author_id == by.pk:
        raise QuestionError(_("You cannot vote for your own question."), code="qa.own_question")
    if not is_confirmed_attendee(by, question.event) and not may_moderate(by, question):
        raise QuestionError(
            _("Only attendees whose registration is confirmed vote. Check your registration."),
            code="qa.not_attendee",
        )
    with transaction.atomic():
        if up:
            try:
                with transaction.atomic():  # the unique constraint decides, even for two at once
                    QuestionVote.objects.create(question=question, user=by)
                changed = 1
            except IntegrityError:
                changed = 0
        else:
            changed = -QuestionVote.objects.filter(question=question, user=by).delete()[0]
        if changed:
            SessionQuestion.objects.filter(pk=question.pk).update(votes=F("votes") + changed)
    question.refresh_from_db(fields=["votes"])
    return question


# --- Moderating ---------------------------------------------------------------------------------


def _set(question: SessionQuestion, by: User, **fields: Any) -> SessionQuestion:
    _require_moderator(question, by)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save(update_fields=list(fields))
    return question


def approve_question(question: SessionQuestion, *, by: User) -> SessionQuestion:
    return _set(question, by, status=QuestionStatus.APPROVED)


def hide_question(question: SessionQuestion, *, by: User) -> SessionQuestion:
    """Hidden from everyone (its author too); a pinned question loses its pin."""
    return _set(question, by, status=QuestionStatus.HIDDEN, pinned=False)


def mark_answered(question: SessionQuestion, *, answered: bool = True, by: User) -> SessionQuestion:
    return _set(question, by, answered_at=timezone.now() if answered else None)


def pin_question(question: SessionQuestion, *, pin: bool = True, by: User) -> SessionQuestion:
    """One pinned question per session: pinning one unpins the other (and approves it)."""
    _require_moderator(question, by)
    with transaction.atomic():
        if pin:
            SessionQuestion.objects.filter(session_id=question.session_id, pinned=True).exclude(
                pk=question.pk
            ).update(pinned=False)
            return _set(question, by, pinned=True, status=QuestionStatus.APPROVED)
        return _set(question, by, pinned=False)


def find_question(session_or_event: Any, question_id: Any) -> SessionQuestion:
    """The question `question_id` in this event (or session), or QuestionError("qa.no_such_question")."""
    if isinstance(question_id, bool) or not isinstance(question_id, int) or question_id < 0:
        raise QuestionError(_("That question no longer exists; reload the page."), code="qa.no_such_question")
    scope = (
        Q(session=session_or_event) if isinstance(session_or_event, Session) else Q(event=session_or_event)
    )
    found = (
        SessionQuestion.objects.filter(scope, pk=question_id)
        .select_related("session__event", "event")
        .first()
    )
    if found is None:
        raise QuestionError(_("That question no longer exists; reload the page."), code="qa.no_such_question")
    return found


# --- Personal data ------------------------------------------------------------------------------


def attendee_questions(attendee: Attendee) -> dict[str, list[dict[str, Any]]]:
    """An attendee's own questions and votes in their event, for "My data"."""
    if attendee.user_id is None:
        return {"questions": [], "votes": []}
    asked = SessionQuestion.objects.filter(event=attendee.event, author_id=attendee.user_id).select_related(
        "session"
    )
    votes = QuestionVote.objects.filter(
        question__event=attendee.event, user_id=attendee.user_id
    ).select_related("question__session")
    return {
        "questions": [
            {
                "session": question.session.title,
                "text": question.text,
                "anonymous": question.anonymous,
                "status": question.status,
                "asked_at": question.created_at.isoformat(),
            }
            for question in asked.order_by("id")
        ],
        "votes": [
            {"session": vote.question.session.title, "question": vote.question.text}
            for vote in votes.order_by("id")
        ],
    }

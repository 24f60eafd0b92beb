"""Polls in a session: its moderators (those who moderate its questions) write a poll, open it and
close it; confirmed attendees vote, one answer each, which they may change while it is open.
Results are counted from the votes, so a vote forgotten with its attendee no longer counts.
Transcript of the socket side in events/live/poll_handlers.py."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AttemptScope
from ..errors import RakwonError
from ..models import Attendee, PollOption, PollState, PollVote, Session, SessionPoll, User
from ..rules import is_confirmed_attendee
from . import attempts
from .session_questions import may_moderate

#: Checked by rules on a session or a poll (socket handlers declare it, views ask it).
RUN_POLLS = "events.run_session_polls"
MIN_OPTIONS = 2


class PollError(RakwonError):
    code = "poll.error"


def _session_of(target: Session | SessionPoll) -> Session:
    return target.session if isinstance(target, SessionPoll) else target


def may_run_polls(user: User, target: Session | SessionPoll) -> bool:
    """The session's moderators: the event team and its chat's moderators, the staff of its place."""
    return may_moderate(user, _session_of(target))


rules.add_perm(RUN_POLLS, rules.predicate(may_run_polls))


def _require_moderator(target: Session | SessionPoll, by: User) -> None:
    if not may_run_polls(by, target):
        raise PollError(
            _("Only the organisers and the staff of this session run its polls."), code="poll.not_allowed"
        )


# --- What people see ----------------------------------------------------------------------------


def results_of(poll: SessionPoll) -> dict[str, Any]:
    """Votes per answer, their total and the poll's version, read in one statement, so the counts
    are those of that version or newer, never older."""
    rows = list(
        PollOption.objects.filter(poll_id=poll.pk)
        .annotate(count=Count("votes"))
        .order_by("position", "id")
        .values_list("pk", "count", "poll__version")
    )
    counts = {str(pk): count for pk, count, _version in rows}
    version = rows[0][2] if rows else poll.version
    return {
        "poll": poll.pk,
        "session": poll.session_id,
        "version": version,
        "total": sum(counts.values()),
        "counts": counts,
    }


def results_shown_to_all(poll: SessionPoll) -> bool:
    return poll.state == PollState.CLOSED or (poll.state == PollState.OPEN and poll.results_while_open)


def poll_payload(poll: SessionPoll, *, viewer: User | None = None, moderator: bool = False) -> dict[str, Any]:
    """A poll as its viewer may see it: results only where they are shown to them, and their own
    vote only in what is sent to them alone."""
    payload: dict[str, Any] = {
        "id": poll.pk,
        "session": poll.session_id,
        "question": poll.question,
        "state": poll.state,
        "results_while_open": poll.results_while_open,
        "options": [{"id": option.pk, "text": option.text} for option in poll.options.all()],
        "results": results_of(poll) if moderator or results_shown_to_all(poll) else None,
        "mine": None,
    }
    if viewer is not None and viewer.is_authenticated:
        payload["mine"] = (
            PollVote.objects.filter(poll=poll, user=viewer).values_list("option_id", flat=True).first()
        )
    return payload


def polls_for(session: Session, user: User) -> list[dict[str, Any]]:
    """Open and closed polls, newest first (moderators: drafts too), as this viewer sees them."""
    moderator = may_run_polls(user, session)
    shown = SessionPoll.objects.filter(session=session).prefetch_related("options")
    if not moderator:
        shown = shown.exclude(state=PollState.DRAFT)
    return [poll_payload(poll, viewer=user, moderator=moderator) for poll in shown]


def find_poll(session_or_event: Any, poll_id: Any) -> SessionPoll:
    """The poll `poll_id` in this event (or session), or PollError("poll.no_such_poll")."""
    if isinstance(poll_id, str) and poll_id.isdigit():
        poll_id = int(poll_id)
    if isinstance(poll_id, bool) or not isinstance(poll_id, int) or poll_id < 0:
        raise PollError(_("That poll no longer exists; reload the page."), code="poll.no_such_poll")
    scope = (
        Q(session=session_or_event) if isinstance(session_or_event, Session) else Q(event=session_or_event)
    )
    found = SessionPoll.objects.filter(scope, pk=poll_id).select_related("session__event", "event").first()
    if found is None:
        raise PollError(_("That poll no longer exists; reload the page."), code="poll.no_such_poll")
    return found


# --- Writing, opening and closing ---------------------------------------------------------------


def _clean_question(text: Any) -> str:
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if not text:
        raise PollError(_("Write the poll's question first."), code="poll.empty")
    if len(text) > settings.POLL_QUESTION_MAX_CHARS:
        raise PollError(
            _("A poll's question may have at most %(max)s characters; shorten it.")
            % {"max": settings.POLL_QUESTION_MAX_CHARS},
            code="poll.too_long",
        )
    return text


def _clean_options(options: Any) -> list[str]:
    given = options if isinstance(options, list | tuple) else []
    texts = [" ".join(text.split()) for text in given if isinstance(text, str) and text.strip()]
    if not MIN_OPTIONS <= len(texts) <= settings.POLL_MAX_OPTIONS:
        raise PollError(
            _("A poll offers from %(min)s to %(max)s answers; write at least %(min)s.")
            % {"min": MIN_OPTIONS, "max": settings.POLL_MAX_OPTIONS},
            code="poll.options",
        )
    if any(len(text) > settings.POLL_OPTION_MAX_CHARS for text in texts):
        raise PollError(
            _("An answer may have at most %(max)s characters; shorten it.")
            % {"max": settings.POLL_OPTION_MAX_CHARS},
            code="poll.option_too_long",
        )
    if len({text.casefold() for text in texts}) != len(texts):
        raise PollError(_("Two answers are the same; make each one different."), code="poll.same_options")
    return texts


def create_poll(
    session: Session, question: Any, options: Any, *, results_while_open: bool = True, by: User
) -> SessionPoll:
    """A draft poll: only the moderators see it until it is opened."""
    _require_moderator(session, by)
    question = _clean_question(question)
    texts = _clean_options(options)
    with transaction.atomic():
        poll = SessionPoll.objects.create(
            event=session.event,
            session=session,
            question=question,
            results_while_open=bool(results_while_open),
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, text=text, position=position) for position, text in enumerate(texts)
        )
    return poll


def _move(poll: SessionPoll, *, to: str, by: User, **stamps: Any) -> SessionPoll:
    _require_moderator(poll, by)
    before = {PollState.OPEN: PollState.DRAFT, PollState.CLOSED: PollState.OPEN}[to]
    with transaction.atomic():
        moved = SessionPoll.objects.filter(pk=poll.pk, state=before).update(state=to, **stamps)
    poll.refresh_from_db()
    if not moved:
        if to == PollState.OPEN:
            raise PollError(_("This poll has been opened already."), code="poll.not_draft")
        raise PollError(_("Only an open poll can be closed."), code="poll.not_open")
    return poll


def open_poll(poll: SessionPoll, *, by: User) -> SessionPoll:
    """A draft goes to everyone on the session's page, who may vote from now."""
    return _move(poll, to=PollState.OPEN, by=by, opened_at=timezone.now())


def close_poll(poll: SessionPoll, *, by: User) -> SessionPoll:
    """No more votes; the results are shown to everyone."""
    return _move(poll, to=PollState.CLOSED, by=by, closed_at=timezone.now())


# --- Voting -------------------------------------------------------------------------------------


def _option_in(poll: SessionPoll, choice: Any) -> PollOption:
    """The one answer of this poll the voter chose: a list of them (a form sent twice) is refused."""
    if isinstance(choice, list | tuple):
        if len(choice) > 1:
            raise PollError(_("Choose one answer only, then vote again."), code="poll.one_choice")
        choice = choice[0] if choice else None
    if choice is None or choice == "":
        raise PollError(_("Choose one of the answers, then vote."), code="poll.no_choice")
    if isinstance(choice, str) and choice.isdigit():
        choice = int(choice)
    found = None
    if isinstance(choice, int) and not isinstance(choice, bool):
        found = PollOption.objects.filter(poll=poll, pk=choice).first()
    if found is None:
        raise PollError(
            _("That answer is not one of this poll's; reload the page and choose again."),
            code="poll.no_such_option",
        )
    return found


def _may_vote(poll: SessionPoll, by: User) -> None:
    event = poll.event
    if not event.is_published:
        raise PollError(_("Polls are open only while the event is live."), code="poll.event_not_live")
    if not is_confirmed_attendee(by, event):
        raise PollError(
            _("Only attendees whose registration is confirmed vote. Check your registration."),
            code="poll.not_attendee",
        )


def _refuse_unless_open(state: str) -> None:
    if state == PollState.CLOSED:
        raise PollError(_("This poll is closed: votes are no longer taken."), code="poll.closed")
    if state != PollState.OPEN:
        raise PollError(_("This poll is not open yet."), code="poll.not_open")


def cast_vote(poll: SessionPoll, choice: Any, *, by: User) -> PollVote:
    """Vote for one answer, or change one's vote while the poll is open; the version moves with
    every change so the next results are pushed as newer."""
    _refuse_unless_open(poll.state)
    option = _option_in(poll, choice)
    _may_vote(poll, by)
    key = attempts.attempt_key(poll.event_id, by.pk)
    window = settings.POLL_VOTE_WINDOW_MINUTES
    try:
        attempts.check_limit(
            AttemptScope.POLL_VOTE,
            key,
            allowed=settings.POLL_VOTES_PER_WINDOW,
            window_minutes=window,
            message=_("You have voted many times in a short time."),
        )
    except attempts.RateLimited as limited:
        raise PollError(limited.message, code="poll.rate_limited") from None
    with transaction.atomic():
        # The poll's row is locked: a vote never slips in after a moderator closed the poll.
        state = SessionPoll.objects.select_for_update().filter(pk=poll.pk).values_list("state", flat=True)
        _refuse_unless_open(next(iter(state), PollState.CLOSED))
        attempts.count_attempt(AttemptScope.POLL_VOTE, key, window_minutes=window)
        vote, changed = PollVote.objects.filter(poll=poll, user=by).first(), True
        if vote is None:
            try:
                with transaction.atomic():  # the unique constraint decides, even for two at once
                    vote = PollVote.objects.create(poll=poll, option=option, user=by)
            except IntegrityError:
                vote = PollVote.objects.get(poll=poll, user=by)
        elif vote.option_id == option.pk:
            changed = False
        if vote.option_id != option.pk:
            vote.option = option
            vote.save(update_fields=["option", "voted_at"])
        if changed:
            SessionPoll.objects.filter(pk=poll.pk).update(version=F("version") + 1)
    return vote


# --- Personal data ------------------------------------------------------------------------------


def attendee_poll_votes(attendee: Attendee) -> list[dict[str, Any]]:
    """An attendee's votes in their event's polls, for "My data"."""
    if attendee.user_id is None:
        return []
    votes = PollVote.objects.filter(poll__event=attendee.event, user_id=attendee.user_id).select_related(
        "poll__session", "option"
    )
    return [
        {
            "session": vote.poll.session.title,
            "poll": vote.poll.question,
            "answer": vote.option.text,
            "voted_at": vote.voted_at.isoformat(),
        }
        for vote in votes.order_by("id")
    ]

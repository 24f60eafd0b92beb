"""Q&A on a session, the service: asking (as oneself, anonymously, refused), voting once, the
approval flow and who moderates, and what each person sees."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from events.enums import AttendeeStatus, EventStatus, SanctionKind, TeamRole
from events.models import ChatSanction, QuestionStatus, QuestionVote, SessionQuestion
from events.services import session_questions as qa
from exhibits.models import BoothSession
from tests.factories import BoothFactory, EventFactory, SessionFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    event = EventFactory(status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event)
    return {
        "event": event,
        "session": session,
        "ada": AttendeeFactory(event=event, display_name="Ada", visible_to_others=True).user,
        "bo": AttendeeFactory(event=event, display_name="Bo", visible_to_others=False).user,
        "cy": AttendeeFactory(event=event, display_name="Cy", visible_to_others=True).user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
    }


def _approved(expo, text="Why?", by="ada"):
    question = qa.ask_question(expo["session"], text, by=expo[by])
    return qa.approve_question(question, by=expo["moderator"])


# --- Asking -----------------------------------------------------------------------------------


def test_ask_as_visible_attendee_names_them_and_waits_for_approval(expo):
    question = qa.ask_question(expo["session"], "  What does it cost?  ", by=expo["ada"])
    assert (question.text, question.author_label, question.anonymous, question.status) == (
        "What does it cost?",
        "Ada",
        False,
        QuestionStatus.PENDING,
    )
    assert qa.question_payload(question)["author"] == "Ada"


def test_ask_as_hidden_attendee_is_visitor(expo):
    question = qa.ask_question(expo["session"], "Hello?", by=expo["bo"])
    assert (question.author_label, qa.question_payload(question)["author"]) == ("Visitor", "Visitor")


def test_ask_anonymously_never_stores_or_shows_the_name(expo):
    question = qa.ask_question(expo["session"], "Is it safe?", anonymous=True, by=expo["ada"])
    question.refresh_from_db()
    assert (question.author_id, question.author_label, question.anonymous) == (expo["ada"].pk, "", True)
    payload = qa.question_payload(question)
    assert payload["author"] is None
    assert "Ada" not in str(payload)
    # Not even the moderator's list names them.
    listed = qa.questions_for(expo["session"], expo["moderator"])
    assert [(row["id"], row["author"]) for row in listed] == [(question.pk, None)]


def test_session_without_approval_publishes_at_once(expo):
    qa.set_needs_approval(expo["session"], False, by=expo["moderator"])
    question = qa.ask_question(expo["session"], "Now?", by=expo["ada"])
    assert question.status == QuestionStatus.APPROVED


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "qa.empty"),
        ("   \n ", "qa.empty"),
        (None, "qa.empty"),
        ("x" * 301, "qa.too_long"),
        ("a\nb\nc\nd\ne\nf", "qa.too_many_lines"),
    ],
)
def test_ask_bad_text_is_refused_and_nothing_saved(expo, text, code):
    with pytest.raises(qa.QuestionError) as refused:
        qa.ask_question(expo["session"], text, by=expo["ada"])
    assert refused.value.code == code
    assert refused.value.message  # says what to do
    assert SessionQuestion.objects.count() == 0


def test_ask_exactly_300_characters_is_accepted(expo):
    assert len(qa.ask_question(expo["session"], "x" * 300, by=expo["ada"]).text) == 300


@override_settings(QA_QUESTIONS_PER_WINDOW=2)
def test_ask_too_often_is_rate_limited(expo):
    qa.ask_question(expo["session"], "one", by=expo["ada"])
    qa.ask_question(expo["session"], "two", by=expo["ada"])
    with pytest.raises(qa.QuestionError) as refused:
        qa.ask_question(expo["session"], "three", by=expo["ada"])
    assert refused.value.code == "qa.rate_limited"
    assert "Try again in" in refused.value.message
    assert SessionQuestion.objects.count() == 2
    # Someone else is not held back by Ada's questions.
    assert qa.ask_question(expo["session"], "mine", by=expo["cy"]).pk


@pytest.mark.parametrize(("kind", "code"), [(SanctionKind.BAN, "qa.banned"), (SanctionKind.MUTE, "qa.muted")])
def test_ask_when_sanctioned_in_chat_is_refused(expo, kind, code):
    ChatSanction.objects.create(event=expo["event"], user=expo["ada"], kind=kind)
    with pytest.raises(qa.QuestionError) as refused:
        qa.ask_question(expo["session"], "Hi", by=expo["ada"])
    assert refused.value.code == code
    assert SessionQuestion.objects.count() == 0


def test_ask_when_not_confirmed_is_refused(expo):
    pending = AttendeeFactory(event=expo["event"], status=AttendeeStatus.PENDING).user
    with pytest.raises(qa.QuestionError) as refused:
        qa.ask_question(expo["session"], "Hi", by=pending)
    assert refused.value.code == "qa.not_attendee"
    assert SessionQuestion.objects.count() == 0


def test_ask_when_event_not_live_is_refused(expo):
    expo["event"].status = EventStatus.CLOSED
    expo["event"].save()
    with pytest.raises(qa.QuestionError) as refused:
        qa.ask_question(expo["session"], "Hi", by=expo["ada"])
    assert refused.value.code == "qa.event_not_live"
    assert SessionQuestion.objects.count() == 0


# --- Voting -----------------------------------------------------------------------------------


def test_vote_counts_once_per_person_and_can_be_taken_back(expo):
    question = _approved(expo)
    assert qa.vote_for_question(question, by=expo["bo"]).votes == 1
    assert qa.vote_for_question(question, by=expo["bo"]).votes == 1  # again: still one
    assert qa.vote_for_question(question, by=expo["cy"]).votes == 2
    assert qa.vote_for_question(question, up=False, by=expo["bo"]).votes == 1
    assert list(QuestionVote.objects.values_list("user_id", flat=True)) == [expo["cy"].pk]


def test_one_vote_per_person_is_held_by_the_database(expo):
    question = _approved(expo)
    QuestionVote.objects.create(question=question, user=expo["bo"])
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionVote.objects.create(question=question, user=expo["bo"])


def test_vote_on_own_or_pending_question_is_refused(expo):
    question = _approved(expo)
    with pytest.raises(qa.QuestionError) as own:
        qa.vote_for_question(question, by=expo["ada"])
    pending = qa.ask_question(expo["session"], "Later?", by=expo["cy"])
    with pytest.raises(qa.QuestionError) as waiting:
        qa.vote_for_question(pending, by=expo["bo"])
    assert (own.value.code, waiting.value.code) == ("qa.own_question", "qa.not_approved")
    assert QuestionVote.objects.count() == 0


def test_list_is_ordered_by_votes_then_age_with_the_pinned_on_top(expo):
    _first, second, third = (_approved(expo, text) for text in ("first", "second", "third"))
    qa.vote_for_question(third, by=expo["bo"])
    assert [row["text"] for row in qa.questions_for(expo["session"], expo["cy"])] == [
        "third",
        "first",
        "second",
    ]
    qa.pin_question(second, by=expo["moderator"])
    assert [row["text"] for row in qa.questions_for(expo["session"], expo["cy"])] == [
        "second",
        "third",
        "first",
    ]


# --- Moderation -------------------------------------------------------------------------------


def test_visitors_see_approved_and_their_own_pending(expo):
    approved = _approved(expo, "approved")
    mine = qa.ask_question(expo["session"], "mine", by=expo["bo"])
    qa.ask_question(expo["session"], "someone else's", by=expo["cy"])
    hidden = qa.hide_question(qa.ask_question(expo["session"], "rude", by=expo["cy"]), by=expo["moderator"])
    rows = qa.questions_for(expo["session"], expo["bo"])
    assert [(row["id"], row["status"], row["mine"]) for row in rows] == [
        (approved.pk, "approved", False),
        (mine.pk, "pending", True),
    ]
    team_rows = qa.questions_for(expo["session"], expo["moderator"])
    assert hidden.pk not in [row["id"] for row in team_rows]
    assert [row["text"] for row in team_rows] == ["approved", "mine", "someone else's"]


def test_pin_moves_the_pin_and_answer_marks_answered(expo):
    one, two = _approved(expo, "one"), _approved(expo, "two")
    qa.pin_question(one, by=expo["moderator"])
    qa.pin_question(two, by=expo["moderator"])
    one.refresh_from_db()
    assert (one.pinned, SessionQuestion.objects.get(pk=two.pk).pinned) == (False, True)
    qa.pin_question(two, pin=False, by=expo["moderator"])
    assert SessionQuestion.objects.filter(pinned=True).count() == 0
    assert qa.mark_answered(one, by=expo["moderator"]).answered_at is not None


@pytest.mark.parametrize("action", ["approve_question", "hide_question", "mark_answered", "pin_question"])
def test_only_moderators_moderate(expo, action):
    question = qa.ask_question(expo["session"], "Why?", by=expo["ada"])
    with pytest.raises(qa.QuestionError) as refused:
        getattr(qa, action)(question, by=expo["cy"])
    assert refused.value.code == "qa.not_allowed"
    question.refresh_from_db()
    assert (question.status, question.pinned, question.answered_at) == (QuestionStatus.PENDING, False, None)
    with pytest.raises(qa.QuestionError):
        qa.set_needs_approval(expo["session"], False, by=expo["cy"])


def test_staff_of_the_booth_a_session_is_at_moderate_and_other_staff_do_not(expo):
    booth = BoothFactory(event=expo["event"])
    BoothSession.objects.create(booth=booth, session=expo["session"])
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    other = StaffFactory(exhibitor=BoothFactory(event=expo["event"]).exhibitor).user
    question = qa.ask_question(expo["session"], "Why?", by=expo["ada"])
    assert qa.may_moderate(staff, expo["session"]) is True
    assert qa.may_moderate(other, expo["session"]) is False
    assert qa.approve_question(question, by=staff).status == QuestionStatus.APPROVED

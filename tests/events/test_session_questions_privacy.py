"""Q&A and personal data: "My data" holds one's questions and votes; deleting a registration takes
them away (and their votes out of the counts); shredding the event removes every question."""

from __future__ import annotations

import pytest

from events.enums import TeamRole
from events.models import QuestionVote, SessionQuestion
from events.services import session_questions as qa
from events.services.privacy import delete_registration, export_attendee_data
from events.shredder import shred_strategies
from tests.factories import SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(event):
    session = SessionFactory(event=event, title="Keynote")
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    ada, bo = AttendeeFactory(event=event), AttendeeFactory(event=event)
    mine = qa.approve_question(qa.ask_question(session, "Mine?", anonymous=True, by=ada.user), by=moderator)
    theirs = qa.approve_question(qa.ask_question(session, "Theirs?", by=bo.user), by=moderator)
    qa.vote_for_question(theirs, by=ada.user)
    qa.vote_for_question(mine, by=bo.user)
    return {"session": session, "ada": ada, "bo": bo, "mine": mine, "theirs": theirs}


def test_my_data_holds_own_questions_and_votes(asked):
    data = export_attendee_data(asked["ada"])["session_questions"]
    assert data == {
        "questions": [
            {
                "session": "Keynote",
                "text": "Mine?",
                "anonymous": True,
                "status": "approved",
                "asked_at": asked["mine"].created_at.isoformat(),
            }
        ],
        "votes": [{"session": "Keynote", "question": "Theirs?"}],
    }


def test_deleting_registration_removes_questions_and_votes(asked):
    delete_registration(asked["ada"], by=asked["ada"].user)
    assert list(SessionQuestion.objects.values_list("text", "votes")) == [("Theirs?", 0)]
    assert QuestionVote.objects.count() == 0  # hers, and Bo's on her question
    # Bo's own data is untouched.
    assert export_attendee_data(asked["bo"])["session_questions"]["questions"][0]["text"] == "Theirs?"


def test_shredding_the_event_exports_then_removes_every_question(asked, event):
    strategy = shred_strategies["events.session_questions"]
    assert [item.count for item in strategy.describe(event)] == [2, 2]
    exported = strategy.export(event)
    assert [row["text"] for row in exported["questions"]] == ["Mine?", "Theirs?"]
    assert exported["questions"][0]["author"] is None  # anonymous stays anonymous in the archive too
    assert strategy.shred(event) == {"session_questions": 2, "question_votes": 2}
    assert (SessionQuestion.objects.count(), QuestionVote.objects.count(), strategy.remaining(event)) == (
        0,
        0,
        0,
    )

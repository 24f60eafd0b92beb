"""Polls and personal data: "My data" holds one's votes; deleting a registration takes them away
(they no longer count, and the results' version moves); shredding the event removes every vote
and archives only the counts."""

from __future__ import annotations

import pytest

from events.enums import TeamRole
from events.models import PollVote, SessionPoll
from events.services import session_polls as polls
from events.services.privacy import delete_registration, export_attendee_data
from events.shredder import shred_strategies
from tests.factories import SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(event):
    session = SessionFactory(event=event, title="Keynote")
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    ada, bo = AttendeeFactory(event=event), AttendeeFactory(event=event)
    poll = polls.open_poll(polls.create_poll(session, "Lunch?", ["Yes", "No"], by=moderator), by=moderator)
    yes, no = poll.options.all()
    polls.cast_vote(poll, yes.pk, by=ada.user)
    polls.cast_vote(poll, no.pk, by=bo.user)
    return {"poll": poll, "ada": ada, "bo": bo, "yes": yes, "no": no}


def test_my_data_holds_own_votes(voted):
    vote = PollVote.objects.get(user=voted["ada"].user)
    assert export_attendee_data(voted["ada"])["poll_votes"] == [
        {"session": "Keynote", "poll": "Lunch?", "answer": "Yes", "voted_at": vote.voted_at.isoformat()}
    ]


def test_deleting_registration_removes_votes_from_the_results(voted):
    before = polls.results_of(voted["poll"])
    delete_registration(voted["ada"], by=voted["ada"].user)
    after = polls.results_of(voted["poll"])
    assert (after["counts"], after["total"]) == ({str(voted["yes"].pk): 0, str(voted["no"].pk): 1}, 1)
    assert after["version"] > before["version"]  # pages holding the old count take the next push
    assert list(PollVote.objects.values_list("user_id", flat=True)) == [voted["bo"].user_id]


def test_shredding_the_event_archives_counts_then_removes_every_vote(voted, event):
    strategy = shred_strategies["events.session_polls"]
    assert [item.count for item in strategy.describe(event)] == [2]
    exported = strategy.export(event)
    assert exported == {
        "polls": [
            {
                "id": voted["poll"].pk,
                "session": voted["poll"].session_id,
                "question": "Lunch?",
                "state": "open",
                "answers": [{"answer": "Yes", "votes": 1}, {"answer": "No", "votes": 1}],
            }
        ]
    }
    assert strategy.shred(event) == {"poll_votes": 2}
    assert (PollVote.objects.count(), strategy.remaining(event), SessionPoll.objects.count()) == (0, 0, 1)

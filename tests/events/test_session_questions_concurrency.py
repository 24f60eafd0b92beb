"""One vote per person per question when the same person's votes arrive at once (several tabs,
a double click): the unique constraint decides, and the count stays the number of vote rows.

The threaded test needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serialises writers, and
there the constraint itself is checked in test_session_questions_services.py.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from events.enums import TeamRole
from events.models import QuestionVote, SessionQuestion, User
from events.services import session_questions as qa
from tests.factories import SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

THREADS = 12
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakwon",
)


def _all_at_once(action) -> list[str]:
    """Run `action` in THREADS threads started together; the errors any of them raised."""
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            action()
        except Exception as error:  # a vote lost to a database error is a failure too
            errors.append(type(error).__name__)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_vote_sent_at_once_counts_once_and_so_does_taking_it_back():
    session = SessionFactory()
    moderator = TeamMemberFactory(event=session.event, role=TeamRole.MODERATOR).user
    asker, voter = AttendeeFactory(event=session.event).user, AttendeeFactory(event=session.event).user
    question = qa.approve_question(qa.ask_question(session, "Why?", by=asker), by=moderator)

    def vote(up: bool):
        return lambda: qa.vote_for_question(
            SessionQuestion.objects.get(pk=question.pk), up=up, by=User.objects.get(pk=voter.pk)
        )

    assert _all_at_once(vote(True)) == []
    assert (QuestionVote.objects.filter(question=question).count(), SessionQuestion.objects.get().votes) == (
        1,
        1,
    )
    assert _all_at_once(vote(False)) == []
    assert (QuestionVote.objects.count(), SessionQuestion.objects.get().votes) == (0, 0)

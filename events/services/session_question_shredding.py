"""Q&A's shred strategy: questions are attendees' words, so shredding the event removes them all
with their votes; one attendee leaving takes their questions and votes (out of the counts too)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Attendee, Event, QuestionVote, SessionQuestion
from ..shredder import ShredItem, ShredStrategy, shred_strategies


class SessionQuestionShredder(ShredStrategy):
    """Questions asked in sessions and the upvotes on them."""

    name = "events.session_questions"
    label = gettext_lazy("Questions in sessions")

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(_("Questions asked in sessions"), SessionQuestion.objects.filter(event=event).count()),
            ShredItem(_("Votes on questions"), QuestionVote.objects.filter(question__event=event).count()),
        ]

    def export(self, event: Event) -> dict[str, Any]:
        questions = SessionQuestion.objects.filter(event=event).order_by("id")
        return {
            "questions": [
                {
                    "id": question.pk,
                    "session": question.session_id,
                    # An anonymous question stays anonymous in the archive as on the page.
                    "author": None if question.anonymous else question.author_label,
                    "text": question.text,
                    "status": question.status,
                    "votes": question.votes,
                    "asked_at": question.created_at.isoformat(),
                }
                for question in questions.iterator(chunk_size=500)
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        votes = QuestionVote.objects.filter(question__event=event).delete()[0]
        return {
            "session_questions": SessionQuestion.objects.filter(event=event).delete()[0],
            "question_votes": votes,
        }

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        if attendee.user_id is None:
            return {}
        with transaction.atomic():
            theirs = QuestionVote.objects.filter(
                question__event_id=attendee.event_id, user_id=attendee.user_id
            )
            voted = list(theirs.values_list("question_id", flat=True))
            SessionQuestion.objects.filter(pk__in=voted, votes__gt=0).update(votes=F("votes") - 1)
            theirs.delete()
            asked = SessionQuestion.objects.filter(event_id=attendee.event_id, author_id=attendee.user_id)
            questions = asked.delete()[1].get(SessionQuestion._meta.label, 0)
        return {"session_questions": questions, "question_votes": len(voted)}


session_question_shredder = shred_strategies.register(SessionQuestionShredder.name, SessionQuestionShredder())

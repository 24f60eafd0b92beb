"""Polls' shred strategy: a vote links an attendee to an answer, so shredding the event removes
every vote (the archive keeps the counts, not who voted), and one attendee leaving takes their
votes out of the results. The polls themselves are the moderators' texts and stay."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Attendee, Event, PollVote, SessionPoll
from ..shredder import ShredItem, ShredStrategy, shred_strategies


class SessionPollShredder(ShredStrategy):
    """Votes in sessions' polls."""

    name = "events.session_polls"
    label = gettext_lazy("Votes in polls")

    def describe(self, event: Event) -> list[ShredItem]:
        return [ShredItem(_("Votes in polls"), PollVote.objects.filter(poll__event=event).count())]

    def export(self, event: Event) -> dict[str, Any]:
        polls = SessionPoll.objects.filter(event=event).prefetch_related("options").order_by("id")
        counts = dict(
            PollVote.objects.filter(poll__event=event)
            .values("option_id")
            .annotate(n=Count("id"))
            .values_list("option_id", "n")
        )
        return {
            "polls": [
                {
                    "id": poll.pk,
                    "session": poll.session_id,
                    "question": poll.question,
                    "state": poll.state,
                    "answers": [
                        {"answer": option.text, "votes": counts.get(option.pk, 0)}
                        for option in poll.options.all()
                    ],
                }
                for poll in polls
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        with transaction.atomic():
            deleted = PollVote.objects.filter(poll__event=event).delete()[0]
            SessionPoll.objects.filter(event=event).update(version=F("version") + 1)
        return {"poll_votes": deleted}

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        if attendee.user_id is None:
            return {}
        with transaction.atomic():
            theirs = PollVote.objects.filter(poll__event_id=attendee.event_id, user_id=attendee.user_id)
            polls = list(theirs.values_list("poll_id", flat=True))
            deleted = theirs.delete()[0]
            # Newer results without their vote: a page holding the older count takes the next push.
            SessionPoll.objects.filter(pk__in=polls).update(version=F("version") + 1)
        return {"poll_votes": deleted}


session_poll_shredder = shred_strategies.register(SessionPollShredder.name, SessionPollShredder())

"""The stage's shred strategy: who spoke on a session's stage and who raised a hand are people's
data, so shredding the event removes them; an attendee leaving takes their hands and speaker rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Attendee, Event, StageHand, StageSpeaker
from ..shredder import ShredItem, ShredStrategy, shred_strategies


class StageShredder(ShredStrategy):
    """Speakers named to sessions' stages and raised hands."""

    name = "events.stage"
    label = gettext_lazy("Speakers on stage and raised hands")

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(_("Speakers named to a stage"), StageSpeaker.objects.filter(event=event).count()),
            ShredItem(_("Raised hands"), StageHand.objects.filter(event=event).count()),
        ]

    def export(self, event: Event) -> dict[str, Any]:
        return {
            "stage_speakers": [
                {"session": row.session_id, "email": row.email, "accepted": row.accepted_at is not None}
                for row in StageSpeaker.objects.filter(event=event).order_by("id")
            ],
            "raised_hands": StageHand.objects.filter(event=event).count(),
        }

    def shred(self, event: Event) -> dict[str, int]:
        return {
            "stage_hands": StageHand.objects.filter(event=event).delete()[0],
            "stage_speakers": StageSpeaker.objects.filter(event=event).delete()[0],
        }

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        if attendee.user_id is None:
            return {}
        hands = StageHand.objects.filter(event_id=attendee.event_id, user_id=attendee.user_id).delete()[0]
        speakers = StageSpeaker.objects.filter(event_id=attendee.event_id, user_id=attendee.user_id).delete()[
            0
        ]
        return {"stage_hands": hands, "stage_speakers": speakers}


stage_shredder = shred_strategies.register(StageShredder.name, StageShredder())

"""A session's stage: the speakers named to it (an account, or an invitation link for an outside
speaker) and the hands the audience raises, one of which a moderator may bring on stage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event
from .invitation import InvitationBase
from .schedule import Session


class StageSpeaker(InvitationBase):
    """One speaker of a session's stage. Named by account: `user` is set at once. Invited by link:
    only the token's hash is kept (InvitationBase) until the invited address accepts it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stage_speakers")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="stage_speakers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="stage_speaker_once_per_session")
        ]

    def __str__(self) -> str:
        return f"session:{self.session_id} speaker #{self.pk}"

    @property
    def is_account(self) -> bool:
        return self.user_id is not None


class StageHand(models.Model):
    """An attendee's raised hand in a session; `on_stage_since` once a moderator brought them on."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stage_hands")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="stage_hands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    on_stage_since = models.DateTimeField(_("on stage since"), null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="stage_one_hand_per_person")]

    def __str__(self) -> str:
        return f"session:{self.session_id} hand #{self.pk}"

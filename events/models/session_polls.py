"""Polls a session's moderators put to its audience: the question, its answers, and one vote per
attendee (which they may change while the poll is open)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .event import Event
from .schedule import Session


class PollState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("a poll's state", "Open")
    CLOSED = "closed", _("Closed")


class SessionPoll(models.Model):
    """One poll. Its texts are written live by a moderator in the session's language, like a
    question asked in it, so they have no per-language versions. `version` grows with every vote
    cast, changed or forgotten, in the same transaction: a page never shows older results than it
    has."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_polls")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=settings.POLL_QUESTION_MAX_CHARS)
    state = models.CharField(_("state"), max_length=8, choices=PollState.choices, default=PollState.DRAFT)
    results_while_open = models.BooleanField(
        _("the audience sees the results while it is open"), default=True
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["session", "state"], name="poll_session_state")]

    def __str__(self) -> str:
        return f"session:{self.session_id} poll #{self.pk}"


class PollOption(models.Model):
    poll = models.ForeignKey(SessionPoll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=settings.POLL_OPTION_MAX_CHARS)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"poll #{self.poll_id} answer #{self.pk}"


class PollVote(models.Model):
    """One attendee's vote: the account is all it keeps of them, so deleting their registration
    deletes it. The unique constraint, not a check before insert, makes it one per person."""

    poll = models.ForeignKey(SessionPoll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_one_vote_per_person")]

    def __str__(self) -> str:
        return f"vote in poll #{self.poll_id}"

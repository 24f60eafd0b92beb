"""Questions the audience asks in a session, their upvotes, and whether a session's questions wait
for a moderator's approval (not the registration form's Question: that one is asked of attendees)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event
from .schedule import Session


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    HIDDEN = "hidden", _("Hidden")


class SessionQuestion(models.Model):
    """One question; `author` is kept even when anonymous (for shredding and abuse handling) but
    an anonymous question's name is never stored, so nothing can show it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_questions")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    # SET_NULL only for accounts closed outright; deleting a registration deletes the question.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # The name shown as it was when asked: "" when anonymous, "Visitor" for those not visible.
    author_label = models.CharField(_("asked by"), max_length=120, blank=True)
    text = models.CharField(_("question"), max_length=settings.QA_QUESTION_MAX_CHARS)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)  # QuestionVote rows, kept in step
    pinned = models.BooleanField(_("pinned"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["-pinned", "-votes", "created_at", "id"]
        indexes = [models.Index(fields=["session", "status"], name="qa_session_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(pinned=True), name="qa_one_pinned_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"session:{self.session_id} question #{self.pk}"


class QuestionVote(models.Model):
    """One person's upvote; the unique constraint, not a check before insert, makes it one."""

    question = models.ForeignKey(SessionQuestion, on_delete=models.CASCADE, related_name="vote_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="qa_one_vote_per_person")]

    def __str__(self) -> str:
        return f"vote on question #{self.question_id}"


class SessionQuestionSettings(models.Model):
    """Per session; a session without a row needs approval (the safe default)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="question_settings")
    needs_approval = models.BooleanField(_("questions need approval first"), default=True)

    def __str__(self) -> str:
        return f"questions of session:{self.session_id}"

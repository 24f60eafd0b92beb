"""A visitor's bookmarks (booths and sessions) and the private address of their calendar feed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Session

from .booth import Booth


class Bookmark(models.Model):
    """One booth or one session an attendee marked to come back to."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="bookmarks")
    booth = models.ForeignKey(Booth, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booth__isnull=False, session__isnull=True)
                | models.Q(booth__isnull=True, session__isnull=False),
                name="bookmark_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["attendee", "booth"],
                condition=models.Q(booth__isnull=False),
                name="bookmark_booth_once",
            ),
            models.UniqueConstraint(
                fields=["attendee", "session"],
                condition=models.Q(session__isnull=False),
                name="bookmark_session_once",
            ),
        ]

    def __str__(self) -> str:
        return f"attendee {self.attendee_id} → {'booth ' if self.booth_id else 'session '}{self.target_id}"

    @property
    def target_id(self) -> int | None:
        return self.booth_id or self.session_id


class CalendarFeed(models.Model):
    """The secret in the address of an attendee's calendar feed of bookmarked sessions.

    Kept in plain text so the attendee can see the address again at any time: it is a capability
    URL that only reveals which public sessions they bookmarked, which the database holds anyway.
    Renewing replaces the token, so the old address stops working.
    """

    attendee = models.OneToOneField(Attendee, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of attendee {self.attendee_id}"

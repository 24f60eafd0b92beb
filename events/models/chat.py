"""Chat in the live event: booth, session and announcement rooms, and moderators' sanctions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import ChatRole, SanctionKind
from .event import Event

ANNOUNCEMENTS_ROOM = "announcements"


class ChatMessage(models.Model):
    """One message, stored before it is broadcast; deleting only hides it (deleted_at)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="chat_messages")
    # "booth:<id>", "session:<id>" or "announcements": a key, so events needs no exhibits import.
    room = models.CharField(_("room"), max_length=40)
    # SET_NULL: shredding or closing an account leaves the message as "a deleted attendee".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name shown as it was when sent: attendees who chose not to be seen stay "Visitor".
    author_label = models.CharField(_("author"), max_length=120)
    author_role = models.CharField(_("role"), max_length=12, choices=ChatRole.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["event", "room", "id"], name="chat_room_order")]

    def __str__(self) -> str:
        return f"{self.room} #{self.pk}"


class ChatSanction(models.Model):
    """A mute (read-only) or ban (no socket at all) of one user in one event, until lifted."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="chat_sanctions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=SanctionKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "user"], name="chat_sanction_user")]

    def __str__(self) -> str:
        return f"{self.kind} user:{self.user_id} @ {self.event_id}"

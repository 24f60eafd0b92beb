"""The chat's shred strategy: message texts are kept for the record only until the event's
personal data is shredded; then texts go and authors become "deleted attendee"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import ChatRole
from ..models import Attendee, ChatMessage, ChatSanction, Event
from ..shredder import ShredItem, ShredStrategy, shred_strategies

DELETED_AUTHOR = "deleted attendee"  # stored, not shown translated: a fixed marker


def _with_personal_data(event: Event):
    # Team and staff names are their public roles at the event; only attendees' words and names
    # and any link to an account count as personal data here.
    attendee_words = Q(author_role=ChatRole.ATTENDEE) & (~Q(text="") | ~Q(author_label=DELETED_AUTHOR))
    return ChatMessage.objects.filter(event=event).filter(Q(author__isnull=False) | attendee_words)


class ChatShredder(ShredStrategy):
    """Chat: attendees' message texts and who wrote them; mutes and bans."""

    name = "events.chat"
    label = gettext_lazy("Chat messages")

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(_("Chat messages with a text or an author"), _with_personal_data(event).count()),
            ShredItem(_("Chat mutes and bans"), ChatSanction.objects.filter(event=event).count()),
        ]

    def export(self, event: Event) -> dict[str, Any]:
        messages = ChatMessage.objects.filter(event=event).order_by("id")
        return {
            "messages": [
                {
                    "id": message.pk,
                    "room": message.room,
                    "author": message.author_label,
                    "role": message.author_role,
                    "text": message.text,
                    "sent_at": message.created_at.isoformat(),
                    "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
                }
                for message in messages.iterator(chunk_size=500)
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        messages = ChatMessage.objects.filter(event=event)
        # Organisers' and staff's messages keep their text (announcements, answers) but lose the
        # link to an account; attendees' messages lose both text and name.
        counts = {
            "chat_messages": messages.filter(author_role=ChatRole.ATTENDEE).update(
                text="", author=None, author_label=DELETED_AUTHOR, deleted_by=None
            ),
        }
        counts["chat_messages"] += messages.exclude(author_role=ChatRole.ATTENDEE).update(
            author=None, deleted_by=None
        )
        counts["chat_sanctions"] = ChatSanction.objects.filter(event=event).delete()[0]
        return counts

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        """One attendee leaves: their messages lose text and name at once (the thread keeps its
        shape: "deleted attendee" said something). A mute or ban stays with the account, so
        deleting a registration is no way around it."""
        if attendee.user_id is None:
            return {}
        messages = ChatMessage.objects.filter(event_id=attendee.event_id)
        counts = {
            "chat_messages": messages.filter(
                author_id=attendee.user_id, author_role=ChatRole.ATTENDEE
            ).update(text="", author=None, author_label=DELETED_AUTHOR, deleted_by=None)
        }
        # Messages they took back themselves stop naming who did.
        messages.filter(deleted_by_id=attendee.user_id).update(deleted_by=None)
        return counts


chat_shredder = shred_strategies.register(ChatShredder.name, ChatShredder())

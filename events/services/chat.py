"""Chat: posting (stored before any broadcast), history and resume, deletion, mutes and bans.

Rooms are keys: "announcements", and "<kind>:<id>" for each kind of place registered with a chat
(events.registry.presence_places: the event's sessions, and the places other apps add). Who is a
place's staff is asked of events.registry.event_roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AuditAction, ChatRole, SanctionKind
from ..errors import ChatError
from ..models import Attendee, ChatMessage, ChatSanction, Event, User
from ..models.chat import ANNOUNCEMENTS_ROOM
from ..registry import event_roles, presence_places
from ..rules import is_event_team
from .audit import record_audit

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Room:
    key: str
    kind: str  # a place kind with a chat ("session"...) or "announcements"
    target_id: int | None


def find_room(event: Event, key: Any) -> Room:
    """The room `key` names in `event`, or ChatError("chat.no_such_room")."""
    missing = ChatError(_("There is no such chat here; reload the page."), code="chat.no_such_room")
    if not isinstance(key, str):
        raise missing
    if key == ANNOUNCEMENTS_ROOM:
        return Room(key, "announcements", None)
    kind, _sep, raw_id = key.partition(":")
    place_kind = presence_places.get(kind)
    if place_kind is None or not place_kind.chat or not raw_id.isdigit() or len(raw_id) > 12:
        raise missing
    if place_kind.find(event, int(raw_id)) is None:
        raise missing
    return Room(key, kind, int(raw_id))


def _is_staff_at(user: User, room_key: str) -> bool:
    """Staff of the place whose chat this is (another app's role there, registry.event_roles)."""
    kind, _sep, raw_id = (room_key or "").partition(":")
    return raw_id.isdigit() and event_roles.is_staff_at(user, kind, int(raw_id))


def author_of(user: User, event: Event) -> tuple[str, str]:
    """(label, role) as others will see them: the team and staff by name, attendees by their
    public name only if they chose to be visible."""
    if is_event_team(user, event):
        return user.display_name or user.email, ChatRole.TEAM
    if event_roles.has_role(user, event):
        return user.display_name or user.email, ChatRole.STAFF
    attendee = Attendee.objects.filter(event=event, user=user).first()
    name = attendee.public_name if attendee else None
    return name or str(_("Visitor")), ChatRole.ATTENDEE


def active_sanction(event: Event, user: User) -> str | None:
    """ "ban", "mute" or None; a ban outranks a mute."""
    kinds = set(
        ChatSanction.objects.filter(event=event, user=user, lifted_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    if SanctionKind.BAN in kinds:
        return SanctionKind.BAN
    return SanctionKind.MUTE if SanctionKind.MUTE in kinds else None


def is_banned(event: Event, user: User) -> bool:
    return active_sanction(event, user) == SanctionKind.BAN


def message_payload(message: ChatMessage) -> dict[str, Any]:
    """A message as the socket sends it; deleted messages keep their place but lose their text."""
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "room": message.room,
        "author": message.author_label,
        "role": message.author_role,
        "role_label": str(
            event_roles.chat_label()
            if message.author_role == ChatRole.STAFF
            else ChatRole(message.author_role).label
        ),
        "text": "" if deleted else message.text,
        "deleted": deleted,
        "sent_at": message.created_at.isoformat(),
    }


def _clean_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ChatError(_("Write a message before sending."), code="chat.empty")
    text = text.strip()
    if len(text) > settings.CHAT_MAX_CHARS:
        raise ChatError(
            _("A message may have at most %(max)s characters; shorten it and send again.")
            % {"max": settings.CHAT_MAX_CHARS},
            code="chat.too_long",
        )
    return text


def post_message(event: Event, room_key: Any, text: Any, *, by: User) -> ChatMessage:
    """Store a message; the caller broadcasts it only after this returns."""
    room = find_room(event, room_key)
    text = _clean_text(text)
    sanction = active_sanction(event, by)
    if sanction == SanctionKind.BAN:
        raise ChatError(_("You have been removed from this event's chat."), code="chat.banned")
    if sanction == SanctionKind.MUTE:
        raise ChatError(_("A moderator has muted you: you can read but not write."), code="chat.muted")
    if room.kind == "announcements" and not is_event_team(by, event):
        raise ChatError(_("Only the organisers post announcements."), code="chat.announcements_only_team")
    label, role = author_of(by, event)
    return ChatMessage.objects.create(
        event=event, room=room.key, author=by, author_label=label, author_role=role, text=text
    )


def history(
    event: Event, room_key: Any, *, before_id: Any = None, limit: int = HISTORY_LIMIT
) -> list[ChatMessage]:
    """The last `limit` messages of a room (before `before_id` if given), oldest first."""
    room = find_room(event, room_key)
    messages = ChatMessage.objects.filter(event=event, room=room.key)
    if before_id is not None:
        messages = messages.filter(pk__lt=_message_id(before_id))
    return list(reversed(messages.order_by("-id")[:limit]))


def since(event: Event, room_key: Any, after_id: Any, *, limit: int = 500) -> list[ChatMessage]:
    """What a reconnecting client missed: messages after `after_id`, oldest first."""
    room = find_room(event, room_key)
    messages = ChatMessage.objects.filter(event=event, room=room.key, pk__gt=_message_id(after_id))
    return list(messages.order_by("id")[:limit])


def _message_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChatError(_("A message id must be a whole number."), code="chat.bad_id")
    return value


def may_delete(message: ChatMessage, user: User) -> bool:
    if is_event_team(user, message.event):
        return True
    return _is_staff_at(user, message.room)


def moderation_level(event: Event, room_key: str, user: User) -> str:
    """What `user` may do to others' messages in a room: "sanction" (the team: delete, mute,
    ban), "delete" (the place's staff in its chat) or "" (nothing)."""
    if is_event_team(user, event):
        return "sanction"
    if _is_staff_at(user, room_key):
        return "delete"
    return ""


def delete_message(event: Event, message_id: Any, *, by: User) -> ChatMessage:
    """Hide a message (the team anywhere, a place's staff in its chat); audited."""
    with transaction.atomic():
        message = (
            ChatMessage.objects.select_for_update().filter(event=event, pk=_message_id(message_id)).first()
        )
        if message is None:
            raise ChatError(_("That message no longer exists."), code="chat.no_such_message")
        if not may_delete(message, by):
            raise ChatError(
                _("Only the staff of this place and the organisers may delete messages."),
                code="chat.not_allowed",
            )
        if message.deleted_at is None:
            message.deleted_at, message.deleted_by = timezone.now(), by
            message.save(update_fields=["deleted_at", "deleted_by"])
            record_audit(event, AuditAction.CHAT_MESSAGE_DELETED, by=by, subject=f"chat:{message.pk}", rows=1)
    return message


def sanction(event: Event, user_id: Any, kind: str, *, by: User) -> ChatSanction:
    """Mute or ban someone in the event (the team only; never a team member); audited."""
    if not is_event_team(by, event):
        raise ChatError(_("Only the organisers may mute or ban."), code="chat.not_allowed")
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ChatError(_("Choose a person to mute or ban."), code="chat.no_such_user")
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise ChatError(_("That person is not in this event."), code="chat.no_such_user")
    if is_event_team(target, event):
        raise ChatError(_("Organisers cannot be muted or banned."), code="chat.cannot_sanction")
    action = AuditAction.ATTENDEE_BANNED if kind == SanctionKind.BAN else AuditAction.ATTENDEE_MUTED
    with transaction.atomic():
        record = ChatSanction.objects.create(event=event, user=target, kind=kind, created_by=by)
        attendee = Attendee.objects.filter(event=event, user=target).first()
        subject = f"attendee:{attendee.pk}" if attendee else f"user:{target.pk}"
        record_audit(event, action, by=by, subject=subject, rows=1)
    return record


def sanction_author(event: Event, message_id: Any, kind: str, *, by: User) -> ChatSanction:
    """Mute or ban whoever wrote a message: moderators act on what they see, not on user ids
    (which the chat never shows)."""
    if not is_event_team(by, event):
        raise ChatError(_("Only the organisers may mute or ban."), code="chat.not_allowed")
    message = ChatMessage.objects.filter(event=event, pk=_message_id(message_id)).first()
    if message is None:
        raise ChatError(_("That message no longer exists."), code="chat.no_such_message")
    if message.author_id is None:
        raise ChatError(_("The author of that message has left the event."), code="chat.no_such_user")
    return sanction(event, message.author_id, kind, by=by)


def active_sanctions(event: Event) -> list[dict[str, Any]]:
    """The mutes and bans in force, newest first, as the moderation page lists them."""
    sanctions = ChatSanction.objects.filter(event=event, lifted_at__isnull=True).select_related(
        "user", "created_by"
    )
    attendees = {
        attendee.user_id: attendee
        for attendee in Attendee.objects.filter(event=event, user__in=[s.user_id for s in sanctions])
    }
    rows = []
    for record in sanctions:
        attendee = attendees.get(record.user_id)
        name = (attendee.display_name if attendee else "") or record.user.display_name or record.user.email
        by = record.created_by
        rows.append(
            {
                "sanction": record,
                "name": name,
                "email": attendee.email if attendee else record.user.email,
                "by": (by.display_name or by.email) if by else "",
            }
        )
    return rows


def lift_sanction(event: Event, sanction_id: Any, *, by: User) -> ChatSanction:
    """End a mute or ban (the team only); audited. Lifting one already lifted changes nothing."""
    if not is_event_team(by, event):
        raise ChatError(_("Only the organisers may lift a mute or ban."), code="chat.not_allowed")
    with transaction.atomic():
        record = (
            ChatSanction.objects.select_for_update()
            .filter(event=event, pk=_message_id(sanction_id))
            .select_related("user")
            .first()
        )
        if record is None:
            raise ChatError(_("That mute or ban no longer exists."), code="chat.no_such_sanction")
        if record.lifted_at is None:
            record.lifted_at = timezone.now()
            record.save(update_fields=["lifted_at"])
            attendee = Attendee.objects.filter(event=event, user=record.user).first()
            subject = f"attendee:{attendee.pk}" if attendee else f"user:{record.user_id}"
            details = {"kind": record.kind}
            record_audit(event, AuditAction.SANCTION_LIFTED, by=by, subject=subject, rows=1, details=details)
    return record


def mute(event: Event, user_id: Any, *, by: User) -> ChatSanction:
    return sanction(event, user_id, SanctionKind.MUTE, by=by)


def ban(event: Event, user_id: Any, *, by: User) -> ChatSanction:
    return sanction(event, user_id, SanctionKind.BAN, by=by)


def attendee_messages(attendee: Attendee) -> list[dict[str, Any]]:
    """An attendee's own chat messages in their event, for their data download ("My data")."""
    messages = ChatMessage.objects.filter(event=attendee.event, author=attendee.user).order_by("id")
    return [
        {
            "room": message.room,
            "text": message.text,
            "sent_at": message.created_at.isoformat(),
            "deleted": message.deleted_at is not None,
        }
        for message in messages
    ]

"""What a chat room offers the person looking at it: `{% chat_moderation chat_room as level %}`, and
how it names staff: `{% chat_staff_label %}` (as the registered role names itself)."""

from __future__ import annotations

from django import template

from ..registry import event_roles
from ..services.chat import moderation_level

register = template.Library()


@register.simple_tag(takes_context=True)
def chat_moderation(context, room: str) -> str:
    """ "sanction" (delete, mute, ban), "delete" or "" for the request's user in this room."""
    request, event = context.get("request"), context.get("event")
    if request is None or event is None or not request.user.is_authenticated:
        return ""
    return moderation_level(event, room, request.user)


@register.simple_tag
def chat_staff_label() -> str:
    return str(event_roles.chat_label())

"""Chat on the live socket: booth, session and announcement rooms. Transcript in docs/protocol.md.

-> {"id": 1, "type": "chat.join", "data": {"room": "booth:12"}}
<- {"id": 1, "type": "ok", "data": {"room": "booth:12", "messages": [...last 50...]}}
-> {"id": 2, "type": "chat.send", "data": {"room": "booth:12", "text": "Hello"}}
<- {"id": 2, "type": "ok", "data": {"id": 345}}
<= {"type": "chat.message", "data": {"id": 345, "room": "booth:12", "author": "Visitor", ...}}
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from events.enums import SanctionKind
from events.errors import ChatError
from events.permissions import ENTER_EVENT, MANAGE_EVENT
from events.registry import connect_guards, socket_handlers
from events.services import chat
from events.services.chat import Room

from .connection import LiveConnection
from .groups import chat_group, close_user, push_to_group
from .pushes import ChatDeleted

ENTER = ENTER_EVENT
MODERATE = MANAGE_EVENT


@database_sync_to_async
def readable_room(connection: LiveConnection, data: dict) -> Room:
    """The loader of the room a reading frame names: a banned reader is told so first, then
    a room that is not in this event."""
    if chat.is_banned(connection.event, connection.user):
        raise ChatError(_("You have been removed from this event's chat."), code="chat.banned")
    return chat.find_room(connection.event, data.get("room"))


@database_sync_to_async
def _history(connection: LiveConnection, room: Room, before=None) -> list[dict]:
    messages = chat.history(connection.event, room.key, before_id=before)
    return [chat.message_payload(message) for message in messages]


@database_sync_to_async
def _since(connection: LiveConnection, room: Room, after) -> list[dict]:
    return [chat.message_payload(message) for message in chat.since(connection.event, room.key, after)]


@database_sync_to_async
def _post(connection: LiveConnection, room, text) -> dict:
    return chat.message_payload(chat.post_message(connection.event, room, text, by=connection.user))


@database_sync_to_async
def _delete(connection: LiveConnection, message_id) -> dict:
    return chat.message_payload(chat.delete_message(connection.event, message_id, by=connection.user))


@database_sync_to_async
def _sanction(connection: LiveConnection, data: dict, kind: str) -> int:
    """By the message a moderator sees ({"message": id}) or, for tools, by user ({"user": id})."""
    if "message" in data:
        return chat.sanction_author(connection.event, data.get("message"), kind, by=connection.user).user_id
    return chat.sanction(connection.event, data.get("user"), kind, by=connection.user).user_id


@socket_handlers.register("chat.join", permission=ENTER, load=readable_room)
async def join(connection: LiveConnection, data: dict, room: Room) -> dict:
    messages = await _history(connection, room)
    await connection.join_group(chat_group(connection.event.pk, room.key))
    return {"room": room.key, "messages": messages}


@socket_handlers.register("chat.leave", permission=ENTER)
async def leave(connection: LiveConnection, data: dict) -> dict:
    room = data.get("room")
    if isinstance(room, str):
        await connection.leave_group(chat_group(connection.event.pk, room[:40]))
    return {}


@socket_handlers.register("chat.history", permission=ENTER, load=readable_room)
async def history(connection: LiveConnection, data: dict, room: Room) -> dict:
    return {"room": room.key, "messages": await _history(connection, room, data.get("before"))}


@socket_handlers.register("chat.since", permission=ENTER, load=readable_room)
async def since(connection: LiveConnection, data: dict, room: Room) -> dict:
    return {"room": room.key, "messages": await _since(connection, room, data.get("after"))}


@socket_handlers.register("chat.send", permission=ENTER)
async def send(connection: LiveConnection, data: dict) -> dict:
    # Stored first: a process dying after this line loses nothing a client cannot fetch again.
    message = await _post(connection, data.get("room"), data.get("text"))
    await push_to_group(chat_group(connection.event.pk, message["room"]), "chat.message", message)
    return {"id": message["id"]}


@socket_handlers.register("chat.delete", permission=ENTER)
async def delete(connection: LiveConnection, data: dict) -> dict:
    message = await _delete(connection, data.get("id"))
    pushed = ChatDeleted(id=message["id"], room=message["room"])
    await push_to_group(chat_group(connection.event.pk, message["room"]), "chat.deleted", pushed)
    return pushed


@socket_handlers.register("chat.mute", permission=MODERATE)
async def mute(connection: LiveConnection, data: dict) -> dict:
    return {"user": await _sanction(connection, data, SanctionKind.MUTE)}


@socket_handlers.register("chat.ban", permission=MODERATE)
async def ban(connection: LiveConnection, data: dict) -> dict:
    user_id = await _sanction(connection, data, SanctionKind.BAN)
    # Every tab of theirs closes now; the connect guard below refuses them from then on.
    await close_user(connection.event.pk, user_id)
    return {"user": user_id}


connect_guards.register("chat.ban", lambda user, event: chat.is_banned(event, user))

"""The events app's socket handlers declare, with the registry, the loader of the object their
frame names (events.registry.SocketHandler.load): the handler gets the object, and loading and
refusing happen in one declared place instead of inline (events/live/*_handlers.py)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus, SanctionKind
from events.errors import ChatError
from events.live.presence.places import PresenceError
from events.models import ChatSanction
from events.registry import PresencePlace, socket_handlers
from events.services.chat import Room
from tests.events.presence_helpers import fresh_presence  # noqa: F401
from tests.factories import EventFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

LIVE = Path(__file__).resolve().parents[3] / "events" / "live"
# The frames that name an object (a place, a chat room) in their data, or the lobby of the event.
NAMING_AN_OBJECT = (
    "lobby.enter",
    "hall.enter",
    "booth.enter",
    "session.enter",
    "presence.who",
    "chat.join",
    "chat.history",
    "chat.since",
)
# Finding or refusing the object inline, in a handler's own body, is what the loaders replace.
INLINE = {("places", "find"), ("chat", "find_room"), ("chat", "is_banned")}


def test_every_frame_naming_an_object_declares_its_loader():
    missing = [frame for frame in NAMING_AN_OBJECT if socket_handlers[frame].load is None]
    assert missing == []


def _loaders(tree: ast.Module) -> set[str]:
    """The names a module hands to register(load=...): a loader, or what makes one."""
    given = [
        keyword.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "load"
    ]
    return {
        (value.func if isinstance(value, ast.Call) else value).id
        for value in given
        if isinstance(value.func if isinstance(value, ast.Call) else value, ast.Name)
    }


def test_no_handler_loads_or_refuses_its_object_inline():
    """Neither a handler nor a helper it calls: only the declared loaders may."""
    found = []
    for module in ("socket_handlers.py", "chat_handlers.py", "dashboard_handlers.py"):
        tree = ast.parse((LIVE / module).read_text())
        loaders = _loaders(tree)
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name in loaders:
                continue
            for node in ast.walk(function):
                call = node.func if isinstance(node, ast.Call) else None
                named = isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name)
                if named and (call.value.id, call.attr) in INLINE:
                    found.append(f"{module}:{function.name} calls {call.value.id}.{call.attr}")
    assert found == []


@pytest.mark.usefixtures("fresh_presence")
@pytest.mark.django_db(transaction=True)
async def test_the_place_loaders_find_the_place_or_refuse_with_the_presence_codes():
    event = await database_sync_to_async(EventFactory)(slug="loaders", status=EventStatus.PUBLISHED)
    connection = SimpleNamespace(event=event)
    lobby = await socket_handlers["lobby.enter"].load(connection, {})
    assert lobby == PresencePlace("lobby", event.pk)
    with pytest.raises(PresenceError) as not_a_number:
        await socket_handlers["booth.enter"].load(connection, {"booth": "12"})
    with pytest.raises(PresenceError) as nowhere:
        await socket_handlers["session.enter"].load(connection, {"session": 999_999})
    assert (not_a_number.value.code, nowhere.value.code) == ("presence.invalid", "presence.no_place")


@pytest.mark.django_db(transaction=True)
async def test_the_room_loader_finds_the_room_and_refuses_a_banned_reader_first():
    event = await database_sync_to_async(EventFactory)(slug="rooms", status=EventStatus.PUBLISHED)
    attendee = await database_sync_to_async(AttendeeFactory)(event=event)
    connection = SimpleNamespace(event=event, user=attendee.user)
    load = socket_handlers["chat.join"].load
    assert await load(connection, {"room": "announcements"}) == Room("announcements", "announcements", None)
    with pytest.raises(ChatError) as unknown:
        await load(connection, {"room": "nowhere:1"})
    moderator = await database_sync_to_async(TeamMemberFactory)(event=event)
    await database_sync_to_async(ChatSanction.objects.create)(
        event=event, user=attendee.user, kind=SanctionKind.BAN, created_by=moderator.user
    )
    with pytest.raises(ChatError) as banned:
        await load(connection, {"room": "nowhere:1"})  # the ban is said first, as before
    assert (unknown.value.code, banned.value.code) == ("chat.no_such_room", "chat.banned")

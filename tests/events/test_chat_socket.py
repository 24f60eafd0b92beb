"""Chat transcripts on the live socket: join, send and push, history, resume, moderation."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from events.enums import EventStatus, TeamRole
from events.models import ChatMessage
from rakwon_site.asgi import application
from tests.factories import BoothFactory, EventFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(user, slug: str) -> WebsocketCommunicator:
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


async def _ask(communicator, frame_id, frame_type, **data) -> dict:
    await communicator.send_to(text_data=json.dumps({"id": frame_id, "type": frame_type, "data": data}))
    return json.loads(await communicator.receive_from())


async def _next(communicator) -> dict:
    return json.loads(await communicator.receive_from())


@database_sync_to_async
def _expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    visible = AttendeeFactory(event=event, display_name="Ada", visible_to_others=True).user
    hidden = AttendeeFactory(event=event, display_name="Bo", visible_to_others=False).user
    return event, f"booth:{booth.pk}", staff, moderator, visible, hidden


async def test_send_gets_ok_with_id_then_push_to_another_member():
    event, room, staff, _mod, ada, _bo = await _expo("chat-send")
    sender, listener = await _connect(ada, event.slug), await _connect(staff, event.slug)
    assert await _ask(listener, 1, "chat.join", room=room) == {
        "id": 1,
        "type": "ok",
        "data": {"room": room, "messages": []},
    }
    assert (await _ask(sender, 1, "chat.join", room=room))["type"] == "ok"
    reply = await _ask(sender, 2, "chat.send", room=room, text="Hello <script>alert(1)</script>")
    stored = await database_sync_to_async(ChatMessage.objects.get)()
    assert reply == {"id": 2, "type": "ok", "data": {"id": stored.pk}}
    pushed = await _next(listener)
    assert pushed["type"] == "chat.message"
    assert "id" not in pushed
    assert (
        pushed["data"]["id"],
        pushed["data"]["text"],
        pushed["data"]["author"],
        pushed["data"]["role"],
    ) == (
        stored.pk,
        "Hello <script>alert(1)</script>",
        "Ada",
        "attendee",
    )
    assert (await _next(sender))["data"]["id"] == stored.pk  # the sender's own copy
    await sender.disconnect()
    await listener.disconnect()


async def test_hidden_attendee_is_pushed_as_visitor():
    event, room, _staff, _mod, _ada, bo = await _expo("chat-hidden")
    socket = await _connect(bo, event.slug)
    await _ask(socket, 1, "chat.join", room=room)
    await _ask(socket, 2, "chat.send", room=room, text="hi")
    assert (await _next(socket))["data"]["author"] == "Visitor"
    await socket.disconnect()


@pytest.mark.parametrize(
    ("text", "code"), [("", "chat.empty"), ("   ", "chat.empty"), ("x" * 1001, "chat.too_long")]
)
async def test_send_bad_text_gets_error_and_nothing_is_stored(text, code):
    event, room, _staff, _mod, ada, _bo = await _expo(f"chat-bad-{code[5:]}-{len(text)}")
    socket = await _connect(ada, event.slug)
    reply = await _ask(socket, 3, "chat.send", room=room, text=text)
    assert (reply["id"], reply["type"], reply["code"]) == (3, "error", code)
    assert await database_sync_to_async(ChatMessage.objects.count)() == 0
    await socket.disconnect()


async def test_join_unknown_room_gets_error():
    event, _room, _staff, _mod, ada, _bo = await _expo("chat-noroom")
    socket = await _connect(ada, event.slug)
    reply = await _ask(socket, 1, "chat.join", room="booth:987654")
    assert (reply["type"], reply["code"]) == ("error", "chat.no_such_room")
    await socket.disconnect()


async def test_history_pages_and_since_resumes_after_reconnect():
    event, room, staff, _mod, ada, _bo = await _expo("chat-history")
    socket = await _connect(ada, event.slug)
    for n in range(55):
        assert (await _ask(socket, n, "chat.send", room=room, text=f"m{n}"))["type"] == "ok"
    await socket.disconnect()
    ids = await database_sync_to_async(lambda: list(ChatMessage.objects.values_list("pk", flat=True)))()
    socket = await _connect(ada, event.slug)
    joined = await _ask(socket, 1, "chat.join", room=room)
    assert [message["id"] for message in joined["data"]["messages"]] == ids[5:]
    older = await _ask(socket, 2, "chat.history", room=room, before=ids[5])
    assert [message["id"] for message in older["data"]["messages"]] == ids[:5]
    # Someone else writes while this client is away; on reconnect it asks for what it missed.
    await socket.disconnect()
    other = await _connect(staff, event.slug)
    missed = (await _ask(other, 1, "chat.send", room=room, text="while you were away"))["data"]["id"]
    await other.disconnect()
    socket = await _connect(ada, event.slug)
    resumed = await _ask(socket, 3, "chat.since", room=room, after=ids[-1])
    assert [(m["id"], m["text"]) for m in resumed["data"]["messages"]] == [(missed, "while you were away")]
    await socket.disconnect()


async def test_delete_by_staff_pushes_deleted_and_others_are_refused():
    event, room, staff, _mod, ada, bo = await _expo("chat-delete")
    author, outsider, booth_staff = (
        await _connect(ada, event.slug),
        await _connect(bo, event.slug),
        await _connect(staff, event.slug),
    )
    await _ask(author, 1, "chat.join", room=room)
    message_id = (await _ask(author, 2, "chat.send", room=room, text="spam"))["data"]["id"]
    await _next(author)  # its own chat.message push
    refused = await _ask(outsider, 1, "chat.delete", id=message_id)
    assert (refused["type"], refused["code"]) == ("error", "chat.not_allowed")
    assert await _ask(booth_staff, 1, "chat.delete", id=message_id) == {
        "id": 1,
        "type": "ok",
        "data": {"id": message_id, "room": room},
    }
    assert await _next(author) == {"type": "chat.deleted", "data": {"id": message_id, "room": room}}
    history = await _ask(author, 3, "chat.history", room=room)
    assert [(m["id"], m["text"], m["deleted"]) for m in history["data"]["messages"]] == [
        (message_id, "", True)
    ]
    for socket in (author, outsider, booth_staff):
        await socket.disconnect()


async def test_mute_by_team_makes_send_fail_with_chat_muted():
    event, room, _staff, moderator, ada, _bo = await _expo("chat-mute")
    team, muted = await _connect(moderator, event.slug), await _connect(ada, event.slug)
    assert await _ask(team, 1, "chat.mute", user=ada.pk) == {"id": 1, "type": "ok", "data": {"user": ada.pk}}
    reply = await _ask(muted, 1, "chat.send", room=room, text="hello?")
    assert (reply["type"], reply["code"]) == ("error", "chat.muted")
    assert (await _ask(muted, 2, "chat.join", room=room))["type"] == "ok"  # still reads
    await team.disconnect()
    await muted.disconnect()


async def test_mute_and_ban_by_non_team_are_refused():
    event, _room, staff, _mod, ada, _bo = await _expo("chat-nomod")
    socket = await _connect(staff, event.slug)
    for frame_type in ("chat.mute", "chat.ban"):
        reply = await _ask(socket, 1, frame_type, user=ada.pk)
        assert (reply["type"], reply["code"]) == ("error", "auth.forbidden")
    await socket.disconnect()


async def test_banned_socket_still_open_gets_chat_banned_on_every_chat_request():
    # The ban was stored but this tab's close has not arrived yet (another process, say).
    from events.services import chat

    event, room, _staff, moderator, ada, _bo = await _expo("chat-ban")
    banned = await _connect(ada, event.slug)
    await database_sync_to_async(chat.ban)(event, ada.pk, by=moderator)
    for frame_id, frame_type, data in ((1, "chat.join", {}), (2, "chat.send", {"text": "x"})):
        reply = await _ask(banned, frame_id, frame_type, room=room, **data)
        assert (reply["type"], reply["code"]) == ("error", "chat.banned")
    await banned.disconnect()


async def test_announcements_only_team_sends_and_everyone_receives():
    event, _room, _staff, moderator, ada, _bo = await _expo("chat-announce")
    team, reader = await _connect(moderator, event.slug), await _connect(ada, event.slug)
    await _ask(reader, 1, "chat.join", room="announcements")
    refused = await _ask(reader, 2, "chat.send", room="announcements", text="me too")
    assert (refused["type"], refused["code"]) == ("error", "chat.announcements_only_team")
    assert (await _ask(team, 1, "chat.send", room="announcements", text="Doors open"))["type"] == "ok"
    pushed = await _next(reader)
    assert (pushed["type"], pushed["data"]["text"], pushed["data"]["role"]) == (
        "chat.message",
        "Doors open",
        "team",
    )
    await team.disconnect()
    await reader.disconnect()


async def test_ban_disconnects_every_tab_and_reconnect_is_refused():
    event, _room, _staff, moderator, ada, _bo = await _expo("chat-ban-close")
    team = await _connect(moderator, event.slug)
    first_tab, second_tab = await _connect(ada, event.slug), await _connect(ada, event.slug)
    assert await _ask(team, 1, "chat.ban", user=ada.pk) == {"id": 1, "type": "ok", "data": {"user": ada.pk}}
    for tab in (first_tab, second_tab):
        assert await tab.receive_output() == {"type": "websocket.close", "code": 4403}
    client = Client()
    await database_sync_to_async(client.force_login)(ada)
    again = WebsocketCommunicator(
        application,
        f"/ws/events/{event.slug}/",
        headers=[
            (b"origin", b"http://127.0.0.1:8000"),
            (b"host", b"127.0.0.1:8000"),
            (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        ],
    )
    assert await again.connect() == (False, 4403)
    await team.disconnect()


async def test_mute_by_the_message_a_moderator_sees():
    event, room, _staff, moderator, ada, _bo = await _expo("chat-mute-message")
    team, author = await _connect(moderator, event.slug), await _connect(ada, event.slug)
    sent = await _ask(author, 1, "chat.send", room=room, text="spam spam")
    reply = await _ask(team, 1, "chat.mute", message=sent["data"]["id"])
    assert reply == {"id": 1, "type": "ok", "data": {"user": ada.pk}}
    refused = await _ask(author, 2, "chat.send", room=room, text="more spam")
    assert (refused["type"], refused["code"]) == ("error", "chat.muted")
    missing = await _ask(team, 2, "chat.ban", message=999_999)
    assert (missing["type"], missing["code"]) == ("error", "chat.no_such_message")
    bad = await _ask(team, 3, "chat.ban", message="the spammer")
    assert (bad["type"], bad["code"]) == ("error", "chat.bad_id")
    await team.disconnect()
    await author.disconnect()


async def test_team_cannot_be_sanctioned_through_their_own_message():
    event, room, _staff, moderator, _ada, _bo = await _expo("chat-mute-team")
    team = await _connect(moderator, event.slug)
    sent = await _ask(team, 1, "chat.send", room=room, text="Welcome")
    reply = await _ask(team, 2, "chat.ban", message=sent["data"]["id"])
    assert (reply["type"], reply["code"]) == ("error", "chat.cannot_sanction")
    await team.disconnect()

"""The live socket's first transcript: connect, ping, and refusals."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from events.enums import EventStatus
from rakwon_site.asgi import application
from tests.factories import EventFactory, StaffFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(user, slug: str) -> WebsocketCommunicator:
    """Open the socket as `user`, with a real Django session cookie, from an allowed origin."""
    from django.contrib.auth import login  # noqa: F401  (ensures auth is loaded)
    from django.test import Client

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if user is not None:
        client = Client()
        await database_sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)


async def test_ping_gets_exactly_one_ok_with_same_id():
    event = await database_sync_to_async(EventFactory)(slug="live", status=EventStatus.PUBLISHED)
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    communicator = await _connect(user, "live")
    connected, _ = await communicator.connect()
    assert connected is True
    await communicator.send_to(text_data=json.dumps({"id": 7, "type": "ping"}))
    reply = json.loads(await communicator.receive_from())
    assert reply == {"id": 7, "type": "ok", "data": {"pong": True, "event": "live"}}
    assert await communicator.receive_nothing(timeout=0.1) is True
    await communicator.disconnect()


async def test_anonymous_connection_is_refused_with_4401():
    await database_sync_to_async(EventFactory)(slug="live2")
    communicator = await _connect(None, "live2")
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4401)


async def test_logged_in_non_attendee_is_refused_with_4403():
    await database_sync_to_async(EventFactory)(slug="members-only")
    stranger = await database_sync_to_async(UserFactory)()
    communicator = await _connect(stranger, "members-only")
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4403)


@pytest.mark.parametrize("role", ["team", "staff"])
async def test_team_and_exhibitor_staff_may_connect(role):
    event = await database_sync_to_async(EventFactory)(slug=f"crew-{role}")
    if role == "team":
        user = (await database_sync_to_async(TeamMemberFactory)(event=event)).user
    else:
        user = (await database_sync_to_async(StaffFactory)(exhibitor__event=event)).user
    communicator = await _connect(user, event.slug)
    assert (await communicator.connect())[0] is True
    await communicator.disconnect()


async def test_draft_event_refuses_outsiders_with_4403():
    user = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(EventFactory)(slug="secret", status=EventStatus.DRAFT)
    communicator = await _connect(user, "secret")
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4403)


async def test_unknown_event_is_refused_with_4404():
    user = await database_sync_to_async(UserFactory)()
    communicator = await _connect(user, "nothing-here")
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4404)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "frame.malformed"),
        ("[1, 2]", "frame.malformed"),
        ('{"id": 1}', "frame.no_type"),
        ('{"id": 1, "type": "nope.nothing"}', "frame.unknown_type"),
        ('{"id": 1, "type": "ping", "data": []}', "frame.malformed"),
        ('{"id": 1, "type": "ping", "pad": "' + "x" * 20000 + '"}', "frame.too_large"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_up(frame, code):
    event = await database_sync_to_async(EventFactory)(slug="robust")
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    communicator = await _connect(user, "robust")
    assert (await communicator.connect())[0] is True
    await communicator.send_to(text_data=frame)
    reply = json.loads(await communicator.receive_from())
    assert (reply["type"], reply["code"]) == ("error", code)
    await communicator.send_to(text_data=json.dumps({"id": 2, "type": "ping"}))
    assert json.loads(await communicator.receive_from())["type"] == "ok"
    await communicator.disconnect()


async def test_foreign_origin_is_refused():
    event = await database_sync_to_async(EventFactory)(slug="origin")
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    communicator = await _connect(user, "origin")
    communicator.scope["headers"] = [
        (name, b"http://elsewhere.example" if name == b"origin" else value)
        for name, value in communicator.scope["headers"]
    ]
    connected, _code = await communicator.connect()
    assert connected is False

"""The live socket speaks the page's language: replies built on the socket path (errors, labels)
follow the language cookie, then the browser's languages, as the page does, then the language the
attendee registered in; never always English."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import translation

from events.enums import EventStatus
from rakwon_site.asgi import application
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


async def _connect(user, slug: str, *extra: tuple[bytes, bytes]) -> WebsocketCommunicator:
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(user)
    cookies = f"sessionid={client.cookies['sessionid'].value}"
    for name, value in extra:
        if name == b"cookie":
            cookies += "; " + value.decode()
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", cookies.encode()),
        *(header for header in extra if header[0] != b"cookie"),
    ]
    return WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)


async def _unknown_frame_error(communicator) -> str:
    connected, _ = await communicator.connect()
    assert connected is True
    await communicator.send_to(text_data=json.dumps({"id": 1, "type": "nosuch.thing"}))
    reply = json.loads(await communicator.receive_from())
    await communicator.disconnect()
    return reply["message"]


async def _attendee(slug: str, language: str):
    event = await database_sync_to_async(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    return (await database_sync_to_async(AttendeeFactory)(event=event, language=language)).user


async def test_socket_error_in_the_attendees_korean():
    user = await _attendee("ko-attendee", "ko")
    message = await _unknown_frame_error(await _connect(user, "ko-attendee"))
    assert message == "알 수 없는 프레임 형식 “nosuch.thing”입니다."


async def test_socket_error_in_the_browsers_korean_when_the_attendee_chose_none():
    user = await _attendee("ko-browser", "")
    message = await _unknown_frame_error(
        await _connect(user, "ko-browser", (b"accept-language", b"ko-KR,ko;q=0.9,en;q=0.5"))
    )
    assert message == "알 수 없는 프레임 형식 “nosuch.thing”입니다."


async def test_socket_error_follows_the_language_cookie_over_the_browser_and_attendee():
    user = await _attendee("en-cookie", "ko")
    message = await _unknown_frame_error(
        await _connect(user, "en-cookie", (b"accept-language", b"ko"), (b"cookie", b"django_language=en"))
    )
    assert message == "Unknown frame type “nosuch.thing”."

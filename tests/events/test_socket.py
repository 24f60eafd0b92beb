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


async def _connect_from(
    origin: bytes | None, host: bytes, *extra: tuple[bytes, bytes], slug: str = "origins"
):
    """Open the socket as a confirmed attendee, with this Origin and Host (and extra headers)."""
    event = await database_sync_to_async(EventFactory)(slug=slug)
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    communicator = await _connect(user, slug)
    headers = [
        (name, value) for name, value in communicator.scope["headers"] if name not in (b"origin", b"host")
    ]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator.scope["headers"] = [*headers, (b"host", host), *extra]
    connected, _code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        b"http://localhost:9999",  # an allowed host name, another port: another site
        b"http://127.0.0.1:9999",
        b"https://127.0.0.1:8000",  # the same host and port, another scheme
        b"http://localhost:8000",  # another host name of this machine, not the one asked
        b"http://127.0.0.1:8000.evil.example",
        b"null",
        b"127.0.0.1:8000",
    ],
)
async def test_an_origin_that_is_not_this_site_is_refused(origin):
    assert await _connect_from(origin, b"127.0.0.1:8000") is False


async def test_a_socket_without_an_origin_is_refused():
    assert await _connect_from(None, b"127.0.0.1:8000") is False


async def test_the_pages_own_origin_is_accepted():
    assert await _connect_from(b"http://127.0.0.1:8000", b"127.0.0.1:8000") is True


async def test_the_own_origin_of_a_host_not_in_allowed_hosts_is_refused():
    assert await _connect_from(b"http://evil.example:8000", b"evil.example:8000") is False


async def test_a_default_port_is_the_same_origin_written_or_not():
    assert await _connect_from(b"http://localhost", b"localhost:80") is True


async def test_site_url_is_accepted_behind_a_tls_proxy_that_says_nothing(settings):
    # The proxy ends TLS and talks plain ws to daphne, with the public Host and no X-Forwarded-Proto.
    settings.ALLOWED_HOSTS = ["expo.lan"]
    settings.SITE_URL = "https://expo.lan"
    assert await _connect_from(b"https://expo.lan", b"expo.lan") is True
    assert await _connect_from(b"https://expo.lan:8443", b"expo.lan", slug="origins-2") is False
    assert await _connect_from(b"https://other.lan", b"expo.lan", slug="origins-3") is False


async def test_behind_a_proxy_the_forwarded_scheme_decides(settings):
    settings.ALLOWED_HOSTS = ["hall.expo.lan"]
    settings.SITE_URL = "https://expo.lan"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = (b"x-forwarded-proto", b"https")
    assert await _connect_from(b"https://hall.expo.lan", b"hall.expo.lan", forwarded) is True
    assert (
        await _connect_from(b"http://hall.expo.lan", b"hall.expo.lan", forwarded, slug="origins-2") is False
    )


async def test_csrf_trusted_origins_are_accepted_with_their_scheme_and_port(settings):
    settings.ALLOWED_HOSTS = ["daphne.internal"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://expo.lan:8443", "https://*.expo.lan"]
    assert await _connect_from(b"https://expo.lan:8443", b"daphne.internal") is True
    assert await _connect_from(b"https://booths.expo.lan", b"daphne.internal", slug="o-2") is True
    assert await _connect_from(b"https://expo.lan", b"daphne.internal", slug="o-3") is False
    assert await _connect_from(b"http://booths.expo.lan", b"daphne.internal", slug="o-4") is False
    assert await _connect_from(b"https://evilexpo.lan", b"daphne.internal", slug="o-5") is False

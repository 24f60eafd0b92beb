"""The live socket's user, from the Django session cookie in one layer (rakwon_site.socket_user):
the same people as channels' AuthMiddlewareStack lets in, and no session kept for the socket's life."""

from __future__ import annotations

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from rakwon_site.socket_user import SocketSessionUser
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class _Inner:
    def __init__(self) -> None:
        self.scope: dict | None = None

    async def __call__(self, scope, receive, send):
        self.scope = scope


def _cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _scope_seen(cookie_header: bytes | None) -> dict:
    inner = _Inner()
    headers = [(b"origin", b"http://testserver")] + ([(b"cookie", cookie_header)] if cookie_header else [])
    await SocketSessionUser(inner)({"type": "websocket", "path": "/ws/x/", "headers": headers}, None, None)
    return inner.scope


async def test_a_signed_in_session_gives_its_user_and_no_session_or_cookies_are_kept():
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(UserFactory)()
    key = await database_sync_to_async(_cookie_for)(user)
    scope = await _scope_seen(f"theme=dark; sessionid={key}".encode())
    assert scope["user"].pk == user.pk
    assert scope["user"].is_authenticated is True
    assert "session" not in scope and "cookies" not in scope
    assert scope["path"] == "/ws/x/"


async def test_no_cookie_an_unknown_session_or_a_malformed_header_give_an_anonymous_user():
    for header in (None, b"sessionid=nosuchsession", b"\xff\xfe;;=="):
        scope = await _scope_seen(header)
        assert scope["user"].is_authenticated is False


async def test_a_session_whose_password_hash_changed_is_refused_as_channels_refuses_it():
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(UserFactory)()
    key = await database_sync_to_async(_cookie_for)(user)

    def tamper() -> None:
        session = SessionStore(key)
        session[HASH_SESSION_KEY] = "not-the-hash"
        session.save()

    await database_sync_to_async(tamper)()
    scope = await _scope_seen(f"sessionid={key}".encode())
    assert scope["user"].is_authenticated is False

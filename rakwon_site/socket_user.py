"""Who opened the live socket: ``scope["user"]`` from the Django session cookie, in one ASGI layer.

channels' ``AuthMiddlewareStack`` does the same in three layers (cookies, session, user), and each
keeps its own copy of the scope, the parsed cookies, a session wrapper and the loaded session for
as long as the socket is open: a few KB on every idle socket. A socket never writes its session
(channels saves one only on an HTTP response), so here the session is read once at the handshake,
the user kept, and the rest let go. Same rules as channels' ``get_user``: the session's backend
must be configured and its password hash must still match, else the user is anonymous.
"""

from __future__ import annotations

from importlib import import_module

from channels.auth import get_user
from django.conf import settings
from django.http.cookie import parse_cookie


def session_key(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return parse_cookie(value.decode("latin-1")).get(settings.SESSION_COOKIE_NAME)
    return None


class SocketSessionUser:
    """ASGI middleware: the inner application gets ``scope["user"]`` (a user or AnonymousUser)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key(scope))
        user = await get_user({"session": session})
        del session  # read once: not kept for the socket's life
        return await self.inner({**scope, "user": user}, receive, send)

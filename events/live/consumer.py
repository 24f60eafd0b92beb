"""The live socket: one WebSocket per browser tab at /ws/events/<slug>/.

Authenticated by the Django session; the origin is checked in asgi.py. Each inbound frame is
rate-limited (events.live.ratelimit), size-limited and parsed (events.live.protocol), then dispatched to
the handler registered for its type (events.registry), after that handler's permission is
checked against the permissions worked out once at connect.

Handlers get the consumer as their `connection`, typed as events.live.connection.LiveConnection:
`user`, `event`, `attendee` (or None), `is_team`, `language`, `join_group`/`leave_group` (left
automatically on disconnect) and `push`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import Any

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError

from events.errors import NotAllowed, RakwonError
from events.models import Attendee, Event
from events.permissions import ENTER_EVENT
from events.registry import PresencePlace, connect_guards, socket_disconnect_listeners, socket_handlers
from events.rules import is_event_team

from . import protocol, tabs
from .connection import Admission
from .groups import event_group, user_group
from .presence import places
from .pushes import SocketClosing
from .ratelimit import FrameLimiter

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NO_EVENT = 4404
CLOSE_SILENT = 4408
CLOSE_TOO_MANY_TABS = 4409
CLOSE_FLOOD = 4429


def _handler_permissions() -> set[str]:
    permissions = (socket_handlers.get(frame_type).permission for frame_type in socket_handlers.types())
    return {permission for permission in permissions if permission}


# Most sockets hold one of a few sets of permissions: each set is kept once per process, not
# once per socket (read-only; `_may` replaces a socket's own instead of changing a shared one).
_GRANTS: dict[frozenset, dict[str, bool]] = {}
GRANTS_KEPT_MAX = 1000


def _shared_grants(granted: dict[str, bool]) -> dict[str, bool]:
    key = frozenset(granted.items())
    if key not in _GRANTS and len(_GRANTS) >= GRANTS_KEPT_MAX:
        _GRANTS.clear()
    return _GRANTS.setdefault(key, granted)


@database_sync_to_async
def admit(slug: str, user) -> Admission:
    """Who `user` is in the event `slug`, worked out once at connect."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        return Admission(event=None, allowed=False)
    # Only people who may be in the live event: its team, confirmed attendees, exhibitor staff.
    # A guard (a chat ban, for one) may still refuse someone who could otherwise enter.
    allowed = user.has_perm(ENTER_EVENT, event) and not connect_guards.refuses(user, event)
    if not allowed:
        return Admission(event=event, allowed=False)
    attendee = Attendee.objects.filter(event=event, user=user).first()
    # Worked out once, so a ping costs no query; a reconnect works them out afresh, and a ban
    # does not wait for that: it closes the sockets (events.live.groups.close_user).
    granted = {permission: user.has_perm(permission, event) for permission in _handler_permissions()}
    return Admission(
        event=event,
        allowed=True,
        attendee=attendee,
        is_team=bool(is_event_team(user, event)),
        granted=_shared_grants(granted),
    )


def socket_language(scope: dict, attendee: Attendee | None) -> str:
    """The language of the page that opened the socket: LocaleMiddleware's cookie, then the
    browser's Accept-Language, then the attendee's registration language. Without this every text
    built on the socket path (errors, labels) came out in LANGUAGE_CODE for everyone."""
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])
    }
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header only loses the language choice
        cookie = SimpleCookie()
    wanted = [cookie[settings.LANGUAGE_COOKIE_NAME].value] if settings.LANGUAGE_COOKIE_NAME in cookie else []
    wanted += [
        code
        for code, _q in translation.trans_real.parse_accept_lang_header(headers.get("accept-language", ""))
    ]
    wanted += [attendee.language] if attendee is not None and attendee.language else []
    for code in wanted:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


@database_sync_to_async
def _has_perm(user, permission: str, event: Event) -> bool:
    return user.has_perm(permission, event)


class EventConsumer(AsyncWebsocketConsumer):
    """The live socket; once connected it is the LiveConnection its handlers are handed."""

    event: Event
    place: PresencePlace | None = None  # set only by events.live.presence.places
    attendee: Attendee | None = None
    is_team: bool = False
    language: str
    granted: Mapping[str, bool]
    closing: bool = False  # closed by us for flooding: what still arrives is dropped
    tab_counted: bool = False  # counted towards SOCKET_MAX_TABS (events.live.tabs)
    tab_renewed: float = 0.0

    async def connect(self) -> None:
        self.live_groups: set[str] = set()
        self.last_heard = time.monotonic()
        self.limiter = FrameLimiter(
            rate=settings.SOCKET_RATE_PER_SECOND,
            burst=settings.SOCKET_BURST,
            strikes=settings.SOCKET_FLOOD_STRIKES,
        )
        self.user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        admission = await admit(slug, self.user)
        if admission.event is None:
            await self.close(code=CLOSE_NO_EVENT)
            return
        if not admission.allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.event, self.attendee, self.is_team = admission.event, admission.attendee, admission.is_team
        self.granted = admission.granted
        self.language = socket_language(self.scope, self.attendee)
        if not await tabs.open_tab(self):
            await self._refuse_tab()
            return
        self.tab_counted, self.tab_renewed = True, time.monotonic()
        await self.accept()
        await self.join_group(event_group(self.event.pk))
        await self.join_group(user_group(self.event.pk, self.user.pk))
        await places.track(self)  # from here on, handlers get this consumer as their LiveConnection

    async def _refuse_tab(self) -> None:
        """One tab too many: accepted only so the browser can be told why, then closed."""
        self.closing = True
        await self.accept()
        with translation.override(self.language):
            message = _(
                "This event is open in too many tabs or windows. Close one of them, then reload this page."
            )
        await self.push("socket.closing", SocketClosing(reason="too_many_tabs", message=message))
        await self.close(code=CLOSE_TOO_MANY_TABS)

    async def disconnect(self, code) -> None:
        if getattr(self, "live_groups", None) is None or not self.tab_counted:
            return  # refused before taking part: nothing joined
        await tabs.close_tab(self)
        await places.forget(self)
        for listener in socket_disconnect_listeners:
            try:
                await listener(self)
            except Exception:  # one app's clean-up must not stop the others'
                log.exception("socket disconnect listener %r failed", listener)
        for name in list(self.live_groups):
            await self.leave_group(name)

    async def dispatch(self, message) -> None:
        # Channels' dispatch first hops to the one thread database_sync_to_async shares, only to
        # close old connections, for every frame and every push: a crowd's frames then queued
        # for that thread behind each other and every query on it. Our database calls all go
        # through database_sync_to_async, which closes old connections in its own hop.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- The connection API that socket handlers use ---------------------------------------

    @property
    def connection_id(self) -> str:
        return self.channel_name

    async def join_group(self, name: str) -> None:
        if name not in self.live_groups:
            await self.channel_layer.group_add(name, self.channel_name)
            self.live_groups.add(name)

    async def leave_group(self, name: str) -> None:
        if name in self.live_groups:
            self.live_groups.discard(name)
            await self.channel_layer.group_discard(name, self.channel_name)

    async def push(self, frame_type: str, data: Mapping[str, Any]) -> None:
        await self.send(text_data=protocol.push(frame_type, data))

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        # A push can meet a socket the browser has just closed (daphne has not yet told us): the
        # frame had nowhere to go, which is no error worth a traceback.
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:
            log.debug("dropped a frame for a closed socket %s", self.channel_name)

    # --- Channel-layer messages -------------------------------------------------------------

    async def live_push(self, message: dict[str, Any]) -> None:
        await self.push(message["frame_type"], message["data"])

    async def live_close(self, message: dict[str, Any]) -> None:
        """Close this socket (sent to a user's group, e.g. when a moderator bans them)."""
        await self.close(code=int(message.get("code", CLOSE_FORBIDDEN)))

    async def live_silent(self, message: dict[str, Any]) -> None:
        """The presence sweeper found this socket silent for too long: it has left; close it."""
        await self.close(code=CLOSE_SILENT)

    async def _may(self, permission: str) -> bool:
        if permission not in self.granted:  # a handler registered after connect: ask once
            allowed = await _has_perm(self.user, permission, self.event)
            self.granted = {**self.granted, permission: allowed}  # the old one may be shared
        return self.granted[permission]

    async def _refuse_rate(self, text_data: str | None, retry_after: float, flooding: bool) -> None:
        if flooding:
            self.closing = True
            await self.push("socket.closing", SocketClosing(reason="flood"))
            await self.close(code=CLOSE_FLOOD)
            return
        seconds = round(retry_after, 2)
        request_id = protocol.request_id(text_data, max_bytes=settings.SOCKET_MAX_FRAME_BYTES)
        message = _("Too many messages at once; wait %(seconds)s seconds and try again.") % {
            "seconds": seconds
        }
        await self.send(
            text_data=protocol.error(request_id, "frame.rate_limited", message, {"retry_after": seconds})
        )

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Each frame is handled in the page's language (socket_language), replies and all.
        with translation.override(getattr(self, "language", None) or settings.LANGUAGE_CODE):
            await self._receive(text_data)

    async def _receive(self, text_data=None) -> None:
        if self.closing:
            return
        request_id = None
        self.last_heard = time.monotonic()  # liveness lives here, not in a store: no write per frame
        if self.last_heard - self.tab_renewed > settings.SOCKET_TABS_TTL_SECONDS / 4:
            self.tab_renewed = self.last_heard  # in Redis, an open tab's count lapses unless renewed
            await tabs.renew_tab(self)
        admission = self.limiter.admit()
        if not admission.allowed:
            await self._refuse_rate(text_data, admission.retry_after, admission.flooding)
            return
        try:
            request = protocol.parse_frame(text_data, max_bytes=settings.SOCKET_MAX_FRAME_BYTES)
            request_id = request.id
            handler = socket_handlers.get(request.type)
            if handler is None:
                raise RakwonError(
                    _("Unknown frame type “%(type)s”.") % {"type": request.type}, code="frame.unknown_type"
                )
            if handler.permission and not await self._may(handler.permission):
                raise NotAllowed(_("You may not do that here."))
            result = await handler.func(self, request.data)
            if request_id is not None:
                await self.send(text_data=protocol.ok(request_id, result))
        except RakwonError as failure:
            await self.send(text_data=protocol.error(request_id, failure.code, failure.message))
        except RedisConnectionError as failure:  # the channel layer's pool stayed full: one error frame
            log.warning("socket request failed, Redis busy: %s", failure)
            await self.send(
                text_data=protocol.error(
                    request_id, "server.busy", _("The server is busy; try again in a moment.")
                )
            )
        except Exception:  # a handler bug must cost one error frame, never the connection
            log.exception("socket handler failed for %s", text_data[:200] if text_data else "<binary>")
            await self.send(
                text_data=protocol.error(request_id, "server.error", _("Something went wrong; try again."))
            )

"""Where other apps plug into events without events importing them.

- `socket_handlers`: the live socket's handlers, by frame type (``"booth.enter"``); each app
  registers its own in ``AppConfig.ready()``, optionally with the loader of the object the frame
  names and the permissions checked on it.
- `session_places`: where a scheduled session can take place (exhibits offers its booths).
- `presence_places` and `presence_listeners`: the places presence knows (exhibits offers halls
  and booths) and who hears that someone entered one (exhibits counts booth visits).
- `publish_checks`: what the organiser is warned of before publishing (exhibits checks its floor).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from channels.db import database_sync_to_async
from django.utils.translation import gettext_lazy as _lazy

from .errors import NotAllowed

if TYPE_CHECKING:
    from datetime import datetime

    from .models import Event, Session


# --- Live socket handlers -----------------------------------------------------------------


_NOT_ALLOWED = _lazy("You may not do that here.")


@dataclass(frozen=True)
class ObjectPermission:
    """A permission checked, through rules, on the object a frame names (a booth, a room...), with
    the message the refused person reads."""

    permission: str
    refusal: Any = _NOT_ALLOWED


#: ``load(connection, data)`` finds the object a frame names, or raises the typed error saying it
#: is not there; the handler then gets it as a third argument.
ObjectLoader = Callable[[Any, dict], Awaitable[Any]]


@dataclass(frozen=True)
class SocketHandler:
    type: str
    func: Callable[..., Awaitable[Any]]  # called as func(connection, data), the object already checked
    permission: str  # a rules permission (events/rules.py...), checked at connect on the event
    load: ObjectLoader | None = None
    object_permissions: tuple[ObjectPermission, ...] = ()


def _with_object(func, load: ObjectLoader, checks: tuple[ObjectPermission, ...]):
    """The handler as the consumer calls it: load the frame's object, ask rules about it (in a
    thread: predicates may query the database), then hand it over."""

    def first_refused(user, target) -> ObjectPermission | None:
        return next((check for check in checks if not user.has_perm(check.permission, target)), None)

    @functools.wraps(func)
    async def handle(connection, data: dict):
        target = await load(connection, data)
        if checks:
            refused = await database_sync_to_async(first_refused)(connection.user, target)
            if refused is not None:
                raise NotAllowed(str(refused.refusal))
        return await func(connection, data, target)

    return handle


class SocketHandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, SocketHandler] = {}

    def register(
        self,
        frame_type: str,
        *,
        permission: str,
        load: ObjectLoader | None = None,
        check: str | ObjectPermission | Sequence[str | ObjectPermission] = (),
    ):
        """`permission` is checked at connect on the event; with `load`, each of `check` (in order)
        is checked on the loaded object before the handler runs, and the first refusal is sent."""
        checks = tuple(
            item if isinstance(item, ObjectPermission) else ObjectPermission(item)
            for item in ((check,) if isinstance(check, str | ObjectPermission) else check)
        )
        if checks and load is None:
            raise ValueError(f"socket frame type {frame_type!r} checks an object but loads none (load=)")

        def decorate(func):
            if frame_type in self._handlers:
                raise ValueError(f"socket frame type {frame_type!r} is registered twice")
            handle = func if load is None else _with_object(func, load, checks)
            self._handlers[frame_type] = SocketHandler(frame_type, handle, permission, load, checks)
            return func

        return decorate

    def get(self, frame_type: str) -> SocketHandler | None:
        return self._handlers.get(frame_type)

    def types(self) -> list[str]:
        return sorted(self._handlers)


socket_handlers = SocketHandlerRegistry()


# --- Where sessions take place ------------------------------------------------------------


class SessionPlaceProvider(Protocol):
    """A kind of place a session can be held at (a booth, a stage...)."""

    kind: str

    def choices(self, event: Event) -> list[tuple[str, str]]: ...

    def current(self, session: Session) -> str: ...

    def label(self, session: Session) -> str: ...

    def check(
        self, event: Event, key: str, starts_at: datetime, ends_at: datetime, *, exclude: Session | None
    ) -> None:
        """Raise django.core.exceptions.ValidationError if the place cannot take the session."""

    def assign(self, session: Session, key: str) -> None: ...


class SessionPlaceRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, SessionPlaceProvider] = {}

    def register(self, provider: SessionPlaceProvider) -> None:
        self._providers[provider.kind] = provider

    def __iter__(self):
        return iter(self._providers.values())

    def choices(self, event: Event) -> list[tuple[str, str]]:
        return [choice for provider in self for choice in provider.choices(event)]

    def split(self, key: str) -> tuple[SessionPlaceProvider | None, str]:
        kind, _sep, rest = (key or "").partition(":")
        return self._providers.get(kind), rest

    def current(self, session: Session) -> str:
        for provider in self:
            key = provider.current(session)
            if key:
                return key
        return ""

    def label(self, session: Session) -> str:
        for provider in self:
            text = provider.label(session)
            if text:
                return text
        return ""


session_places = SessionPlaceRegistry()


# --- What other apps hold about an attendee (for the attendee's own data download) -------


class AttendeeDataRegistry:
    """Each app that stores something about an attendee adds it to "My data"'s download."""

    def __init__(self) -> None:
        self._providers: dict[str, Callable[[Any], Any]] = {}

    def register(self, name: str, provider: Callable[[Any], Any]) -> None:
        self._providers[name] = provider

    def collect(self, attendee) -> dict[str, Any]:
        return {name: provider(attendee) for name, provider in sorted(self._providers.items())}


attendee_data = AttendeeDataRegistry()


# --- Who may not open the live socket at all ------------------------------------------------


class ConnectGuardRegistry:
    """Checks run when a socket connects; any guard returning True refuses it (e.g. a chat ban).
    Guards are plain sync functions ``guard(user, event) -> bool`` (the consumer runs them in a
    thread)."""

    def __init__(self) -> None:
        self._guards: dict[str, Callable[[Any, Any], bool]] = {}

    def register(self, name: str, guard: Callable[[Any, Any], bool]) -> None:
        self._guards[name] = guard

    def refuses(self, user, event) -> bool:
        return any(guard(user, event) for guard in self._guards.values())


connect_guards = ConnectGuardRegistry()


# --- Presence: the places one can be in, and who hears of entries ------------------------


@dataclass(frozen=True)
class PresencePlace:
    kind: str  # "booth", "hall", "session", "lobby"
    id: int
    parent: str | None = None  # the place key whose page shows this place's count ("hall:3")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


class PresencePlaceRegistry:
    """Each kind of place has a finder: (event, id) -> PresencePlace, or None if not in the event.

    Finders run synchronously (they may query the database).
    """

    def __init__(self) -> None:
        self._finders: dict[str, Callable[[Any, int], PresencePlace | None]] = {}
        self._parents: dict[str, Callable[[int], str | None]] = {}
        self._children: dict[str, Callable[[int], list[int]]] = {}

    def register(
        self,
        kind: str,
        finder: Callable[[Any, int], PresencePlace | None],
        *,
        parent: Callable[[int], str | None] | None = None,
        children: Callable[[int], list[int]] | None = None,
    ) -> None:
        """`parent(id)` names the place whose page shows this one's count ("hall:3"), for places
        known only by key (swept from a dead process); `children(id)` lists the ids of the places
        inside this one (a hall's booths), for the counts a newcomer sees on arrival."""
        self._finders[kind] = finder
        if parent is not None:
            self._parents[kind] = parent
        if children is not None:
            self._children[kind] = children

    def find(self, event, kind: str, place_id: int) -> PresencePlace | None:
        finder = self._finders.get(kind)
        return finder(event, place_id) if finder else None

    def rebuild(self, kind: str, place_id: int) -> PresencePlace:
        """The place of a bare key, with its parent (may query the database)."""
        parent = self._parents.get(kind)
        return PresencePlace(kind, place_id, parent=parent(place_id) if parent else None)

    def children(self, kind: str, place_id: int) -> list[int]:
        children = self._children.get(kind)
        return children(place_id) if children else []


presence_places = PresencePlaceRegistry()

# Called synchronously, in a worker thread, with a batch of entries (events.live.presence.entries.Entry:
# kind, place_id, attendee_id, at) every few seconds: entering a place never waits for them.
presence_listeners: list[Callable[[list[Any]], Any]] = []


# --- Sockets closing ------------------------------------------------------------------------

# Awaited with the connection when a live socket closes (after it left its presence place), so an
# app can end what the socket held: media_rtc ends the tab's video streams at once instead of
# waiting for the peer connection to time out. A listener's failure is logged, not raised.
socket_disconnect_listeners: list[Callable[[Any], Awaitable[None]]] = []


# --- Before publishing ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishWarning:
    """Something an organiser may want to fix before publishing; it never blocks publishing."""

    code: str  # stable, e.g. "floor.hall_without_booths"
    message: str  # in the reader's language
    url_name: str = ""  # the organiser page where it is fixed (reversed with the event's slug)


class PublishCheckRegistry:
    """Each app adds checks ``check(event) -> list[PublishWarning]`` in ``AppConfig.ready()``;
    they run in the order they were registered."""

    def __init__(self) -> None:
        self._checks: dict[str, Callable[[Any], list[PublishWarning]]] = {}

    def register(self, name: str, check: Callable[[Any], list[PublishWarning]]) -> None:
        self._checks[name] = check

    def items(self):
        return list(self._checks.items())


publish_checks = PublishCheckRegistry()

"""Where other apps plug into events without events importing them.

Every plug-in point is one `Registry`: ``register(key, item)`` (a key twice is refused), items in
the order they were registered, ``registry[key]`` (an unknown key says what is registered). Each
app registers all it adds in one module, ``<app>/contributions.py``, loaded by its
``AppConfig.ready()``.

- `socket_handlers`: the live socket's handlers, by frame type ("chat.send"), optionally with the
  loader of the object the frame names and the permissions checked on it.
- `session_places`: where a scheduled session can take place, by kind.
- `reserved_slugs`, `mail_kinds`: slugs an event may not take; the names of other apps' mails.
- `presence_places`, `presence_listeners`: the kinds of place presence knows (the session is the
  event's own; others come from other apps) and who hears that someone entered one.
- `socket_disconnect_listeners`, `connect_guards`: a socket closing; who may not open one.
- `stage_exits`: someone left a session's stage (their live streams there end).
- `event_roles`: who else enters the live event, and whom chat shows as a place's staff.
- `attendee_data`, `attendee_deleted`: what other apps hold about an attendee (their download)
  and forgetting it when the attendee deletes their registration.
- `publish_checks`: what the organiser is warned of before publishing.
- `dashboard_counts`, `dashboard_charts`, `organiser_menu`, `page_sections`: what other apps add
  to the organiser's overview and menu and to the event's pages (the lobby, the organiser's live
  view).
- `api_parties`: who else holds API tokens and webhooks in an event (their scopes, what their
  webhooks hear of, who manages them).
- `audit_actions`, `audit_actors`, `audit_subjects`: what other apps write in the audit log, in
  the organiser's words.
- `push_shapes`: the shape of each push frame the live socket sends.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from channels.db import database_sync_to_async
from django.utils.translation import gettext_lazy as _lazy

from .enums import AuditAction
from .errors import NotAllowed

if TYPE_CHECKING:
    from datetime import datetime

    from .models import Attendee, Event, Session, User

T = TypeVar("T")


# --- The one registry type ------------------------------------------------------------------


class UnknownKey(LookupError):
    """Nothing is registered under this key."""


class Registry(Generic[T]):
    """Items by key, in the order they were registered. `what` names the items in errors."""

    def __init__(self, what: str = "item") -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if not key or not isinstance(key, str):
            raise ValueError(f"a {self.what} needs a key (a non-empty string), not {key!r}")
        if key in self._items:
            raise ValueError(f"{self.what} {key!r} is registered twice")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        """Take an item out again (tests that register their own)."""
        self._items.pop(key, None)

    def __getitem__(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            known = ", ".join(self._items) or "none yet"
            raise UnknownKey(
                f"no {self.what} is registered as {key!r} (registered: {known}); an app registers "
                "its own in its contributions module, loaded by its AppConfig.ready()"
            ) from None

    def get(self, key: str, default: T | None = None) -> T | None:
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))  # a copy: registering while iterating is safe

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())


# --- Live socket handlers -----------------------------------------------------------------


_NOT_ALLOWED = _lazy("You may not do that here.")


@dataclass(frozen=True)
class ObjectPermission:
    """A permission checked, through rules, on the object a frame names (a room...), with the
    message the refused person reads."""

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


class SocketHandlerRegistry(Registry[SocketHandler]):
    """``register(frame_type, handler)`` like every registry, or, as a decorator,
    ``@socket_handlers.register(frame_type, permission=..., load=..., check=...)``."""

    def __init__(self, what: str = "socket frame type") -> None:
        super().__init__(what)

    def register(
        self,
        key: str,
        item: SocketHandler | None = None,
        *,
        permission: str = "",
        load: ObjectLoader | None = None,
        check: str | ObjectPermission | Sequence[str | ObjectPermission] = (),
    ):
        """`permission` is checked at connect on the event; with `load`, each of `check` (in order)
        is checked on the loaded object before the handler runs, and the first refusal is sent."""
        if item is not None:
            return super().register(key, item)
        checks = tuple(
            each if isinstance(each, ObjectPermission) else ObjectPermission(each)
            for each in ((check,) if isinstance(check, str | ObjectPermission) else check)
        )
        if checks and load is None:
            raise ValueError(f"socket frame type {key!r} checks an object but loads none (load=)")

        def decorate(func):
            handle = func if load is None else _with_object(func, load, checks)
            super(SocketHandlerRegistry, self).register(
                key, SocketHandler(key, handle, permission, load, checks)
            )
            return func

        return decorate

    def types(self) -> list[str]:
        return sorted(self.keys())


socket_handlers = SocketHandlerRegistry("socket frame type")


# --- Where sessions take place ------------------------------------------------------------


class SessionPlaceProvider(Protocol):
    """A kind of place a session can be held at; registered under its `kind`, the prefix of its
    keys ("kind:id")."""

    kind: str

    def choices(self, event: Event) -> list[tuple[str, str]]: ...

    def current(self, session: Session) -> str: ...

    def label(self, session: Session) -> str: ...

    def url(self, session: Session) -> str:
        """The page of the place the session is at, or ""."""

    def check(
        self, event: Event, key: str, starts_at: datetime, ends_at: datetime, *, exclude: Session | None
    ) -> None:
        """Raise django.core.exceptions.ValidationError if the place cannot take the session."""

    def assign(self, session: Session, key: str) -> None: ...


_NO_PLACE = _lazy("— no place —")


class SessionPlaceRegistry(Registry[SessionPlaceProvider]):
    def choices(self, event: Event) -> list[tuple[str, str]]:
        return [choice for provider in self for choice in provider.choices(event)]

    def none_label(self) -> Any:
        """The choice of no place, worded by the first kind that words it (its `none_label`)."""
        return next(
            (provider.none_label for provider in self if getattr(provider, "none_label", None)), _NO_PLACE
        )

    def split(self, key: str) -> tuple[SessionPlaceProvider | None, str]:
        kind, _sep, rest = (key or "").partition(":")
        return self.get(kind), rest

    def _first(self, answer: str, session: Session) -> str:
        for provider in self:
            text = getattr(provider, answer)(session)
            if text:
                return text
        return ""

    def current(self, session: Session) -> str:
        return self._first("current", session)

    def label(self, session: Session) -> str:
        return self._first("label", session)

    def url(self, session: Session) -> str:
        return self._first("url", session)


session_places = SessionPlaceRegistry("session place kind")

#: Event slugs other apps' URLs need ("/<slug>/" must not shadow them): {slug: what uses it}.
reserved_slugs: Registry[Any] = Registry("reserved slug")

#: The failed mails other apps record (events.services.mail.record_failed_mail's `what`), as the
#: organisers read them: {what: lazy label}.
mail_kinds: Registry[Any] = Registry("mail kind")


# --- Attendees: what other apps hold about them, and forgetting it ---------------------------


class AttendeeDataRegistry(Registry[Callable[[Any], Any]]):
    """Each app that stores something about an attendee adds it to "My data"'s download."""

    def collect(self, attendee: Attendee) -> dict[str, Any]:
        return {name: provider(attendee) for name, provider in sorted(self.items())}


attendee_data = AttendeeDataRegistry("attendee data provider")

#: ``forget(attendee)`` is called when an attendee deletes their registration, inside its
#: transaction, after the registration is anonymised and saved (events.services.privacy).
attendee_deleted: Registry[Callable[[Attendee], Any]] = Registry("attendee_deleted hook")


# --- Who may open the live socket, and who else works there ----------------------------------


class ConnectGuardRegistry(Registry[Callable[[Any, Any], bool]]):
    """Checks run when a socket connects; any guard returning True refuses it (e.g. a chat ban).
    Guards are plain sync functions ``guard(user, event) -> bool`` (the consumer runs them in a
    thread)."""

    def refuses(self, user, event) -> bool:
        return any(guard(user, event) for guard in self)


connect_guards = ConnectGuardRegistry("connect guard")


_STAFF = _lazy("Staff")


@dataclass(frozen=True)
class EventRole:
    """People other than the team and the attendees who work in an event: they enter it while
    it is public, and chat shows them as staff (and lets them delete messages at their places)."""

    of_event: Callable[[User, Event], bool]  # has this role somewhere in the event
    of_place: Callable[[User, str, int], bool]  # has it at this place (kind, id): its chat's staff
    # The accounts among these ids with this role in any event: deleting a registration keeps them,
    # and they sign in with their password, never by a link or code alone.
    accounts: Callable[[list[int]], set[int]]
    chat_label: Any = _STAFF  # beside their name in chat


class EventRoleRegistry(Registry[EventRole]):
    def has_role(self, user: User, event: Event) -> bool:
        return any(role.of_event(user, event) for role in self)

    def is_staff_at(self, user: User, kind: str, place_id: int) -> bool:
        return any(role.of_place(user, kind, place_id) for role in self)

    def accounts(self, user_ids: list[int]) -> set[int]:
        return set().union(*(role.accounts(user_ids) for role in self)) if user_ids else set()

    def chat_label(self) -> Any:
        """How chat names staff (one stored role, "staff"): as the first registered role does."""
        return next((role.chat_label for role in self), _STAFF)


event_roles = EventRoleRegistry("event role")


# --- Presence: the places one can be in, and who hears of entries ------------------------


@dataclass(frozen=True)
class PresencePlace:
    kind: str  # a registered place kind, or "lobby"
    id: int
    parent: str | None = None  # the place key whose page shows this place's count ("kind:3")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class PlaceKind:
    """A kind of place presence knows. `find(event, id)` returns the PresencePlace, or None if not
    in the event (sync: it may query the database)."""

    find: Callable[[Any, int], PresencePlace | None]
    # The places of this kind in an event, as (id, id of the place it is inside or None), for the
    # organiser's dashboard: event_places(event_id).
    event_places: Callable[[int], list[tuple[int, int | None]]]
    # The event's reverse relation to these places: which events a batch of changed places is in.
    event_relation: str
    # The dashboard's key for this kind's counts ("sessions"); a place with children names their
    # counts by its child kind's plural too.
    plural: str
    # The place whose page shows this one's count ("kind:3"), for places known only by key (swept
    # from a dead process).
    parent: Callable[[int], str | None] | None = None
    # The kind of the places inside this one, and their ids: a newcomer sees their counts at once,
    # and the tick sends them with this place's count.
    child_kind: str = ""
    children: Callable[[int], list[int]] | None = None
    # Who is in the place is shown: while it is small its sockets hear each arrival and departure
    # ("<kind>.joined", "<kind>.left"), and "who's here" is paged; otherwise counts only.
    people: bool = False
    chat: bool = False  # the place has a chat room "kind:id"


class PresencePlaceRegistry(Registry[PlaceKind]):
    def find(self, event, kind: str, place_id: int) -> PresencePlace | None:
        place_kind = self.get(kind)
        return place_kind.find(event, place_id) if place_kind else None

    def rebuild(self, kind: str, place_id: int) -> PresencePlace:
        """The place of a bare key, with its parent (may query the database)."""
        place_kind = self.get(kind)
        parent = place_kind.parent if place_kind else None
        return PresencePlace(kind, place_id, parent=parent(place_id) if parent else None)

    def children(self, kind: str, place_id: int) -> list[int]:
        place_kind = self.get(kind)
        return place_kind.children(place_id) if place_kind and place_kind.children else []


presence_places = PresencePlaceRegistry("presence place kind")

#: Called synchronously, in a worker thread, with a batch of entries (events.live.presence.entries
#: .Entry: kind, place_id, attendee_id, at) every few seconds: entering a place never waits.
presence_listeners: Registry[Callable[[list[Any]], Any]] = Registry("presence listener")

#: Awaited with the connection when a live socket closes (after it left its presence place), so
#: an app can end what the socket held at once instead of waiting for a timeout. A listener's
#: failure is logged, not raised.
socket_disconnect_listeners: Registry[Callable[[Any], Awaitable[None]]] = Registry(
    "socket disconnect listener"
)

#: Awaited as ``leave(session_id, user_id)`` when someone leaves a session's stage (taken off by
#: a moderator, or no longer named a speaker): live video ends their streams there at once.
stage_exits: Registry[Callable[[int, int], Awaitable[None]]] = Registry("stage exit")


# --- Before publishing ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishWarning:
    """Something an organiser may want to fix before publishing; it never blocks publishing."""

    code: str  # stable, e.g. "texts.missing_translation"
    message: str  # in the reader's language
    url_name: str = ""  # the organiser page where it is fixed (reversed with the event's slug)


#: ``check(event) -> list[PublishWarning]``, run in the order registered.
publish_checks: Registry[Callable[[Any], list[PublishWarning]]] = Registry("publish check")


# --- What other apps add to the organiser's pages and the event's pages ----------------------


@dataclass(frozen=True)
class DashboardCount:
    """A figure on the organiser's overview, linking to the page where it is managed."""

    label: Any  # a lazy translation
    count: Callable[[Any], int]  # count(event)
    url_name: str  # reversed with the event's slug


dashboard_counts: Registry[DashboardCount] = Registry("dashboard count")

#: What to do with a new draft before publishing it, one sentence each (lazy translations): the
#: organiser reads them when the event is created.
draft_advice: Registry[Any] = Registry("draft advice")

#: ``make(event) -> events.charts.Chart``: charts of counts other apps add to the overview, by
#: name (in the chart's URLs), after the event's own (events.services.activity.EVENT_CHARTS).
dashboard_charts: Registry[Callable[[Any], Any]] = Registry("dashboard chart")


@dataclass(frozen=True)
class MenuEntry:
    """An entry of the organiser's menu of one event."""

    label: Any  # a lazy translation
    url_name: str  # reversed with the event's slug; also what marks the entry as the current page


organiser_menu: Registry[MenuEntry] = Registry("organiser menu entry")


@dataclass(frozen=True)
class PageSection:
    """A part another app adds to one of the event's pages: `template` is included with
    ``section`` set to ``context(event, **page)`` (what the page passes: its attendance...)."""

    page: str  # "lobby", "lobby.tour" (links), "organiser.live"
    template: str
    context: Callable[..., dict[str, Any]] | None = None


class PageSectionRegistry(Registry[PageSection]):
    def on(self, page: str, event: Event, **page_context: Any) -> list[tuple[str, dict[str, Any]]]:
        """(template, section context) of each section of `page`, in the order registered."""
        return [
            (section.template, section.context(event, **page_context) if section.context else {})
            for section in self
            if section.page == page
        ]


page_sections = PageSectionRegistry("page section")


# --- Who else holds API tokens and webhooks ----------------------------------------------------


@dataclass(frozen=True)
class ApiParty:
    """Someone in an event, other than its owners, with their own API tokens and webhooks (named
    by kind and id: events stores ``owner_kind``, ``owner_id``). Registered under its kind."""

    label: Any  # a lazy translation naming the party in messages and the audit log
    scopes: dict[str, Any]  # what its tokens may do: {scope: lazy label}
    webhook_kinds: dict[str, Any]  # what its webhooks hear of: {kind: lazy label}
    # may_manage(user, event, owner_id): makes, revokes and uses its tokens and webhooks.
    may_manage: Callable[[Any, Any, int], bool]
    # How its people are named in the audit log (a role registered in audit_actors); "" as the team.
    audit_role: str = ""


api_parties: Registry[ApiParty] = Registry("API party kind")


# --- What other apps write in the audit log --------------------------------------------------

#: Audit actions other apps record, by their stored value: {"value": lazy label}.
audit_actions: Registry[Any] = Registry("audit action")
#: Who else acts in the audit log, by the stored role ("staff"): ``describe(address) -> str``, the
#: actor as the organiser reads it; record_audit(..., as_role=role) names them by address.
audit_actors: Registry[Callable[[str], str]] = Registry("audit actor role")
#: The subjects other apps name ("kind:12"), by kind: ``describe(number) -> str``.
audit_subjects: Registry[Callable[[str], str]] = Registry("audit subject kind")


def audit_action_choices() -> list[tuple[str, Any]]:
    """The audit log's actions: the event's own (events.enums.AuditAction) and the registered."""
    return [*AuditAction.choices, *audit_actions.items()]


# --- The shapes of the live socket's pushes ---------------------------------------------------

#: Each push frame type's shape (a TypedDict of its `data`), by type: events' own are in
#: events.live.pushes; an app registers those of the places it adds ("<kind>.count"...).
push_shapes: Registry[type] = Registry("push shape")

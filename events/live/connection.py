"""What a socket handler is handed: the live connection, typed. The consumer (events.live.consumer)
is the one implementation; handlers, presence and other apps' handlers see only this."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from events.models import Attendee, Event, User
    from events.registry import PresencePlace


@dataclass(frozen=True, slots=True)
class Admission:
    """What connecting to an event found, worked out once (a reconnect works it out afresh)."""

    event: Event | None  # None: no such event
    allowed: bool  # may be in the live event (its team, confirmed attendees, exhibitor staff)
    attendee: Attendee | None = None  # the person's registration, if they have one
    is_team: bool = False
    granted: Mapping[str, bool] = field(default_factory=dict)  # the handlers' permissions on the event


@runtime_checkable
class LiveConnection(Protocol):
    """One open socket (one browser tab) of one person in one event."""

    event: Event
    user: User
    attendee: Attendee | None
    is_team: bool
    language: str  # the page's language: replies and errors are built in it
    channel_name: str  # where the channel layer reaches this socket, on whichever process
    last_heard: float  # time.monotonic() of its last frame (the silent-socket sweep reads it)
    # The presence place it is in: set and cleared only by events.live.presence.places.
    place: PresencePlace | None

    @property
    def connection_id(self) -> str:
        """Stable for the socket's life: the presence store's member id."""
        ...

    async def join_group(self, name: str) -> None:
        """Join a live group (events.live.groups); left on its own when the socket closes."""
        ...

    async def leave_group(self, name: str) -> None: ...

    async def push(self, frame_type: str, data: Mapping[str, Any]) -> None:
        """Send this socket one push frame (events.live.pushes names their shapes)."""
        ...

    async def send(self, text_data: str | None = None, bytes_data=None, close: bool = False) -> None:
        """Send an already serialised frame (a tick serialises once for many sockets)."""
        ...

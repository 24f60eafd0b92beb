"""What the events app registers in its own registries, in one place (as each app does in its
contributions module); loaded by EventsConfig.ready()."""

from __future__ import annotations

from . import registry
from .live import (
    chat_handlers,  # noqa: F401  chat's socket handlers and connect guard
    dashboard_handlers,  # noqa: F401  the organiser's live dashboard
    socket_handlers,  # noqa: F401  the event's own socket handlers
)
from .live.presence.places import find_session, sessions_in_event
from .services import (
    chat_shredding,  # noqa: F401  chat's shredding strategy
    privacy,  # noqa: F401  the event's own shredding strategy
)
from .services.chat import attendee_messages
from .services.publish_checks import register_event_checks

registry.presence_places.register(
    "session",
    registry.PlaceKind(
        find_session, sessions_in_event, event_relation="sessions", plural="sessions", chat=True
    ),
)
registry.attendee_data.register("chat_messages", attendee_messages)
register_event_checks()  # before other apps' checks, so the checklist starts with the event's own texts

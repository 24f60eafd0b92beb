from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from .live import (
            chat_handlers,  # noqa: F401  chat's socket handlers and connect guard
            dashboard_handlers,  # noqa: F401  the organiser's live dashboard
            socket_handlers,  # noqa: F401  registers the event's own socket handlers
        )
        from .live.presence.places import find_session
        from .registry import presence_places
        from .services import (
            chat_shredding,  # noqa: F401  registers chat's shredding strategy
            privacy,  # noqa: F401  registers the event's own shredding strategy
        )

        presence_places.register("session", find_session)

        from .registry import attendee_data
        from .services.chat import attendee_messages

        attendee_data.register("chat_messages", attendee_messages)

        from .services.publish_checks import register_event_checks

        register_event_checks()  # first, so the checklist starts with the event's own texts

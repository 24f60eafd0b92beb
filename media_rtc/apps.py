"""Live booth video: rooms, aiortc peers and the forwarding of media between them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaRtcConfig(AppConfig):
    name = "media_rtc"
    verbose_name = _("Live video")

    def ready(self) -> None:
        from events import registry

        from . import (
            rules,  # noqa: F401  media_rtc.go_live and the room permissions (media_rtc.rules)
            socket_handlers,  # live video signalling ("rtc.*") on the live socket
        )

        # A closed socket leaves its rooms at once (not when its peer connections time out).
        registry.socket_disconnect_listeners.append(socket_handlers.leave_everything)

        # /readyz: with media workers in use, at least one must be beating its heartbeat.
        from django.conf import settings

        from rakwon_site.health import readiness_checks, redis_heartbeat_check

        if settings.RTC_MEDIA_WORKERS:
            check = redis_heartbeat_check(
                settings.RTC_REDIS_PREFIX + "worker:",
                what="media worker",
                start_with="python manage.py media_worker",
            )
            readiness_checks.add("media_workers", check)

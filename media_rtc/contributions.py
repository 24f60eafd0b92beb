"""Everything live video adds to events and to the site, in one place; loaded by
MediaRtcConfig.ready()."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import registry
from rakwon_site.health import readiness_checks, redis_heartbeat_check

from . import (
    conference_handlers,  # noqa: F401  a conference's frames ("rtc.conference.*")
    rules,  # noqa: F401  media_rtc.go_live and the room permissions (media_rtc.rules)
    socket_handlers,  # live video signalling ("rtc.*") on the live socket
    stage,  # a session's stage ("stage.<session id>")
)
from .services import (
    conferences,
    recordings,  # noqa: F401  a deleted recording (or its session) takes its files
)

# A closed socket leaves its rooms at once (not when its peer connections time out).
registry.socket_disconnect_listeners.register("media_rtc.leave_rooms", socket_handlers.leave_everything)
# Someone taken off a session's stage stops publishing there at once.
registry.stage_exits.register("media_rtc.end_streams_on_stage", stage.end_streams_on_stage)

# The organiser arranges conferences (many organisations on one screen) from their menu; an
# invited attendee finds theirs in the lobby.
registry.organiser_menu.register(
    "media_rtc.conferences", registry.MenuEntry(_("Conferences"), "rtc_meetings:conferences")
)
registry.page_sections.register(
    "media_rtc.lobby_conferences",
    registry.PageSection("lobby", "media_rtc/_lobby_conferences.html", conferences.lobby_conferences),
)

# /readyz: with media workers in use, at least one must be beating its heartbeat.
if settings.RTC_MEDIA_WORKERS:
    readiness_checks.add(
        "media_workers",
        redis_heartbeat_check(
            settings.RTC_REDIS_PREFIX + "worker:",
            what="media worker",
            start_with="python manage.py media_worker",
        ),
    )

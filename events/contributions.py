"""What the events app registers in its own registries, in one place (as each app does in its
contributions module); loaded by EventsConfig.ready()."""

from __future__ import annotations

from django.conf import settings

from . import registry
from .live import (
    chat_handlers,  # noqa: F401  chat's socket handlers and connect guard
    dashboard_handlers,  # noqa: F401  the organiser's live dashboard
    poll_handlers,  # noqa: F401  polls in a session
    qa_handlers,  # noqa: F401  questions to a session
    socket_handlers,  # noqa: F401  the event's own socket handlers
    stage_handlers,  # noqa: F401  raised hands on a session's stage
)
from .live.presence import ticker
from .live.presence.places import find_session, sessions_in_event
from .services import (
    chat_shredding,  # noqa: F401  chat's shredding strategy
    privacy,  # noqa: F401  the event's own shredding strategy
    session_poll_shredding,  # noqa: F401  polls' shredding strategy (their votes)
    session_question_shredding,  # noqa: F401  Q&A's shredding strategy
    stage,  # the stage's permissions (events.speak_on_stage...), its audit words
    stage_shredding,  # noqa: F401  the stage's shredding strategy
)
from .services.activity import sample_online
from .services.chat import attendee_messages
from .services.publish_checks import register_event_checks
from .services.session_polls import attendee_poll_votes
from .services.session_questions import attendee_questions
from .services.stage import attendee_stage

registry.presence_places.register(
    "session",
    registry.PlaceKind(
        find_session, sessions_in_event, event_relation="sessions", plural="sessions", chat=True
    ),
)
registry.attendee_data.register("chat_messages", attendee_messages)
registry.attendee_data.register("session_questions", attendee_questions)
registry.attendee_data.register("poll_votes", attendee_poll_votes)
registry.attendee_data.register("stage", attendee_stage)
# Each stage invitation mail tried is in the audit log (an outside speaker's address was mailed).
registry.audit_actions.register(stage.INVITATION_MAILED, stage.INVITATION_MAILED_LABEL)
registry.audit_subjects.register(stage.SPEAKER_SUBJECT, stage.describe_speaker_subject)
register_event_checks()  # before other apps' checks, so the checklist starts with the event's own texts
if not settings.REDIS_URL:
    # The embedded mode's presence is in the web process's memory: it samples the online count for
    # the dashboard's chart itself (with Redis, beat's task does, from any worker).
    ticker.add_chore(
        "online samples", settings.ONLINE_SAMPLE_SECONDS, lambda: sample_online(holds_the_sockets=True)
    )

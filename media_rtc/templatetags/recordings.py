"""{% session_replay session %}: the session page's replay (media_rtc/_session_replay.html)."""

from django import template

from events.permissions import ENTER_EVENT

from ..models import Recording, RecordingState

register = template.Library()


@register.inclusion_tag("media_rtc/_session_replay_body.html", takes_context=True)
def session_replay(context, session) -> dict:
    """The newest replay of the session that is ready or being prepared, and whether the session
    is being recorded now; the video only for those in the live event."""
    recordings = Recording.objects.filter(session=session)
    shown = (
        recordings.filter(state__in=[RecordingState.READY, RecordingState.PROCESSING])
        .order_by("-state", "-started_at", "-pk")  # "ready" sorts after "processing": a ready one first
        .first()
    )
    user = context["request"].user
    return {
        "event": session.event,
        "recording_now": recordings.filter(state=RecordingState.RECORDING).exists(),
        "shown": shown,
        "may_watch": user.has_perm(ENTER_EVENT, session.event),
    }

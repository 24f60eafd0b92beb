"""The polls of a session on its page: `{% session_polls session %}` (events/live/polls.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from ..models import PollState
from ..permissions import ENTER_EVENT
from ..rules import is_confirmed_attendee
from ..services import session_polls as polls

register = template.Library()


def with_rows(poll: dict[str, Any]) -> dict[str, Any]:
    """Each answer with its count and share, as the page writes them (a share in whole percent)."""
    results = poll["results"]
    total = results["total"] if results else 0
    rows = []
    for option in poll["options"]:
        count = results["counts"].get(str(option["id"]), 0) if results else 0
        share = round(count * 100 / total) if total else 0
        rows.append({**option, "count": count, "share": share, "mine": option["id"] == poll["mine"]})
    return {**poll, "rows": rows, "total": total, "is_open": poll["state"] == PollState.OPEN}


@register.inclusion_tag("events/live/polls.html", takes_context=True)
def session_polls(context, session) -> dict:
    """Nothing for those outside the live event; the polls and their forms for everyone in it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(ENTER_EVENT, session.event):
        return {"shown": False}
    return {
        "shown": True,
        "request": request,
        "event": session.event,
        "session": session,
        "polls": [with_rows(poll) for poll in polls.polls_for(session, user)],
        "moderator": polls.may_run_polls(user, session),
        "voter": is_confirmed_attendee(user, session.event),
        "question_max": settings.POLL_QUESTION_MAX_CHARS,
        "option_max": settings.POLL_OPTION_MAX_CHARS,
        "option_slots": range(1, settings.POLL_MAX_OPTIONS + 1),
        "here": request.path,
    }

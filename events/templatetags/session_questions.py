"""The questions of a session on its page: `{% session_questions session %}` (events/live/qa.html)."""

from __future__ import annotations

from django import template
from django.conf import settings

from ..permissions import ENTER_EVENT
from ..services import session_questions as qa

register = template.Library()


@register.inclusion_tag("events/live/qa.html", takes_context=True)
def session_questions(context, session) -> dict:
    """Nothing for those outside the live event; the list and its forms for everyone in it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(ENTER_EVENT, session.event):
        return {"shown": False}
    return {
        "shown": True,
        "request": request,
        "event": session.event,
        "session": session,
        "questions": qa.questions_for(session, user),
        "moderator": qa.may_moderate(user, session),
        "needs_approval": qa.needs_approval(session),
        "max_chars": settings.QA_QUESTION_MAX_CHARS,
        "here": request.path,
    }

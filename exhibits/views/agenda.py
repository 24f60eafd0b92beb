"""The agenda: every session by day or by place, a calendar file per session, and the attendee's
private calendar feed of bookmarked sessions (no log-in: calendar apps fetch it by its address).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.models import Event, Session
from events.services.privacy import attendee_language
from events.views.public import PublicEventMixin, sessions_by_day, zone_label

from ..interfaces.calendar import feed_calendar, session_calendar
from ..services.bookmarks import feed_by_token
from ..services.tour import event_sessions, sessions_by_place
from .public import TourMixin

CALENDAR_TYPE = "text/calendar; charset=utf-8"


class AgendaView(TourMixin, TemplateView):
    template_name = "exhibits/public/agenda.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = event_sessions(self.event)
        by_place = self.request.GET.get("by") == "place"
        context.update(
            by_place=by_place,
            days=[] if by_place else sessions_by_day(self.event, sessions),
            places=sessions_by_place(sessions) if by_place else [],
            has_sessions=bool(sessions),
            zone=zone_label(self.event),
        )
        return context


def calendar_response(body: bytes, file_name: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    return response


class SessionCalendarView(PublicEventMixin, View):
    """One session as an .ics file: "add to calendar" without an account."""

    def get(self, request, *args, **kwargs):
        session = get_object_or_404(Session, pk=self.kwargs["session_id"], event=self.event)
        return calendar_response(
            session_calendar(session), f"{self.event.slug}-session-{session.pk}.ics", download=True
        )


class CalendarFeedView(View):
    """The attendee's feed of bookmarked sessions at a secret address; renewing it kills the old one."""

    def get(self, request, slug: str, token: str):
        event = get_object_or_404(Event, slug=slug)
        feed = feed_by_token(event, token)
        if feed is None:
            raise Http404(_("No such calendar feed. If you renewed its address, subscribe with the new one."))
        with translation.override(attendee_language(feed.attendee)):
            body = feed_calendar(feed.attendee)
        response = calendar_response(body, f"{event.slug}-my-sessions.ics", download=False)
        # A secret address: neither shared caches nor search engines keep it.
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response

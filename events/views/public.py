"""Public pages: the list of events, each event's front page, schedule and colour theme.

Anyone sees published and closed events; a draft is shown only to its team (events.view_event).
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import groupby

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.views import View
from django.views.generic import TemplateView

from ..enums import EventStatus
from ..models import Event, Session
from ..permissions import ENTER_EVENT
from ..registry import session_places
from .mixins import EventPageMixin

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The theme URL carries the colour, so a changed colour is a new URL: caching for a year is safe.
THEME_MAX_AGE = 365 * 24 * 3600


class PublicEventMixin(EventPageMixin):
    """A public page of one event: hides drafts from outsiders and speaks the event's languages.

    The language switcher offers only the event's languages; if the visitor's language is not
    one of them, the page is shown in the event's first language.
    """

    def permitted(self) -> None:
        super().permitted()
        self.use_event_language()

    def use_event_language(self) -> None:
        languages = self.event.languages or [settings.LANGUAGE_CODE]
        if translation.get_language() not in languages:
            translation.activate(languages[0])
            self.request.LANGUAGE_CODE = languages[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["language_choices"] = [
            (code, name) for code, name in settings.LANGUAGES if code in self.event.languages
        ]
        context["theme_version"] = self.event.colour.lstrip("#").lower()
        return context


def sessions_by_day(event: Event, sessions) -> list[tuple[dt.date, list[Session]]]:
    """Group sessions (ordered by start) by their day in the event's time zone."""
    tz = event.tz
    return [
        (day, list(group))
        for day, group in groupby(sessions, key=lambda s: timezone.localtime(s.starts_at, tz).date())
    ]


def zone_label(event: Event) -> str:
    """The event's zone with its UTC offset on the first day, e.g. "Asia/Seoul (UTC+09:00)"."""
    noon = dt.datetime.combine(event.starts_on, dt.time(12), tzinfo=event.tz)
    offset = noon.strftime("%z")
    return f"{event.time_zone} (UTC{offset[:3]}:{offset[3:]})"


class HomeView(TemplateView):
    template_name = "events/public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = Event.objects.filter(status=EventStatus.PUBLISHED).order_by("-starts_on", "name")
        context["past_events"] = Event.objects.filter(status=EventStatus.CLOSED).order_by(
            "-starts_on", "name"
        )[:10]
        return context


class EventView(PublicEventMixin, TemplateView):
    template_name = "events/public/event.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = self.event.sessions.all()
        context["days"] = sessions_by_day(self.event, sessions)
        context["zone"] = zone_label(self.event)
        context["may_enter"] = self.request.user.has_perm(ENTER_EVENT, self.event)
        return context


class ScheduleView(PublicEventMixin, TemplateView):
    template_name = "events/public/schedule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = list(self.event.sessions.prefetch_related("speakers"))
        for session in sessions:
            session.place_label = session_places.label(session)
        context["days"] = sessions_by_day(self.event, sessions)
        context["zone"] = zone_label(self.event)
        return context


class ThemeView(PublicEventMixin, View):
    """The event's colour as a tiny stylesheet (a strict CSP forbids inline styles)."""

    def get(self, request, *args, **kwargs):
        colour = self.event.colour if _COLOUR.match(self.event.colour or "") else "#1a5fb4"
        response = HttpResponse(f":root{{--event-colour:{colour}}}\n", content_type="text/css")
        if request.GET.get("v") == colour.lstrip("#").lower():
            scope = "public" if self.event.is_public else "private"
            response["Cache-Control"] = f"{scope}, max-age={THEME_MAX_AGE}, immutable"
        else:
            response["Cache-Control"] = "no-cache"
        return response

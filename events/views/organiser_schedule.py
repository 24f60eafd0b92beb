"""Organiser pages for an event's schedule: sessions by day in the event's time zone."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from ..errors import EventClosed
from ..forms import SessionForm
from ..models import Session
from ..permissions import CHANGE_EVENT
from ..registry import session_places
from ..services.schedule import delete_session, save_session
from .mixins import ChangeEventMixin, FormRefusalMixin, OrganiserMixin


class ScheduleView(OrganiserMixin, TemplateView):
    template_name = "events/organiser/schedule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = self.event.tz
        sessions = self.event.sessions.prefetch_related("speakers").order_by("starts_at", "title")
        rows = [{"session": session, "place": session_places.label(session)} for session in sessions]
        # Grouped by the day as the event's visitors live it, not by the server's calendar.
        context["days"] = [
            (day, list(group))
            for day, group in groupby(rows, key=lambda row: row["session"].starts_at.astimezone(tz).date())
        ]
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class SessionMixin:
    """Loads `self.session` (of this event only) from the `session_id` URL argument."""

    @cached_property
    def session(self) -> Session:
        return get_object_or_404(self.event.sessions, pk=self.kwargs["session_id"])


class SessionFormView(FormRefusalMixin, ChangeEventMixin, FormView):
    template_name = "events/organiser/session_form.html"
    form_class = SessionForm
    session: Session | None = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_initial(self):
        return SessionForm.initial_for(self.session) if self.session else {"day": self.event.starts_on}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "session": self.session}

    def form_valid(self, form):
        try:
            session = save_session(self.event, self.session, **form.session_fields())
        except (ValidationError, EventClosed) as error:
            return self.form_refused(form, error)
        messages.success(self.request, _("“%(title)s” is on the schedule.") % {"title": session.title})
        return redirect("organiser:schedule", slug=self.event.slug)


class SessionCreateView(SessionFormView):
    pass


class SessionEditView(SessionMixin, SessionFormView):
    pass


class SessionDeleteView(SessionMixin, ChangeEventMixin, TemplateView):
    template_name = "events/organiser/session_delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "session": self.session}

    def post(self, request, *args, **kwargs):
        title = self.session.title
        try:
            delete_session(self.session)
        except EventClosed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(title)s” is taken off the schedule.") % {"title": title})
        return redirect("organiser:schedule", slug=self.event.slug)

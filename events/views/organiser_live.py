"""The organiser's live view of an event: how many people are where, updated over the socket."""

from __future__ import annotations

from django.views.generic import TemplateView

from .mixins import OrganiserMixin


class LiveView(OrganiserMixin, TemplateView):
    """The page lists the event's places (other apps add theirs: registry.page_sections,
    "organiser.live"); dashboard.js fills in the counts and keeps them fresh."""

    template_name = "events/organiser/live.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sessions"] = self.event.sessions.order_by("starts_at")
        return context

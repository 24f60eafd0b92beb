"""The organiser's live view of an event: how many people are where, updated over the socket."""

from __future__ import annotations

from django.views.generic import TemplateView

from .mixins import OrganiserMixin


class LiveView(OrganiserMixin, TemplateView):
    """The page lists the event's places; dashboard.js fills in the counts and keeps them fresh."""

    template_name = "events/organiser/live.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        # Reverse relations only: events never imports the exhibits app.
        booths = list(event.booths.select_related("exhibitor").order_by("number"))
        halls = [
            (hall, [b for b in booths if b.hall_id == hall.pk]) for hall in event.halls.order_by("position")
        ]
        context["halls"] = halls
        context["sessions"] = event.sessions.order_by("starts_at")
        return context

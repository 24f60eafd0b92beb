"""A session's own page: when and where it is, who is there now, and its chat."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from events.models import Session
from events.permissions import ENTER_EVENT
from events.views.public import zone_label

from ..services.tour import with_places
from .public import TourMixin


class SessionView(TourMixin, TemplateView):
    """As public as the agenda; presence and chat only for those who may be in the live event."""

    template_name = "exhibits/public/session.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = get_object_or_404(Session, pk=self.kwargs["session_id"], event=self.event)
        in_event = self.request.user.has_perm(ENTER_EVENT, self.event)
        context.update(
            session=with_places(Session.objects.filter(pk=session.pk))[0],
            zone=zone_label(self.event),
            chat_room=f"session:{session.pk}" if in_event else "",
        )
        return context

"""A session's own page: when and where it is, its stage (starts in…, live, ended; the speakers'
video, the green room, raised hands, the presented document beside the video), who is there now,
and its chat."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from events.models import Session
from events.permissions import ENTER_EVENT
from events.services import stage
from events.views.public import zone_label

from ..services import presenting, stage_documents
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
            stage=self.stage_of(session, in_event),
            may_change_stage_documents=stage_documents.may_change_stage_documents(self.request.user, session),
        )
        if in_event:
            # The documents its presenters may show, with their pages for following along.
            place = presenting.session_place(session)
            context.update(
                stage_documents=list(place.documents().prefetch_related("pages")),
                may_present_on_stage=presenting.may_present(place, self.request.user),
            )
        return context

    def stage_of(self, session, in_event: bool) -> dict:
        """The stage as this person sees it; its status by the server's clock (the page's script
        counts on from the seconds given here, not from the visitor's clock)."""
        now = timezone.now()
        user = self.request.user
        shown = {
            "status": stage.stage_status(session, now),
            "starts_in": round((session.starts_at - now).total_seconds()),
            "ends_in": round((session.ends_at - now).total_seconds()),
            "may_name_speakers": stage.may_name_speakers(user, session),
        }
        if in_event:
            shown.update(stage.stage_state(session, user))
        return shown

"""Pages of live video: "Join" on a meeting booked ahead, which opens it as a meeting room on the
booth's page (live_video.js enters the room named in the address's #meeting=...), or, for a
meeting between two visitors, on the meeting page of its own (no booth)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.errors import NotAllowed
from events.views.mixins import SignedInAttendeeMixin
from exhibits.models import Appointment, VisitorMeeting
from exhibits.models.appointments import AskedBy
from exhibits.services import visitor_meetings
from exhibits.services.appointments import AppointmentError, join_meeting, side_of

from .services.meetings import open_booked_meeting


class JoinBookedMeetingView(LoginRequiredMixin, View):
    """Either side of a confirmed meeting, at its time: into the meeting room on the booth page.
    A meeting that is not yours is not there (404)."""

    http_method_names = ["post"]

    def post(self, request, slug: str, appointment_id: int):
        appointment = get_object_or_404(
            Appointment.objects.select_related("booth__event", "booth__exhibitor", "attendee", "staff__user"),
            pk=appointment_id,
            booth__event__slug=slug,
        )
        try:
            side = side_of(appointment, request.user)
        except NotAllowed as refused:
            raise Http404(_("No such meeting.")) from refused
        try:
            room = join_meeting(appointment, by=request.user)
        except AppointmentError as error:
            messages.error(request, error.message)
            if side == AskedBy.STAFF:
                return redirect("exhibitor:meetings", appointment.booth.exhibitor_id)
            return redirect("visit:meetings", slug)
        open_booked_meeting(room.token, booth_id=room.booth_id, event_id=room.event_id, members=room.members)
        return redirect(reverse("visit:booth", args=[slug, appointment.booth_id]) + f"#meeting={room.token}")


class JoinVisitorMeetingView(LoginRequiredMixin, View):
    """Either visitor of a confirmed meeting between two, at its time: into its room on the
    meeting page. A meeting that is not yours is not there (404)."""

    http_method_names = ["post"]

    def post(self, request, slug: str, meeting_id: int):
        meeting = get_object_or_404(
            VisitorMeeting.objects.select_related("event", "asker", "invitee"),
            pk=meeting_id,
            event__slug=slug,
        )
        try:
            visitor_meetings.side_in(meeting, request.user)
        except NotAllowed as refused:
            raise Http404(_("No such meeting.")) from refused
        try:
            room = visitor_meetings.join_meeting(meeting, by=request.user)
        except AppointmentError as error:
            messages.error(request, error.message)
            return redirect("visit:meetings", slug)
        open_booked_meeting(room.token, booth_id=None, event_id=room.event_id, members=room.members)
        return redirect(reverse("rtc_meetings:room", args=[slug]) + f"#meeting={room.token}")


class MeetingPageView(SignedInAttendeeMixin, TemplateView):
    """The meeting room without a booth: the players and one's own camera (live_video.js). The
    room is named only in the address's #meeting=...; the socket lets in its members alone."""

    template_name = "media_rtc/meeting_page.html"

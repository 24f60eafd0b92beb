"""Meetings between two visitors, by consent: the list of people open to meetings, asking one of
them for a time, and answering (accept, decline, propose another time, cancel). The meetings
themselves are listed with the others on "My meetings" (views.appointments.MyMeetingsView).

Someone hidden or not open to meetings is not there (404), and a meeting that is not yours
neither: nothing here tells whether such a person exists.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from events.errors import NotAllowed
from events.services.registration import attendance_of
from events.views.mixins import VisitorSignInMixin

from ..models import VisitorMeeting
from ..models.appointments import NOTE_MAX_LENGTH
from ..models.visitor_meetings import VISITOR_MEETING_LENGTHS
from ..services import visitor_meetings as service
from ..services.appointments import AppointmentError

PEOPLE_PER_PAGE = 20


class MeetingTimeForm(forms.Form):
    """A proposed start (a day and a time in the event's time zone) and a length."""

    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=gettext_lazy("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    length = forms.TypedChoiceField(
        label=gettext_lazy("Length"),
        coerce=int,
        choices=[(n, gettext_lazy("%(n)s minutes") % {"n": n}) for n in VISITOR_MEETING_LENGTHS],
        initial=30,
    )

    def starts_at(self) -> dt.datetime:
        """Naive: the service reads it in the event's time zone."""
        return dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"])


class AskMeetingForm(MeetingTimeForm):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=gettext_lazy("What you would like to talk about. At most 500 characters."),
    )


def _refused(error: NotAllowed) -> PermissionDenied:
    return PermissionDenied(error.message)


# --- Who is open to meetings --------------------------------------------------------------------


class PeopleOpenToMeetingsView(VisitorSignInMixin, TemplateView):
    """A paged list of the visitors one may ask, by public name; to those not open to meetings
    themselves, how to become so instead."""

    template_name = "exhibits/appointments/people.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            people = service.people_open_to_meetings(self.event, by=self.request.user)
        except NotAllowed as refused:
            context.update(refusal=refused.message, page=None)
            return context
        page = Paginator(people, PEOPLE_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(refusal=None, page=page)
        return context


class AskForMeetingView(VisitorSignInMixin, TemplateView):
    """Ask one person for a time; a refusal shows the form again with what was typed."""

    template_name = "exhibits/appointments/ask.html"
    http_method_names = ["get", "post"]

    @cached_property
    def invitee(self):
        me = attendance_of(self.event, self.request.user)
        try:
            service.people_open_to_meetings(self.event, by=self.request.user)
        except NotAllowed as refused:
            raise _refused(refused) from refused
        found = (
            service.open_people(self.event).exclude(pk=me.pk).filter(pk=self.kwargs["attendee_id"]).first()
        )
        if found is None:
            raise Http404(_("No such person."))
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            invitee_name=service.shown_name(self.invitee),
            zone=self.event.time_zone,
            attendee_id=self.invitee.pk,
        )
        context.setdefault("form", AskMeetingForm())
        return context

    def post(self, request, *args, **kwargs):
        invitee = self.invitee
        form = AskMeetingForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            service.ask_for_meeting(
                self.event,
                invitee.pk,
                starts_at=form.starts_at(),
                length_minutes=form.cleaned_data["length"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except NotAllowed as refused:
            raise _refused(refused) from refused
        except AppointmentError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("You asked %(name)s for a meeting. You will get a mail when they answer.")
            % {"name": service.shown_name(invitee)},
        )
        return redirect("visit:meetings", self.event.slug)


# --- Answering one meeting ----------------------------------------------------------------------


class VisitorMeetingMixin(VisitorSignInMixin):
    """One meeting between two visitors (`visitor_meeting_id`), for its two people only: 404."""

    @cached_property
    def meeting(self) -> VisitorMeeting:
        meeting = get_object_or_404(
            VisitorMeeting.objects.select_related("event", "asker", "invitee"),
            pk=self.kwargs["visitor_meeting_id"],
            event=self.event,
        )
        try:
            self.side = service.side_in(meeting, self.request.user)
        except NotAllowed as refused:
            raise Http404(_("No such meeting.")) from refused
        return meeting

    def answered(self, action, success: str):
        try:
            action(self.meeting, by=self.request.user)
        except AppointmentError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, success)
        return redirect("visit:meetings", self.event.slug)


class AcceptVisitorMeetingView(VisitorMeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.answered(service.accept_meeting, _("You accepted the meeting. The other person is told."))


class DeclineVisitorMeetingView(VisitorMeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.answered(
            service.decline_meeting, _("You declined the meeting. The other person is told.")
        )


class CancelVisitorMeetingView(VisitorMeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.answered(service.cancel_meeting, _("The meeting is cancelled. The other person is told."))


class ProposeVisitorMeetingTimeView(VisitorMeetingMixin, TemplateView):
    """Another time for the meeting; the other person must accept it."""

    template_name = "exhibits/appointments/propose.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        starts = timezone.localtime(meeting.starts_at, self.event.tz)
        minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
        context.update(
            meeting=meeting,
            other_name=service.shown_name(service.other_of(meeting, self.side)),
            zone=self.event.time_zone,
        )
        context.setdefault(
            "form", MeetingTimeForm(initial={"day": starts.date(), "start": starts.time(), "length": minutes})
        )
        return context

    def post(self, request, *args, **kwargs):
        meeting = self.meeting
        form = MeetingTimeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            service.propose_time(
                meeting,
                starts_at=form.starts_at(),
                length_minutes=form.cleaned_data["length"],
                by=request.user,
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("You proposed another time. The other person must accept it."))
        return redirect("visit:meetings", self.event.slug)

"""Meetings by appointment, both sides: a visitor books a time from the booth page and keeps
"My meetings"; staff publish times and read their day as an agenda; either side confirms,
cancels or proposes another time; the organiser reads the counts per exhibitor.

A meeting that is not yours is not there (404), like another exhibitor's back office.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from events.errors import NotAllowed
from events.models.texts import text_in
from events.services.registration import attendance_of
from events.views.mixins import OrganiserMixin, PermissionMixin, VisitorSignInMixin

from ..models import Appointment, Exhibitor, Lead, MeetingSlot
from ..models.appointments import BUFFER_MAX_MINUTES, LENGTH_CHOICES_MINUTES, NOTE_MAX_LENGTH, AskedBy
from ..permissions import MANAGE_MEETINGS, VIEW_MEETING
from ..services import appointments as service
from ..services import visitor_meetings
from ..services.appointments import AppointmentError
from ..services.staff_calendar import staff_calendar_feed_of
from .leads import BoothAttendeeMixin
from .mixins import ExhibitorBackofficeMixin

# --- Forms ----------------------------------------------------------------------------------


class BookingForm(forms.Form):
    slot = forms.TypedChoiceField(
        label=gettext_lazy("Time"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("This time is no longer free. Choose another one."),
            "required": gettext_lazy("Choose one of the times."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the staff (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=gettext_lazy("What you would like to talk about. At most 500 characters."),
    )

    def __init__(self, *args, slots=(), tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.pk, slot_label(slot, tz)) for slot in slots]


class PublishForm(forms.Form):
    booth = forms.TypedChoiceField(label=gettext_lazy("Booth"), coerce=int)
    staff = forms.TypedChoiceField(
        label=gettext_lazy("Who meets"), coerce=int, empty_value=None, required=False
    )
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=gettext_lazy("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    length = forms.TypedChoiceField(
        label=gettext_lazy("Length of each meeting"),
        coerce=int,
        choices=[(n, gettext_lazy("%(n)s minutes") % {"n": n}) for n in LENGTH_CHOICES_MINUTES],
        initial=30,
    )
    buffer = forms.IntegerField(
        label=gettext_lazy("Break after each meeting (minutes)"),
        min_value=0,
        max_value=BUFFER_MAX_MINUTES,
        initial=0,
    )

    def __init__(self, *args, exhibitor: Exhibitor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].choices = [(booth.pk, booth.number) for booth in exhibitor.booths.all()]
        self.fields["staff"].choices = [("", _("Anyone of the booth's staff"))] + [
            (member.pk, member.user.display_name or member.user.email)
            for member in exhibitor.staff.select_related("user")
        ]


def slot_label(slot: MeetingSlot, tz) -> str:
    starts = timezone.localtime(slot.starts_at, tz)
    ends = timezone.localtime(slot.ends_at, tz)
    return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}"


def _service_error(request, error: AppointmentError) -> None:
    messages.error(request, error.message)


# --- The visitor books from the booth page ---------------------------------------------------


class BookMeetingView(BoothAttendeeMixin, TemplateView):
    """The booth's free times; posting one books it. A refused booking shows this page again
    with the visitor's note kept and the reason on top."""

    template_name = "exhibits/appointments/book.html"
    http_method_names = ["get", "post"]

    def get_form(self, data=None) -> BookingForm:
        return BookingForm(data, slots=service.free_slots(self.booth), tz=self.event.tz)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(booth=self.booth, exhibitor=self.booth.exhibitor, zone=self.event.time_zone)
        context.setdefault("form", self.get_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        slot = (
            MeetingSlot.objects.filter(pk=form.cleaned_data["slot"], booth=self.booth)
            .select_related("booth__event")
            .first()
        )
        try:
            if slot is None:
                raise AppointmentError(_("This time is no longer offered. Choose another one."))
            service.book_slot(slot, self.attendee, note=form.cleaned_data["note"], by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except AppointmentError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request, _("You asked for a meeting. You will get a mail when the booth's staff confirm it.")
        )
        return redirect("visit:meetings", self.event.slug)


class MyMeetingsView(VisitorSignInMixin, TemplateView):
    template_name = "exhibits/appointments/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendee = attendance_of(self.event, self.request.user)
        meetings = list(service.meetings_of_attendee(attendee)) if attendee else []
        for each in meetings:
            each.may_join = service.may_join_now(each)
            each.waits_for_me = each.is_open and each.visitor_agreed_at is None
        with_visitors = list(visitor_meetings.visitor_meetings_of(attendee)) if attendee else []
        for each in with_visitors:
            side = visitor_meetings.ASKER if each.asker_id == attendee.pk else visitor_meetings.INVITEE
            each.may_join = visitor_meetings.may_join_now(each)
            each.waits_for_me = visitor_meetings.waits_for(each, side)
            each.other_name = visitor_meetings.shown_name(visitor_meetings.other_of(each, side))
        context.update(
            meetings=meetings,
            visitor_meetings=with_visitors,
            open_to_meetings=visitor_meetings.is_open_to_meetings(attendee),
            zone=self.event.time_zone,
            attendee=attendee,
        )
        return context


# --- Either side: confirm, cancel, move ------------------------------------------------------


class MeetingActionMixin(PermissionMixin):
    """One meeting (`appointment_id` in the URL), for its two sides only: others get 404."""

    permission_required = VIEW_MEETING
    not_found = gettext_lazy("No such meeting.")

    @cached_property
    def appointment(self) -> Appointment:
        return get_object_or_404(
            Appointment.objects.select_related(
                "booth__event", "booth__exhibitor", "booth__hall", "attendee", "staff__user"
            ),
            pk=self.kwargs["appointment_id"],
            booth__event__slug=self.kwargs["slug"],
        )

    def get_permission_object(self) -> Appointment:
        return self.appointment

    def permission_event(self):
        return self.appointment.booth.event

    def permitted(self) -> None:
        self.side = service.side_of(self.appointment, self.request.user)

    def back(self):
        if self.side == AskedBy.STAFF:
            return redirect("exhibitor:meetings", self.appointment.booth.exhibitor_id)
        return redirect("visit:meetings", self.appointment.booth.event.slug)


class ConfirmMeetingView(MeetingActionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            done = service.confirm_meeting(self.appointment, by=request.user)
        except AppointmentError as error:
            _service_error(request, error)
            return self.back()
        if done.is_confirmed:
            messages.success(request, _("The meeting is confirmed. Press “Join” at the time."))
        else:
            messages.success(request, _("You confirmed. The other side is asked to confirm too."))
        return self.back()


class CancelMeetingView(MeetingActionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            service.cancel_meeting(self.appointment, by=request.user)
        except AppointmentError as error:
            _service_error(request, error)
            return self.back()
        messages.success(request, _("The meeting is cancelled; the other side is told by mail."))
        return self.back()


class MoveMeetingView(MeetingActionMixin, TemplateView):
    """Propose another of the booth's free times."""

    template_name = "exhibits/appointments/move.html"
    http_method_names = ["get", "post"]

    def get_form(self, data=None) -> BookingForm:
        form = BookingForm(
            data, slots=service.free_slots(self.appointment.booth), tz=self.appointment.booth.event.tz
        )
        del form.fields["note"]
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.appointment.booth.event
        context.update(appointment=self.appointment, event=event, zone=event.time_zone)
        context.setdefault("form", self.get_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        slot = MeetingSlot.objects.filter(pk=form.cleaned_data["slot"]).first()
        try:
            service.propose_time(self.appointment, slot, by=request.user)
        except AppointmentError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("You proposed a new time. The other side is asked to confirm it."))
        return self.back()


# --- Staff: their day, their times, inviting a lead ------------------------------------------


class StaffMeetingsMixin(ExhibitorBackofficeMixin):
    """The exhibitor's meetings: its own staff only; the event team, who may open the rest of
    the back office, is told why not."""

    page_permission = MANAGE_MEETINGS

    def refusal_reason(self, permission: str) -> str:
        return _("Meetings are the exhibitor's own: only its staff see them.")


class AgendaView(StaffMeetingsMixin, TemplateView):
    """One day of the exhibitor's meetings (today by default), with the forms to publish times
    and invite a lead."""

    template_name = "exhibits/appointments/agenda.html"

    @cached_property
    def day(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.request.GET.get("day", ""))
        except ValueError:
            return timezone.localdate(timezone=self.exhibitor.event.tz)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.exhibitor.event
        meetings = service.labelled(service.agenda_of(self.exhibitor.pk, self.day, event.tz))
        for each in meetings:
            each.may_join = service.may_join_now(each)
            each.waits_for_me = each.is_open and each.staff_agreed_at is None
        slots = list(service.slots_of(self.exhibitor.pk))
        leads = Lead.objects.filter(exhibitor=self.exhibitor).select_related("attendee")
        context.update(
            day=self.day,
            previous_day=self.day - dt.timedelta(days=1),
            next_day=self.day + dt.timedelta(days=1),
            meetings=meetings,
            slots=slots,
            free_slots=[slot for slot in slots if not slot.open_meetings],
            leads=[(lead.pk, lead.shared_name or _("A visitor (no name shared)")) for lead in leads],
            zone=event.time_zone,
            exhibitor_name=text_in(self.exhibitor, "name"),
            feed_url=self.feed_url(),
        )
        context.setdefault("publish_form", PublishForm(exhibitor=self.exhibitor, initial={"day": self.day}))
        return context

    def feed_url(self) -> str:
        """The address of the viewer's own calendar feed of these meetings (made on first view)."""
        feed = staff_calendar_feed_of(
            self.exhibitor, by=self.request.user, language=translation.get_language() or ""
        )
        path = reverse("exhibitor:meetings_calendar_feed", args=[self.exhibitor.pk, feed.token])
        return self.request.build_absolute_uri(path)


class PublishSlotsView(AgendaView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PublishForm(request.POST, exhibitor=self.exhibitor)
        if form.is_valid():
            data = form.cleaned_data
            booth = self.exhibitor.booths.select_related("event", "exhibitor").get(pk=data["booth"])
            staff = self.exhibitor.staff.filter(pk=data["staff"]).first() if data["staff"] else None
            try:
                made = service.publish_availability(
                    booth,
                    day=data["day"],
                    start=data["start"],
                    end=data["end"],
                    length_minutes=data["length"],
                    buffer_minutes=data["buffer"],
                    staff=staff,
                    by=request.user,
                )
            except AppointmentError as error:
                form.add_error(None, error.message)
            else:
                published = ngettext(
                    "%(count)s meeting time is published.",
                    "%(count)s meeting times are published.",
                    len(made),
                )
                messages.success(request, published % {"count": len(made)})
                return redirect(
                    reverse("exhibitor:meetings", args=[self.exhibitor.pk]) + f"?day={data['day']}"
                )
        self.request.GET = self.request.POST  # the day shown is the one being published
        return self.render_to_response(self.get_context_data(publish_form=form), status=400)


class WithdrawSlotView(StaffMeetingsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        slot = get_object_or_404(
            MeetingSlot.objects.select_related("booth__exhibitor"),
            pk=self.kwargs["slot_id"],
            booth__exhibitor=self.exhibitor,
        )
        try:
            service.withdraw_slot(slot, by=request.user)
        except AppointmentError as error:
            _service_error(request, error)
        else:
            messages.success(request, _("The meeting time is withdrawn."))
        return redirect("exhibitor:meetings", self.exhibitor.pk)


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


class InviteLeadView(AgendaView):
    """Staff invite a visitor who shared their details to one of the free times. Refused, the
    agenda comes back with the reason beside the form and the note kept."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        lead = Lead.objects.filter(pk=_number(request.POST.get("lead")), exhibitor=self.exhibitor).first()
        slot = (
            MeetingSlot.objects.filter(pk=_number(request.POST.get("slot")), booth__exhibitor=self.exhibitor)
            .select_related("booth__event", "booth__exhibitor")
            .first()
        )
        note = request.POST.get("note", "")
        try:
            if lead is None or slot is None:
                raise AppointmentError(
                    _("Choose a visitor who shared their details and a free time, then invite again.")
                )
            service.invite_lead(lead, slot, note=note, by=request.user)
        except AppointmentError as error:
            context = self.get_context_data(invite_error=error.message, invite_note=note)
            return self.render_to_response(context, status=400)
        messages.success(request, _("The visitor is invited; they confirm from their meetings page."))
        return redirect("exhibitor:meetings", self.exhibitor.pk)


# --- The organiser: counts only --------------------------------------------------------------


class MeetingCountsView(OrganiserMixin, TemplateView):
    template_name = "exhibits/appointments/counts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = service.meeting_counts_by_exhibitor(self.event)
        rows = [
            (text_in(exhibitor, "name"), counts.get(exhibitor.pk, {"booked": 0, "held": 0}))
            for exhibitor in self.event.exhibitors.all()
        ]
        context.update(
            rows=rows,
            total_booked=sum(each["booked"] for each in counts.values()),
            total_held=sum(each["held"] for each in counts.values()),
            visitor_counts=visitor_meetings.visitor_meeting_counts(self.event),
        )
        return context

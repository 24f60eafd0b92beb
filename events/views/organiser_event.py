"""Organiser pages for whole events: my events, create, dashboard, settings, status, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from ..enums import EventStatus
from ..errors import EventError, NotAllowed
from ..forms import ConfirmEventDeleteForm, EventForm, StatusForm
from ..models import Event, EventTeamMember
from ..permissions import CHANGE_EVENT_STATUS, DELETE_EVENT
from ..registry import dashboard_counts, draft_advice
from ..services.events import change_event_status, create_event, delete_event, update_event
from ..services.mail import failed_mails
from ..services.publish_checks import publish_warnings
from ..services.registration import attendee_counts
from ..services.signup import may_create_events, may_invite_organisers
from .mixins import ChangeEventMixin, OrganiserMixin
from .organiser_charts import dashboard_chart_blocks

# The status buttons the dashboard offers from each status: (new status, button, hint).
STATUS_ACTIONS = {
    EventStatus.DRAFT: [
        (EventStatus.PUBLISHED, gettext_lazy("Publish"), gettext_lazy("Visitors can see it.")),
    ],
    EventStatus.PUBLISHED: [
        (
            EventStatus.CLOSED,
            gettext_lazy("Close"),
            gettext_lazy("Closed events are read-only: nothing can be changed until reopened."),
        ),
        (
            EventStatus.DRAFT,
            gettext_lazy("Back to draft"),
            gettext_lazy("Hides the event from visitors again."),
        ),
    ],
    EventStatus.CLOSED: [
        (
            EventStatus.PUBLISHED,
            gettext_lazy("Reopen"),
            gettext_lazy("The event can be changed again."),
        ),
    ],
}


def status_message(status: str) -> str:
    return {
        EventStatus.PUBLISHED: _("The event is published."),
        EventStatus.CLOSED: _("The event is closed. Closed events are read-only; reopen it to change it."),
        EventStatus.DRAFT: _("The event is back to draft. Only its team can see it."),
    }[status]


class HomeView(LoginRequiredMixin, TemplateView):
    """The events I am on the team of (superusers too see only their own here)."""

    template_name = "events/organiser/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            EventTeamMember.objects.filter(user=self.request.user)
            .select_related("event")
            .order_by("-event__starts_on", "event__name")
        )
        context["may_create_events"] = may_create_events(self.request.user)
        context["may_invite_organisers"] = may_invite_organisers(self.request.user)
        return context


class EventCreateView(LoginRequiredMixin, FormView):
    template_name = "events/organiser/event_form.html"
    form_class = EventForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_create_events(request.user):
            raise PermissionDenied(
                _(
                    "On this server, only people the administrator invited as organisers create events. "
                    "Ask the administrator for an invitation; the mail has a link that gives you the right."
                )
            )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        event = create_event(by=self.request.user, **form.event_fields())
        advice = [str(sentence) for sentence in draft_advice] or [_("Publish it when it is ready.")]
        created = _("“%(event)s” is created as a draft.") % {"event": event.name}
        messages.success(self.request, " ".join([created, *advice]))
        return redirect("organiser:dashboard", slug=event.slug)


class DashboardView(OrganiserMixin, TemplateView):
    template_name = "events/organiser/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.event
        attendees = attendee_counts(event)
        context["capacity_left"] = attendees["capacity_left"]
        context["counts"] = [
            *((item.label, item.count(event), item.url_name) for item in dashboard_counts),
            (_("Sessions"), event.sessions.count(), "organiser:schedule"),
            (_("Confirmed attendees"), attendees["confirmed"], "registration_admin:attendees"),
            (_("Awaiting approval"), attendees["pending"], "registration_admin:attendees"),
            (_("Institution members"), attendees["members"], "registration_admin:institutions"),
        ]
        context["status_actions"] = STATUS_ACTIONS[event.status]
        if event.status == EventStatus.DRAFT:
            context["publish_warnings"] = publish_warnings(event)
        context["can_delete"] = self.request.user.has_perm(DELETE_EVENT, event)
        context["failed_mails"] = failed_mails(event)
        context["charts"] = dashboard_chart_blocks(event)
        return context


class EventEditView(ChangeEventMixin, FormView):
    template_name = "events/organiser/event_form.html"
    form_class = EventForm

    def get_form_kwargs(self):
        # A copy: an invalid form still writes its values onto its instance, and the page's
        # links must keep using the event's saved slug.
        return {**super().get_form_kwargs(), "instance": Event.objects.get(pk=self.event.pk)}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        logo = fields.get("logo")
        if logo is False:  # the "clear" box of the logo input
            fields["logo"] = ""
        event = update_event(form.instance, by=self.request.user, **fields)
        messages.success(self.request, _("The event's settings are saved."))
        return redirect("organiser:dashboard", slug=event.slug)


class EventStatusView(OrganiserMixin, View):
    page_permission = CHANGE_EVENT_STATUS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the status buttons on this page."))
            return redirect("organiser:dashboard", slug=self.event.slug)
        try:
            event = change_event_status(self.event, form.cleaned_data["status"], by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except EventError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, status_message(event.status))
        return redirect("organiser:dashboard", slug=self.event.slug)


class EventDeleteView(OrganiserMixin, FormView):
    page_permission = DELETE_EVENT
    template_name = "events/organiser/event_delete.html"
    form_class = ConfirmEventDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def form_valid(self, form):
        name = self.event.name
        try:
            delete_event(self.event, by=self.request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        messages.success(self.request, _("“%(event)s” and everything in it is deleted.") % {"event": name})
        return redirect("organiser:home")

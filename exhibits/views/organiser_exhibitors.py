"""Organiser pages for exhibitors: list, add, edit, delete, and inviting or removing their staff."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from events.errors import EventClosed, InvitationError
from events.permissions import CHANGE_EVENT
from events.views.mixins import ChangeEventMixin, FormRefusalMixin, OrganiserMixin

from ..errors import ExhibitorInUse
from ..forms import ExhibitorForm, StaffInviteForm
from ..models import Exhibitor, ExhibitorStaff
from ..services.exhibitors import create_exhibitor, delete_exhibitor, invite_staff, remove_staff


class ExhibitorOfEventMixin:
    """Loads `self.exhibitor` from the URL, only among this event's exhibitors (others are 404)."""

    @cached_property
    def exhibitor(self) -> Exhibitor:
        return get_object_or_404(Exhibitor, pk=self.kwargs["exhibitor_id"], event=self.event)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibitor"] = self.exhibitor
        return context


class ExhibitorListView(OrganiserMixin, TemplateView):
    template_name = "exhibits/organiser/exhibitors.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibitors"] = (
            self.event.exhibitors.annotate(staff_count=Count("staff", distinct=True))
            .prefetch_related("booths")
            .order_by("name")
        )
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class ExhibitorCreateView(ChangeEventMixin, FormView):
    template_name = "exhibits/organiser/exhibitor_form.html"
    form_class = ExhibitorForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(event=self.event, instance=Exhibitor(event=self.event))
        return kwargs

    def form_valid(self, form):
        fields = {name: value for name, value in form.cleaned_data.items() if value not in (None, False)}
        exhibitor = create_exhibitor(self.event, **fields)
        messages.success(
            self.request,
            _("Exhibitor “%(exhibitor)s” added. Invite their staff below.") % {"exhibitor": exhibitor.name},
        )
        return redirect("floor:exhibitor_detail", slug=self.event.slug, exhibitor_id=exhibitor.pk)


class ExhibitorEditView(ChangeEventMixin, ExhibitorOfEventMixin, FormView):
    template_name = "exhibits/organiser/exhibitor_form.html"
    form_class = ExhibitorForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(event=self.event, instance=self.exhibitor)
        return kwargs

    def form_valid(self, form):
        with transaction.atomic():
            exhibitor = form.save()
        messages.success(self.request, _("Exhibitor “%(exhibitor)s” saved.") % {"exhibitor": exhibitor.name})
        return redirect("floor:exhibitor_detail", slug=self.event.slug, exhibitor_id=exhibitor.pk)


class ExhibitorDetailView(FormRefusalMixin, OrganiserMixin, ExhibitorOfEventMixin, FormView):
    """An exhibitor's staff and invitations; the invite form posts here (closed event → 403)."""

    template_name = "exhibits/organiser/exhibitor_detail.html"
    form_class = StaffInviteForm
    write_permission = CHANGE_EVENT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = self.exhibitor.staff.select_related("user").order_by("user__email")
        # Only the newest invitation per address matters: "send again" replaces the older one.
        latest = {}
        for invitation in self.exhibitor.invitations.filter(accepted_at__isnull=True).order_by("-created_at"):
            latest.setdefault(invitation.email, invitation)
        context["invitations"] = sorted(latest.values(), key=lambda each: each.email)
        context["booths"] = self.exhibitor.booths.select_related("hall")
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            with transaction.atomic():
                invitation = invite_staff(self.exhibitor, email, by=self.request.user)
        except (InvitationError, EventClosed) as error:
            return self.form_refused(form, error, "email")
        messages.success(
            self.request,
            _("Invitation sent to %(email)s. The link works until %(date)s.")
            % {
                "email": invitation.email,
                "date": date_format(localtime(invitation.expires_at, self.event.tz), "DATE_FORMAT"),
            },
        )
        return redirect("floor:exhibitor_detail", slug=self.event.slug, exhibitor_id=self.exhibitor.pk)


class StaffRemoveView(ChangeEventMixin, ExhibitorOfEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        staff = get_object_or_404(ExhibitorStaff, pk=self.kwargs["staff_id"], exhibitor=self.exhibitor)
        remove_staff(staff)
        messages.success(
            request,
            _("%(person)s is no longer staff of %(exhibitor)s.")
            % {"person": staff.user, "exhibitor": self.exhibitor.name},
        )
        return redirect("floor:exhibitor_detail", slug=self.event.slug, exhibitor_id=self.exhibitor.pk)


class ExhibitorDeleteView(ChangeEventMixin, ExhibitorOfEventMixin, TemplateView):
    template_name = "exhibits/organiser/exhibitor_delete.html"

    def post(self, request, *args, **kwargs):
        name = self.exhibitor.name
        try:
            delete_exhibitor(self.exhibitor)
        except (ExhibitorInUse, EventClosed) as error:
            messages.error(request, error.message)
            return redirect("floor:exhibitor_detail", slug=self.event.slug, exhibitor_id=self.exhibitor.pk)
        messages.success(request, _("Exhibitor “%(exhibitor)s” deleted.") % {"exhibitor": name})
        return redirect("floor:exhibitors", slug=self.event.slug)

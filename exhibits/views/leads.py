"""Leads, both sides: a visitor shares or withdraws their contact details from a booth page
(POST only), and the exhibitor's staff list them, keep notes and a rating, and download CSV.

The exhibitor's side is for its own staff only; the event team is refused with the reason
(403), others do not learn the exhibitor exists (404).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView

from events.errors import NotAllowed
from events.permissions import VIEW_EVENT
from events.views.mixins import FormRefusalMixin, SignedInAttendeeMixin

from ..interfaces.leads_csv import csv_file_name, export_leads
from ..models import Booth, Lead
from ..models.leads import NOTES_MAX_LENGTH, RATING_CHOICES
from ..permissions import CHANGE_LEADS
from ..services.leads import (
    LeadError,
    ShareableField,
    leads_of,
    share_contact,
    update_lead,
    withdraw_contact,
)
from .mixins import ExhibitorBackofficeMixin, LeadsMixin

__all__ = ["BoothAttendeeMixin", "ExhibitorBackofficeMixin", "LeadsMixin"]  # imported from here too

LEADS_PER_PAGE = 50


# --- Forms ----------------------------------------------------------------------------------


class ShareContactForm(forms.Form):
    """The details a visitor may share, each a checkbox showing exactly what would be sent."""

    fields_to_share = forms.MultipleChoiceField(
        label=gettext_lazy("Details to share"),
        required=False,  # the service refuses "nothing ticked" with a message saying what to do
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, offered: list[ShareableField] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_to_share"].choices = [
            (each.key, f"{each.label}: {each.value}") for each in offered
        ]


class LeadNotesForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        choices=[("", gettext_lazy("No rating")), *RATING_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("1 is the lowest, 5 the highest."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Only your exhibitor's staff see these notes; the organisers do not."),
    )


# --- The visitor's side ---------------------------------------------------------------------


class BoothAttendeeMixin(SignedInAttendeeMixin):
    """A POST from a booth page by the signed-in attendee of its event."""

    http_method_names = ["post"]

    def handle_no_permission(self):
        # Strangers come back to the booth after signing in, so its address must not reveal a
        # draft's booths: 404 first for whoever may not see the event.
        if not self.request.user.has_perm(VIEW_EVENT, self.event):
            raise Http404(_("No such event."))
        return super().handle_no_permission()

    def signin_next(self) -> str:
        return self.booth_url

    @cached_property
    def booth(self) -> Booth:
        return get_object_or_404(
            Booth.objects.select_related("event", "exhibitor"), pk=self.kwargs["booth_id"], event=self.event
        )

    @property
    def booth_url(self) -> str:
        return reverse("visit:booth", args=[self.event.slug, self.booth.pk])

    def back(self):
        """Back to where the form was: the booth page, or a safe `next` (My data)."""
        target = self.request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return redirect(target if target and safe else self.booth_url)


class ShareContactView(BoothAttendeeMixin, View):
    def post(self, request, *args, **kwargs):
        # The ticked keys are checked by the service against the attendee's registration.
        keys = request.POST.getlist("fields_to_share")
        try:
            share_contact(self.booth, self.attendee, keys=keys, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except LeadError as error:
            messages.error(request, error.message)
            return self.back()
        messages.success(
            request,
            _(
                "You shared your contact details with %(exhibitor)s. You can withdraw them at any "
                "time, here or on your “My data” page."
            )
            % {"exhibitor": self.booth.exhibitor.name},
        )
        return self.back()


class WithdrawContactView(BoothAttendeeMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            withdraw_contact(self.booth, self.attendee, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except LeadError as error:
            messages.info(request, error.message)
            return self.back()
        messages.success(
            request,
            _("You withdrew your contact details: %(exhibitor)s no longer sees them.")
            % {"exhibitor": self.booth.exhibitor.name},
        )
        return self.back()


# --- The exhibitor's side -------------------------------------------------------------------


class LeadListView(LeadsMixin, ListView):
    template_name = "exhibits/exhibitor/leads.html"
    context_object_name = "leads"
    paginate_by = LEADS_PER_PAGE

    def get_queryset(self):
        return leads_of(self.exhibitor).order_by("-created_at", "-id")


class LeadExportView(LeadsMixin, View):
    """The current leads as CSV; also once the event is closed (that is when they matter).
    Each download is written to the event's audit log."""

    def get(self, request, *args, **kwargs):
        try:
            body = export_leads(
                self.exhibitor, by=request.user, language=getattr(request, "LANGUAGE_CODE", "") or "en"
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        # utf-8 with a byte-order mark: spreadsheets then read Korean names correctly.
        response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_file_name(self.exhibitor)}"'
        response["Cache-Control"] = "no-store"
        return response


class LeadEditView(FormRefusalMixin, LeadsMixin, FormView):
    """Notes and a rating: refused, also the form, once the event is closed."""

    template_name = "exhibits/exhibitor/leads_edit.html"
    form_class = LeadNotesForm
    page_permission = CHANGE_LEADS

    @cached_property
    def lead(self) -> Lead:
        return get_object_or_404(leads_of(self.exhibitor), pk=self.kwargs["lead_id"])

    def get_initial(self):
        return {"notes": self.lead.notes, "rating": self.lead.rating}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead"] = self.lead
        return context

    def form_valid(self, form):
        try:
            update_lead(
                self.lead,
                notes=form.cleaned_data["notes"],
                rating=form.cleaned_data["rating"],
                by=self.request.user,
            )
        except ValidationError as error:
            return self.form_refused(form, error)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        messages.success(self.request, _("Notes and rating saved."))
        return redirect("exhibitor:leads", exhibitor_id=self.exhibitor.pk)

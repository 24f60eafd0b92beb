"""Exhibitor staff pages: my exhibitors across events, their profile and their booths' taglines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, UpdateView

from ..forms import ExhibitorProfileForm
from ..models import Exhibitor
from ..permissions import CHANGE_EXHIBITOR
from .mixins import ExhibitorBackofficeMixin


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "exhibits/exhibitor/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exhibitors = (
            Exhibitor.objects.filter(staff__user=self.request.user)
            .select_related("event")
            .prefetch_related("booths__hall")
            .order_by("-event__starts_on", "event__name", "name")
        )
        for exhibitor in exhibitors:
            exhibitor.can_change = self.request.user.has_perm(CHANGE_EXHIBITOR, exhibitor)
        context["exhibitors"] = exhibitors
        return context


class ExhibitorEditView(ExhibitorBackofficeMixin, UpdateView):
    """Its staff (or the event team) change the profile; others do not learn it exists; once the
    event is closed the form itself is refused with the reason."""

    template_name = "exhibits/exhibitor/exhibitor_form.html"
    form_class = ExhibitorProfileForm
    page_permission = CHANGE_EXHIBITOR

    def get_object(self, queryset=None) -> Exhibitor:
        return self.exhibitor

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, _("%(exhibitor)s saved.") % {"exhibitor": self.object.name})
        return redirect("exhibitor:home")

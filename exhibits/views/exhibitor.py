"""Exhibitor staff pages: my exhibitors across events, their profile and their booths' taglines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, UpdateView

from ..forms import ExhibitorProfileForm
from ..models import Exhibitor


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
            exhibitor.can_change = self.request.user.has_perm("exhibits.change_exhibitor", exhibitor)
        context["exhibitors"] = exhibitors
        return context


class StaffChangeMixin(LoginRequiredMixin):
    """Staff of the exhibitor (or the event team) may change it; others do not learn it exists.

    `view_permission` decides 404 versus 403: whoever may see the back office but not change it
    is refused because the event is closed.
    """

    view_permission = "exhibits.view_exhibitor_backoffice"
    change_permission = ""

    def exhibitor_of(self, obj) -> Exhibitor:
        raise NotImplementedError

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        user = self.request.user
        if not user.has_perm(self.view_permission, self.exhibitor_of(obj)):
            raise Http404(_("No such exhibitor."))
        if not user.has_perm(self.change_permission, obj):
            raise PermissionDenied(_("This event is closed and can no longer be changed."))
        return obj

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
        return redirect("exhibitor:home")


class ExhibitorEditView(StaffChangeMixin, UpdateView):
    template_name = "exhibits/exhibitor/exhibitor_form.html"
    model = Exhibitor
    form_class = ExhibitorProfileForm
    pk_url_kwarg = "exhibitor_id"
    change_permission = "exhibits.change_exhibitor"

    def get_queryset(self):
        return Exhibitor.objects.select_related("event")

    def exhibitor_of(self, obj) -> Exhibitor:
        return obj

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("%(exhibitor)s saved.") % {"exhibitor": self.object.name})
        return response

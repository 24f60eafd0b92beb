"""Organiser pages for the halls of one event: list, add, edit, reorder, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from events.errors import EventClosed
from events.permissions import CHANGE_EVENT
from events.views.mixins import ChangeEventMixin, FormRefusalMixin, OrganiserMixin

from ..errors import HallNotEmpty
from ..forms import HallForm
from ..models import Hall
from ..services.halls import create_hall, delete_hall, move_hall


class HallOfEventMixin:
    """Loads `self.hall` from the URL, only among this event's halls (others are 404)."""

    @cached_property
    def hall(self) -> Hall:
        return get_object_or_404(Hall, pk=self.kwargs["hall_id"], event=self.event)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hall"] = self.hall
        return context


class HallListView(OrganiserMixin, TemplateView):
    template_name = "exhibits/organiser/halls.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["halls"] = list(
            self.event.halls.annotate(booth_count=Count("booths")).order_by("position", "id")
        )
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class HallCreateView(FormRefusalMixin, ChangeEventMixin, FormView):
    template_name = "exhibits/organiser/hall_form.html"
    form_class = HallForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(event=self.event, instance=Hall(event=self.event))
        return kwargs

    def form_valid(self, form):
        try:
            hall = create_hall(self.event, **form.cleaned_data)
        except (ValidationError, EventClosed) as error:
            return self.form_refused(form, error)
        messages.success(self.request, _("Hall “%(hall)s” added.") % {"hall": hall.name})
        return redirect("floor:halls", slug=self.event.slug)


class HallEditView(ChangeEventMixin, HallOfEventMixin, FormView):
    template_name = "exhibits/organiser/hall_form.html"
    form_class = HallForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(event=self.event, instance=self.hall)
        return kwargs

    def form_valid(self, form):
        with transaction.atomic():
            hall = form.save()
        messages.success(self.request, _("Hall “%(hall)s” saved.") % {"hall": hall.name})
        return redirect("floor:halls", slug=self.event.slug)


class HallMoveView(ChangeEventMixin, HallOfEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            messages.error(request, _("Use the “Move up” or “Move down” button to reorder halls."))
            return redirect("floor:halls", slug=self.event.slug)
        try:
            move_hall(self.hall, up=direction == "up", by=request.user)
        except EventClosed as error:
            messages.error(request, error.message)
        return redirect("floor:halls", slug=self.event.slug)


class HallDeleteView(ChangeEventMixin, HallOfEventMixin, TemplateView):
    template_name = "exhibits/organiser/hall_delete.html"

    def post(self, request, *args, **kwargs):
        name = self.hall.name
        try:
            delete_hall(self.hall)
        except (HallNotEmpty, EventClosed) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Hall “%(hall)s” deleted.") % {"hall": name})
        return redirect("floor:halls", slug=self.event.slug)

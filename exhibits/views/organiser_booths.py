"""Organiser pages for booths: each hall's booths with a plan preview; place, move, delete."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from events.errors import EventClosed
from events.models import Event
from events.permissions import CHANGE_EVENT
from events.views.mixins import ChangeEventMixin, FormRefusalMixin, OrganiserMixin

from ..forms import BoothForm
from ..models import Booth, Hall
from ..plan import BoothOnPlan, place_label
from ..services.booths import delete_booth, place_booth


@dataclass
class HallPlan:
    """A hall with its booths placed for drawing as an SVG whose user unit is one plan cell."""

    hall: Hall
    spots: list[BoothOnPlan] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return self.hall.plan_columns

    @property
    def rows(self) -> int:
        return self.hall.plan_rows

    @property
    def booths(self) -> list[Booth]:
        return [spot.booth for spot in self.spots]

    @property
    def free_cells(self) -> int:
        return self.columns * self.rows - sum(b.width * b.height for b in self.booths)


def hall_plans(event: Event) -> list[HallPlan]:
    """Every hall of the event in order, each with its booths and their labels placed."""
    plans = {hall.pk: HallPlan(hall) for hall in event.halls.order_by("position", "id")}
    booths = Booth.objects.filter(event=event).select_related("exhibitor").order_by("number")
    for booth in booths:
        if booth.hall_id in plans:
            plans[booth.hall_id].spots.append(place_label(booth))
    return list(plans.values())


class BoothOfEventMixin:
    """Loads `self.booth` from the URL, only among this event's booths (others are 404)."""

    @cached_property
    def booth(self) -> Booth:
        return get_object_or_404(
            Booth.objects.select_related("hall", "exhibitor"),
            pk=self.kwargs["booth_id"],
            event=self.event,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booth"] = self.booth
        return context


class BoothListView(OrganiserMixin, TemplateView):
    template_name = "exhibits/organiser/booths.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = hall_plans(self.event)
        context["has_exhibitors"] = self.event.exhibitors.exists()
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        return context


class BoothFormMixin(FormRefusalMixin):
    """Create and edit share one form; saving goes through place_booth (overlap, plan edges)."""

    template_name = "exhibits/organiser/booth_form.html"
    form_class = BoothForm

    def get_booth(self) -> Booth:
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(event=self.event, instance=self.get_booth())
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = hall_plans(self.event)
        return context

    def form_valid(self, form):
        existing = form.instance.pk
        try:
            booth = place_booth(self.event, form.instance if existing else None, **form.booth_fields())
        except (ValidationError, EventClosed) as error:
            return self.form_refused(form, error)
        message = _("Booth %(number)s saved.") if existing else _("Booth %(number)s placed.")
        messages.success(self.request, message % {"number": booth.number})
        return redirect("floor:booths", slug=self.event.slug)


class BoothCreateView(ChangeEventMixin, BoothFormMixin, FormView):
    def get_booth(self) -> Booth:
        return Booth(event=self.event)

    def get_initial(self):
        # Arriving from an exhibitor's page pre-selects that exhibitor.
        exhibitor = self.request.GET.get("exhibitor", "")
        return {"exhibitor": exhibitor} if exhibitor.isdigit() else {}


class BoothEditView(ChangeEventMixin, BoothOfEventMixin, BoothFormMixin, FormView):
    def get_booth(self) -> Booth:
        return self.booth


class BoothDeleteView(ChangeEventMixin, BoothOfEventMixin, TemplateView):
    template_name = "exhibits/organiser/booth_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context

    def post(self, request, *args, **kwargs):
        number = self.booth.number
        try:
            delete_booth(self.booth)
        except EventClosed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Booth %(number)s deleted.") % {"number": number})
        return redirect("floor:booths", slug=self.event.slug)

"""The back office of an exhibitor or a booth, behind the permission mixin of events: its staff and
the event team see it, others get 404; changes once the event is closed get 403 with the reason."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from events.errors import NotAllowed
from events.models import Event
from events.views.mixins import PermissionMixin

from ..models import Booth, Exhibitor
from ..permissions import (
    CHANGE_EXHIBITOR,
    CHANGE_LEADS,
    VIEW_BOOTH_BACKOFFICE,
    VIEW_EXHIBITOR_BACKOFFICE,
    VIEW_LEADS,
)
from ..services.leads import require_leads_staff


class ExhibitorBackofficeMixin(PermissionMixin):
    """A back-office page of one exhibitor (`exhibitor_id` in the URL)."""

    permission_required = VIEW_EXHIBITOR_BACKOFFICE
    not_found = _("No such exhibitor.")

    @cached_property
    def exhibitor(self) -> Exhibitor:
        return get_object_or_404(Exhibitor.objects.select_related("event"), pk=self.kwargs["exhibitor_id"])

    def get_permission_object(self) -> Exhibitor:
        return self.exhibitor

    def permission_event(self) -> Event:
        return self.exhibitor.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibitor"] = self.exhibitor
        context["event"] = self.exhibitor.event
        context["can_change"] = self.request.user.has_perm(CHANGE_EXHIBITOR, self.exhibitor)
        return context


class LeadsMixin(ExhibitorBackofficeMixin):
    """The exhibitor's leads: its staff only; the event team, who may open the rest of the back
    office, is told why not (services.leads.require_leads_staff says it)."""

    page_permission = VIEW_LEADS

    def refusal_reason(self, permission: str) -> str:
        try:
            require_leads_staff(self.exhibitor, self.request.user)
        except NotAllowed as error:
            return error.message
        return super().refusal_reason(permission)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm(CHANGE_LEADS, self.exhibitor)
        return context


class BoothBackofficeMixin(PermissionMixin):
    """A back-office page of one booth (`booth_id` in the URL): whoever sees its exhibitor's."""

    permission_required = VIEW_BOOTH_BACKOFFICE
    not_found = _("No such booth.")

    @cached_property
    def booth(self) -> Booth:
        return get_object_or_404(
            Booth.objects.select_related("event", "hall", "exhibitor__event"), pk=self.kwargs["booth_id"]
        )

    def get_permission_object(self) -> Booth:
        return self.booth

    def permission_event(self) -> Event:
        return self.booth.event

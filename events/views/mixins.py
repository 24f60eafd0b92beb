"""Loading the event a view is about, and refusing people who may not see or change it.

Someone outside the event team gets 404 for its organiser pages (an event's existence is not
revealed); a team member lacking a permission gets 403 with the reason; anonymous users are
sent to log in. Changing views on a closed event answer 403: closed events are read-only.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ..models import Event


class EventMixin:
    """Loads `self.event` from the `slug` URL argument."""

    @cached_property
    def event(self) -> Event:
        return get_object_or_404(Event, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        return context


class OrganiserMixin(LoginRequiredMixin, EventMixin):
    """An organiser page of one event. `permission` is checked against the event."""

    permission = "events.manage_event"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("events.manage_event", self.event):
            raise Http404(_("No such event."))
        if self.permission != "events.manage_event" and not request.user.has_perm(
            self.permission, self.event
        ):
            if self.event.is_closed and request.user.has_perm("events.manage_event", self.event):
                raise PermissionDenied(
                    _("This event is closed and can no longer be changed. Reopen it first.")
                )
            raise PermissionDenied(_("Only an owner of the event can do this."))
        return super().dispatch(request, *args, **kwargs)


class ChangeEventMixin(OrganiserMixin):
    permission = "events.change_event"

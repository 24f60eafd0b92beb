"""A staff member's calendar feed of their exhibitor's meetings: fetched by its secret address
without log-in (calendar apps cannot log in), and renewed from the meetings agenda."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from ..interfaces.calendar import staff_feed_calendar
from ..services.staff_calendar import renew_staff_calendar_feed, staff_feed_by_token
from .agenda import calendar_response
from .appointments import StaffMeetingsMixin


class StaffCalendarFeedView(View):
    """The feed at its secret address; a renewed, removed or unknown one is not there (404)."""

    def get(self, request, exhibitor_id: int, token: str):
        feed = staff_feed_by_token(exhibitor_id, token)
        if feed is None:
            raise Http404(_("No such calendar feed. If you renewed its address, subscribe with the new one."))
        response = calendar_response(
            staff_feed_calendar(feed.staff), f"meetings-{exhibitor_id}.ics", download=False
        )
        # A secret address: neither shared caches nor search engines keep it.
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response


class RenewStaffCalendarFeedView(StaffMeetingsMixin, View):
    """A new address for one's own feed; the old one stops working at once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        renew_staff_calendar_feed(self.exhibitor, by=request.user, language=translation.get_language() or "")
        messages.success(
            request,
            _(
                "Your calendar feed has a new address; the old one no longer works. "
                "Subscribe again in your calendar app with the new address."
            ),
        )
        return redirect(reverse("exhibitor:meetings", args=[self.exhibitor.pk]) + "#calendar")

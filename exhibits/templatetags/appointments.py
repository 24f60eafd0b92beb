"""Template tags of meetings by appointment: the times the booth page offers."""

from __future__ import annotations

from django import template

from ..models import Booth
from ..services.appointments import free_slots
from ..views.appointments import BookingForm

register = template.Library()

#: The booth page shows the soonest few; the booking page shows all.
BOOTH_PAGE_TIMES = 6


@register.simple_tag
def meeting_booking_for(booth: Booth) -> dict:
    """{"form": a booking form with the soonest free times, "more": whether there are more}."""
    slots = free_slots(booth)
    return {
        "form": BookingForm(slots=slots[:BOOTH_PAGE_TIMES], tz=booth.event.tz),
        "more": len(slots) > BOOTH_PAGE_TIMES,
        "any": bool(slots),
    }

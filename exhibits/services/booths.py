"""Placing booths on hall plans: numbers unique in the event, no two booths on one cell."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from events.errors import EventClosed
from events.models import Event
from events.single_line import clean_instance

from ..models import Booth, Hall


@transaction.atomic
def place_booth(event: Event, booth: Booth | None = None, **fields) -> Booth:
    """Create or move a booth. Raises ValidationError, saving nothing, if it does not fit."""
    if event.is_closed:
        raise EventClosed(_("This event is closed; its booths can no longer change."))
    booth = booth or Booth(event=event)
    for name, value in fields.items():
        setattr(booth, name, value)
    booth.event = event
    clean_instance(booth)
    # Lock the hall row so two organisers placing booths at once cannot both take one cell.
    Hall.objects.select_for_update().filter(pk=booth.hall_id).first()
    for other in Booth.objects.filter(hall_id=booth.hall_id).exclude(pk=booth.pk):
        if booth.overlaps(other):
            raise ValidationError(
                _("This spot overlaps booth %(number)s (%(exhibitor)s). Choose free cells on the plan.")
                % {"number": other.number, "exhibitor": other.exhibitor.name}
            )
    booth.save()
    return booth


def delete_booth(booth: Booth) -> None:
    if booth.event.is_closed:
        raise EventClosed(_("This event is closed; its booths can no longer change."))
    booth.delete()

"""Creating an event, changing its status, deleting it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..enums import EventStatus, TeamRole
from ..errors import EventError, NotAllowed
from ..models import Event, EventTeamMember, User
from ..single_line import clean_instance


@transaction.atomic
def create_event(*, by: User, **fields) -> Event:
    """Create an event as a draft; its creator becomes its first owner."""
    event = Event(**fields)
    clean_instance(event)
    event.save()
    EventTeamMember.objects.create(event=event, user=by, role=TeamRole.OWNER)
    return event


# The moves the dashboard offers: publish, close, reopen, and back to draft before anyone came.
ALLOWED_STATUS_CHANGES = {
    (EventStatus.DRAFT, EventStatus.PUBLISHED),
    (EventStatus.PUBLISHED, EventStatus.CLOSED),
    (EventStatus.PUBLISHED, EventStatus.DRAFT),
    (EventStatus.CLOSED, EventStatus.PUBLISHED),
}


def update_event(event: Event, *, by: User, **fields) -> Event:
    """Change an event's settings; closed events are read-only."""
    if not by.has_perm("events.change_event", event):
        raise NotAllowed(_("This event is closed and can no longer be changed. Reopen it first."))
    for name, value in fields.items():
        setattr(event, name, value)
    clean_instance(event)
    event.save()
    return event


def change_event_status(event: Event, status: str, *, by: User) -> Event:
    if not by.has_perm("events.change_event_status", event):
        raise NotAllowed(_("Only the event team can publish or close this event."))
    if status not in EventStatus.values:
        raise EventError(_("Unknown status “%(status)s”.") % {"status": status}, code="event.bad_status")
    if status == event.status:
        return event
    if (event.status, status) not in ALLOWED_STATUS_CHANGES:
        raise EventError(
            _("A %(current)s event cannot become %(new)s directly.")
            % {
                "current": event.get_status_display().lower(),
                "new": EventStatus(status).label.lower(),
            },
            code="event.bad_status_change",
        )
    event.status = status
    event.save(update_fields=["status"])
    return event


def delete_event(event: Event, *, by: User) -> None:
    if not by.has_perm("events.delete_event", event):
        raise NotAllowed(_("Only an owner of the event can delete it."))
    event.delete()

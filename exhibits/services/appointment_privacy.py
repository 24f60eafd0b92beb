"""Personal data in meetings by appointment: the shredder's strategy (a meeting links a visitor to
an exhibitor, or two visitors, at a time, with a note) and the attendee's own download ("My data")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Attendee, Event
from events.shredder import ShredItem, ShredStrategy

from ..models import Appointment, VisitorMeeting
from .appointments import meetings_of_attendee
from .visitor_meetings import shown_name, visitor_meetings_of


class AppointmentShredder(ShredStrategy):
    """Meetings link a visitor to an exhibitor at a time, with the visitor's note: deleted
    outright. The published times hold nobody and stay."""

    name = "exhibits.appointments"
    label = gettext_lazy("Meetings booked with exhibitors, with their notes")

    def _appointments(self, event: Event) -> QuerySet[Appointment]:
        return Appointment.objects.filter(booth__event=event)

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(
                _("Meetings booked with exhibitors, with their notes"), self._appointments(event).count()
            )
        ]

    def export(self, event: Event) -> dict[str, Any]:
        found = self._appointments(event).select_related("booth__exhibitor").order_by("starts_at", "id")
        return {
            "appointments": [
                {
                    "attendee": each.attendee_id,
                    "exhibitor": each.booth.exhibitor.name,
                    "booth": each.booth.number,
                    "starts_at": each.starts_at.isoformat(),
                    "ends_at": each.ends_at.isoformat(),
                    "status": each.status,
                    "note": each.note,
                }
                for each in found.iterator(chunk_size=500)
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        deleted, _per_model = self._appointments(event).delete()
        return {"appointments": deleted}

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        deleted, _per_model = Appointment.objects.filter(attendee=attendee).delete()
        return {"appointments": deleted}


def attendee_data(attendee: Attendee) -> list[dict[str, Any]]:
    """The attendee's own meetings, for their "My data" download."""
    return [
        {
            "exhibitor": each.booth.exhibitor.name,
            "booth": each.booth.number,
            "starts_at": each.starts_at.isoformat(),
            "ends_at": each.ends_at.isoformat(),
            "status": each.status,
            "note": each.note,
        }
        for each in meetings_of_attendee(attendee)
    ]


class VisitorMeetingShredder(ShredStrategy):
    """Meetings between two visitors link two people at a time, with a note: deleted outright."""

    name = "exhibits.visitor_meetings"
    label = gettext_lazy("Meetings between visitors, with their notes")

    def describe(self, event: Event) -> list[ShredItem]:
        count = VisitorMeeting.objects.filter(event=event).count()
        return [ShredItem(_("Meetings between visitors, with their notes"), count)]

    def export(self, event: Event) -> dict[str, Any]:
        found = VisitorMeeting.objects.filter(event=event).order_by("starts_at", "id")
        return {
            "visitor_meetings": [
                {
                    "asker": each.asker_id,
                    "invitee": each.invitee_id,
                    "starts_at": each.starts_at.isoformat(),
                    "ends_at": each.ends_at.isoformat(),
                    "status": each.status,
                    "note": each.note,
                }
                for each in found.iterator(chunk_size=500)
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        deleted, _per_model = VisitorMeeting.objects.filter(event=event).delete()
        return {"visitor_meetings": deleted}

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        deleted, _per_model = visitor_meetings_of(attendee).delete()
        return {"visitor_meetings": deleted}


def visitor_meeting_data(attendee: Attendee) -> list[dict[str, Any]]:
    """The attendee's meetings with other visitors, for "My data": the other by public name."""
    rows = []
    for each in visitor_meetings_of(attendee):
        other = each.invitee if each.asker_id == attendee.pk else each.asker
        rows.append(
            {
                "with": shown_name(other),
                "asked_by_me": each.asker_id == attendee.pk,
                "starts_at": each.starts_at.isoformat(),
                "ends_at": each.ends_at.isoformat(),
                "status": each.status,
                "note": each.note,
            }
        )
    return rows

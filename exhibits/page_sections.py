"""The floor's parts of the event's pages (registered in events.registry.page_sections): the halls
on the event's overview and in the lobby, the visitor's tour links and bookmarks, and the halls
and booths on the organiser's live view, the contact details an attendee shared (My data). Each
returns the ``section`` its template reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from events.models import Attendee, Event

from .models import Bookmark, Booth, Hall, Lead


def halls(event: Event, **page: Any) -> dict[str, Any]:
    return {"halls": Hall.objects.filter(event=event).annotate(booth_count=Count("booths"))}


def hall_links(event: Event, **page: Any) -> dict[str, Any]:
    return {"halls": Hall.objects.filter(event=event)}


def bookmarks(event: Event, attendance: Attendee | None = None, **page: Any) -> dict[str, Any]:
    if attendance is None:
        return {"shown": False}
    marks = list(
        Bookmark.objects.filter(attendee=attendance)
        .select_related("booth__exhibitor", "session")
        .order_by("created_at", "id")
    )
    return {
        "shown": True,
        "booths": [mark.booth for mark in marks if mark.booth_id],
        "sessions": sorted(
            (mark.session for mark in marks if mark.session_id), key=lambda s: (s.starts_at, s.pk)
        ),
    }


def shared_contacts(event: Event, attendee: Attendee | None = None, **page: Any) -> dict[str, Any]:
    return {"leads": Lead.objects.filter(attendee=attendee) if attendee is not None else []}


def live_floor(event: Event, **page: Any) -> dict[str, Any]:
    booths = list(Booth.objects.filter(event=event).select_related("exhibitor").order_by("number"))
    return {
        "halls": [
            (hall, [booth for booth in booths if booth.hall_id == hall.pk])
            for hall in Hall.objects.filter(event=event).order_by("position")
        ]
    }

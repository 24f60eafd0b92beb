"""What the exhibits app holds about one attendee, for their own "My data" download."""

from __future__ import annotations

from events.models import Attendee

from ..models import Bookmark, Lead


def shared_with_exhibitors(attendee: Attendee) -> list[dict]:
    """Every exhibitor the attendee shared contact details with, exactly as the exhibitor sees it."""
    return [
        {
            "exhibitor": lead.exhibitor.name,
            "booth": lead.booth.number,
            "shared_at": lead.created_at.isoformat(),
            "shared_fields": lead.shared_fields,
            "exhibitor_notes": lead.notes,
            "exhibitor_rating": lead.rating,
        }
        for lead in Lead.objects.filter(attendee=attendee).select_related("exhibitor", "booth").order_by("pk")
    ]


def bookmarks(attendee: Attendee) -> list[dict]:
    found = Bookmark.objects.filter(attendee=attendee).select_related("booth", "session").order_by("pk")
    return [
        {"booth": each.booth.number}
        if each.booth_id
        else {"session": each.session.title, "starts_at": each.session.starts_at.isoformat()}
        for each in found
    ]

"""The attendee's own download lists what exhibits holds about them, and nobody else's."""

from __future__ import annotations

from events.services.privacy import export_attendee_data
from exhibits.models import Bookmark, Lead
from tests.factories import SessionFactory
from tests.registration_factories import AttendeeFactory


def test_download_includes_shared_contacts_and_bookmarks(event, booth_a):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji")
    other = AttendeeFactory(event=event)
    session = SessionFactory(event=event, title="Opening")
    Lead.objects.create(
        attendee=attendee,
        booth=booth_a,
        exhibitor=booth_a.exhibitor,
        shared_fields=[],
        notes="call back",
        rating=4,
    )
    Lead.objects.create(attendee=other, booth=booth_a, exhibitor=booth_a.exhibitor, shared_fields=[])
    Bookmark.objects.create(attendee=attendee, booth=booth_a)
    Bookmark.objects.create(attendee=attendee, session=session)

    data = export_attendee_data(attendee)

    stored_start = type(session).objects.get(pk=session.pk).starts_at.isoformat()  # in UTC, as stored
    assert [
        (each["exhibitor"], each["booth"], each["exhibitor_notes"], each["exhibitor_rating"])
        for each in data["shared_with_exhibitors"]
    ] == [("Alpha Systems", "A-1", "call back", 4)]
    assert data["bookmarks"] == [
        {"booth": "A-1"},
        {"session": "Opening", "starts_at": stored_start},
    ]


def test_download_of_someone_with_nothing_shared_has_empty_lists(event):
    data = export_attendee_data(AttendeeFactory(event=event))
    assert (data["shared_with_exhibitors"], data["bookmarks"]) == ([], [])

"""An attendee's own chat messages in their data download (events.services.chat.attendee_messages)."""

from __future__ import annotations

import pytest

from events.services.chat import delete_message, post_message
from events.services.privacy import export_attendee_data
from tests.factories import BoothFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def test_download_holds_own_messages_only(event, owner):
    attendee, other = AttendeeFactory(event=event), AttendeeFactory(event=event)
    room = f"booth:{BoothFactory(event=event).pk}"
    first = post_message(event, room, "Hello", by=attendee.user)
    post_message(event, room, "Not mine", by=other.user)
    second = post_message(event, room, "Oops", by=attendee.user)
    delete_message(event, second.pk, by=owner)

    data = export_attendee_data(attendee)

    assert data["chat_messages"] == [
        {"room": room, "text": "Hello", "sent_at": first.created_at.isoformat(), "deleted": False},
        {"room": room, "text": "Oops", "sent_at": second.created_at.isoformat(), "deleted": True},
    ]


def test_download_without_messages_has_empty_list(event):
    assert export_attendee_data(AttendeeFactory(event=event))["chat_messages"] == []

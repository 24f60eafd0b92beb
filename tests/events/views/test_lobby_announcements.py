"""The lobby's announcements room (events/templates/events/registration/lobby.html): everyone in
the event reads it; only the organisers get the form to post."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def lobby_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("attendee:lobby", args=["expo"]))
    assert response.status_code == 200
    return response.content.decode()


def test_lobby_shows_announcements_read_only_to_attendee(client, event):
    page = lobby_page(client, AttendeeFactory(event=event).user)

    assert 'data-chat="announcements"' in page
    assert 'data-presence="lobby"' in page
    assert "data-chat-form" not in page


def test_lobby_lets_team_post_announcements(client, event, owner):
    page = lobby_page(client, owner)

    assert 'data-chat="announcements"' in page
    assert "data-chat-form" in page

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


def test_lobby_announcements_say_what_they_are_and_when_empty(client, event):
    page = lobby_page(client, AttendeeFactory(event=event).user)

    assert '<h2 id="chat-title-announcements">Announcements</h2>' in page
    assert "Only the organisers post here: news and changes to the programme." in page
    assert '<p class="muted chat-empty" data-chat-empty>No announcements yet.</p>' in page
    assert ">Chat</h2>" not in page


def test_booth_chat_keeps_its_title(client, event, booth_a):
    client.force_login(AttendeeFactory(event=event).user)

    page = client.get(reverse("visit:booth", args=["expo", booth_a.pk])).content.decode()

    assert ">Chat</h2>" in page
    assert "data-chat-empty" not in page

"""A session's page (exhibits/views/sessions.py): details for anyone, presence and chat inside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def session_url(session) -> str:
    return reverse("visit:session", args=[session.event.slug, session.pk])


def test_session_page_shows_chat_and_presence_to_attendee(client, event):
    session = SessionFactory(event=event, title="Opening talk")
    client.force_login(AttendeeFactory(event=event).user)

    response = client.get(session_url(session))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["chat_room"] == f"session:{session.pk}"
    assert "<h1>Opening talk</h1>" in page
    assert f'data-chat="session:{session.pk}"' in page
    assert f'data-presence="session" data-presence-id="{session.pk}"' in page
    assert "data-chat-form" in page


def test_session_page_without_chat_for_anonymous(client, event):
    session = SessionFactory(event=event, title="Opening talk")

    response = client.get(session_url(session))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["chat_room"] == ""
    assert "data-chat=" not in page
    assert "data-live-socket" not in page


def test_session_of_another_event_is_404(client, event):
    other = SessionFactory()

    response = client.get(reverse("visit:session", args=[event.slug, other.pk]))

    assert response.status_code == 404


def test_agenda_links_to_session_page(client, event):
    session = SessionFactory(event=event)

    page = client.get(reverse("visit:agenda", args=[event.slug])).content.decode()

    assert f'href="{session_url(session)}"' in page

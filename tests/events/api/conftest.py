"""A world for the API: an event with a session, registrations, a hall, booths and a lead, and a
way to make tokens and call the API with them."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from events.services.api_tokens import create_event_token, create_party_token
from exhibits.models import Lead
from tests.factories import HallFactory, SessionFactory
from tests.registration_factories import AnswerFactory, AttendeeFactory, QuestionFactory


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_world(event, owner, exhibitor_a, staff_a, booth_a):
    session = SessionFactory(event=event, title="Opening")
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    question = QuestionFactory(event=event, identifier="city")
    AnswerFactory(attendee=attendee, question=question, value="Busan")
    lead = Lead.objects.create(
        attendee=attendee,
        booth=booth_a,
        exhibitor=exhibitor_a,
        shared_fields=[{"key": "name", "value": "Kim Minji"}],
    )
    return {
        "event": event,
        "session": session,
        "attendee": attendee,
        "hall": booth_a.hall,
        "other_hall": HallFactory(event=event),
        "exhibitor": exhibitor_a,
        "booth": booth_a,
        "lead": lead,
        "owner": owner,
        "staff": staff_a,
    }


@pytest.fixture
def make_token(api_world):
    def make(*scopes: str, days: int = 30) -> str:
        if "leads:read" in scopes:
            made = create_party_token(
                api_world["event"],
                "exhibitor",
                api_world["exhibitor"].pk,
                name="CRM",
                scopes=list(scopes),
                days=days,
                by=api_world["staff"],
            )
        else:
            made = create_event_token(
                api_world["event"], name="Sync", scopes=list(scopes), days=days, by=api_world["owner"]
            )
        return made.secret

    return make


@pytest.fixture
def call(client):
    def send(method: str, path: str, token: str | None = None, body=None, **headers):
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None else None
        return getattr(client, method.lower())(
            f"/api/v1{path}", data=data, content_type="application/json", **extra
        )

    return send

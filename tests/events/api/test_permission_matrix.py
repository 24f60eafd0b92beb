"""Every API endpoint × every kind of token: allowed exactly when the token has the scopes the
endpoint needs (like the pages' matrix in tests/test_permission_matrix.py). A refused write
changes nothing; no token, or a made-up one, is 401 everywhere."""

from __future__ import annotations

import pytest

from events.models import Attendee, Event, Session
from exhibits.models import Exhibitor, Hall

pytestmark = pytest.mark.django_db

SESSION_BODY = {
    "title": "Keynote",
    "starts_at": "2030-01-01T10:00:00+09:00",
    "ends_at": "2030-01-01T11:00:00+09:00",
}


def _count(model):
    return lambda world: model.objects.filter(event=world["event"]).count()


def _event_name(world):
    return Event.objects.get(pk=world["event"].pk).name


def _attendee_status(world):
    return Attendee.objects.get(pk=world["attendee"].pk).status


# (method, path with {ids}, body, scopes needed, success status, what a write changes)
ENDPOINTS = [
    ("GET", "/event", None, {"event:read"}, 200, None),
    ("PATCH", "/event", {"name": "Expo Renamed"}, {"event:write"}, 200, _event_name),
    ("GET", "/sessions", None, {"event:read"}, 200, None),
    ("GET", "/sessions/{session}", None, {"event:read"}, 200, None),
    ("POST", "/sessions", SESSION_BODY, {"event:write"}, 201, _count(Session)),
    ("GET", "/registrations", None, {"registrations:read"}, 200, None),
    (
        "GET",
        "/registrations?personal=true",
        None,
        {"registrations:read", "registrations:personal"},
        200,
        None,
    ),
    ("GET", "/registrations/{attendee}", None, {"registrations:read"}, 200, None),
    (
        "GET",
        "/registrations/{attendee}?personal=true",
        None,
        {"registrations:read", "registrations:personal"},
        200,
        None,
    ),
    (
        "POST",
        "/registrations/{attendee}/decision",
        {"action": "cancel"},
        {"registrations:write"},
        200,
        _attendee_status,
    ),
    ("GET", "/halls", None, {"event:read"}, 200, None),
    ("GET", "/halls/{hall}", None, {"event:read"}, 200, None),
    ("POST", "/halls", {"name": "Hall Z"}, {"event:write"}, 201, _count(Hall)),
    ("GET", "/exhibitors", None, {"event:read"}, 200, None),
    ("GET", "/exhibitors/{exhibitor}", None, {"event:read"}, 200, None),
    ("POST", "/exhibitors", {"name": "Gamma Labs"}, {"event:write"}, 201, _count(Exhibitor)),
    ("GET", "/booths", None, {"event:read"}, 200, None),
    ("GET", "/booths/{booth}", None, {"event:read"}, 200, None),
    ("GET", "/leads", None, {"leads:read"}, 200, None),
    ("GET", "/leads/{lead}", None, {"leads:read"}, 200, None),
]

# Each kind of token the pages can make: one scope each, and the pair personal reads need.
TOKENS = [
    ("event:read",),
    ("event:write",),
    ("registrations:read",),
    ("registrations:personal",),
    ("registrations:write",),
    ("registrations:read", "registrations:personal"),
    ("leads:read",),
]


def _path(template: str, world: dict) -> str:
    return template.format(
        **{name: world[name].pk for name in ("session", "attendee", "hall", "exhibitor", "booth", "lead")}
    )


def _cases():
    for endpoint in ENDPOINTS:
        for scopes in TOKENS:
            yield pytest.param(endpoint, scopes, id=f"{endpoint[0]} {endpoint[1]} as {'+'.join(scopes)}")


@pytest.mark.parametrize(("endpoint", "scopes"), list(_cases()))
def test_endpoint_answers_by_scope(api_world, make_token, call, endpoint, scopes):
    method, template, body, needed, success, changed = endpoint
    before = changed(api_world) if changed else None
    response = call(method, _path(template, api_world), make_token(*scopes), body)
    if needed <= set(scopes):
        assert response.status_code == success, response.content
        if changed:
            assert changed(api_world) != before
    else:
        assert response.status_code == 403, response.content
        # The answer names a scope the token lacks (the first one checked).
        said = {
            f"This token may not do this: it needs the scope “{scope}”." for scope in needed - set(scopes)
        }
        assert response.json()["detail"] in said
        if changed:
            assert changed(api_world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
@pytest.mark.parametrize("token", [None, "rkw_made-up", "not-even-ours"])
def test_endpoint_refuses_without_a_real_token(api_world, call, endpoint, token):
    method, template, body, _needed, _success, changed = endpoint
    before = changed(api_world) if changed else None
    response = call(method, _path(template, api_world), token, body)
    assert response.status_code == 401
    if changed:
        assert changed(api_world) == before


def test_matrix_names_every_endpoint():
    from rakwon_site.api import api

    schema = api.get_openapi_schema()
    served = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in schema["paths"].items()
        for method in ops
    }
    walked = {
        (method, template.split("?")[0].replace("{session}", "{session_id}"))
        for method, template, *_ in ENDPOINTS
    }
    names = {"{attendee}": "{registration_id}", "{hall}": "{hall_id}", "{exhibitor}": "{exhibitor_id}"}
    names |= {"{booth}": "{booth_id}", "{lead}": "{lead_id}"}
    for ours, theirs in names.items():
        walked = {(method, path.replace(ours, theirs)) for method, path in walked}
    assert served == walked

"""Idempotency-Key: the same write twice is done once and answered alike; the key reused for
another body is 422 and changes nothing."""

from __future__ import annotations

import pytest

from events.models import Session
from exhibits.models import Hall

pytestmark = pytest.mark.django_db

BODY = {"title": "Keynote", "starts_at": "2030-01-01T10:00:00+09:00", "ends_at": "2030-01-01T11:00:00+09:00"}


def test_same_key_same_body_gives_the_first_answer_again(api_world, make_token, call):
    secret = make_token("event:write")
    first = call("POST", "/sessions", secret, BODY, **{"Idempotency-Key": "k-1"})
    again = call("POST", "/sessions", secret, BODY, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Session.objects.filter(event=api_world["event"], title="Keynote").count() == 1


def test_same_key_other_body_is_422_and_changes_nothing(api_world, make_token, call):
    secret = make_token("event:write")
    call("POST", "/halls", secret, {"name": "Hall Y"}, **{"Idempotency-Key": "k-2"})
    other = call("POST", "/halls", secret, {"name": "Hall X"}, **{"Idempotency-Key": "k-2"})
    assert other.status_code == 422
    assert (
        other.json()["detail"]
        == "This Idempotency-Key was used for another request. Use a new key for a new request."
    )
    assert list(
        Hall.objects.filter(event=api_world["event"], name__in=["Hall X", "Hall Y"]).values_list(
            "name", flat=True
        )
    ) == ["Hall Y"]


def test_without_a_key_each_write_is_done(api_world, make_token, call):
    secret = make_token("event:write")
    call("POST", "/sessions", secret, BODY)
    call("POST", "/sessions", secret, BODY)
    assert Session.objects.filter(event=api_world["event"], title="Keynote").count() == 2


def test_keys_belong_to_one_token(api_world, make_token, call):
    first, second = make_token("event:write"), make_token("event:write")
    call("POST", "/sessions", first, BODY, **{"Idempotency-Key": "shared"})
    call("POST", "/sessions", second, BODY, **{"Idempotency-Key": "shared"})
    assert Session.objects.filter(event=api_world["event"], title="Keynote").count() == 2


def test_a_refused_write_is_answered_alike_again(api_world, make_token, call):
    secret = make_token("event:write")
    bad = {**BODY, "ends_at": "2030-01-01T09:00:00+09:00"}  # ends before it starts
    first = call("POST", "/sessions", secret, bad, **{"Idempotency-Key": "k-3"})
    again = call("POST", "/sessions", secret, bad, **{"Idempotency-Key": "k-3"})
    assert (first.status_code, again.status_code) == (422, 422)
    assert again.json() == first.json()
    assert first.json()["detail"] == "Some values do not fit; see errors."


def test_too_long_a_key_is_refused(make_token, call):
    response = call(
        "POST", "/halls", make_token("event:write"), {"name": "H"}, **{"Idempotency-Key": "k" * 101}
    )
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "An Idempotency-Key is at most 100 characters.",
    )

"""Every page carries the headers docs/security.md promises: nothing from another host, no framing."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_page_security_headers_forbid_other_hosts_and_framing(client):
    response = client.get(reverse("public:home"))

    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_not_readable_by_script(client, django_user_model):
    django_user_model.objects.create_user(email="reader@example.org", password="a long password 1")

    response = client.post(
        reverse("accounts:login"), {"username": "reader@example.org", "password": "a long password 1"}
    )

    cookie = response.cookies["sessionid"]

    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"

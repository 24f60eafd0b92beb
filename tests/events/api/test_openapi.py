"""The OpenAPI schema and its page are served by Rakwon itself: nothing from another host."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_describes_bearer_tokens(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Rakwon"
    assert schema["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    assert "/api/v1/registrations" in schema["paths"]


def test_docs_page_loads_nothing_from_another_host(client):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert [source for source in sources if "//" in source] == []

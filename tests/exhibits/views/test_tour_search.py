"""Finding a booth across the event: a GET form (works without JavaScript), public read-only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import Tag
from tests.factories import BoothFactory, ExhibitorFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booths(event):
    north, south = (
        HallFactory(event=event, name="North", position=1),
        HallFactory(event=event, name="South", position=2),
    )
    security = Tag.objects.create(event=event, name="Security")
    alpha = BoothFactory(
        event=event,
        hall=south,
        number="S-1",
        exhibitor=ExhibitorFactory(event=event, name="Alpha Systems"),
        tagline="Routers for schools",
        description={"en": "Quiet routers.", "ko": "조용한 라우터"},
    )
    alpha.tags.set([security])
    beta = BoothFactory(
        event=event, hall=north, number="N-1", exhibitor=ExhibitorFactory(event=event, name="Beta")
    )
    return {"security": security, "alpha": alpha, "beta": beta, "south": south}


def search(client, **query):
    return client.get(reverse("visit:search", args=["expo"]), query)


def found(html: str) -> list[str]:
    return re.findall(r'<span class="badge">([^<]+)</span> ', html)


def test_search_without_words_lists_every_booth(client, booths):
    response = search(client)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="results-heading">All booths</h2>' in html
    assert found(html) == ["N-1", "S-1"]


def test_search_finds_by_korean_description(client, booths):
    response = search(client, q="라우터")

    html = response.content.decode()
    assert found(html) == ["S-1"]
    assert '<h2 id="results-heading">1 booth found</h2>' in html
    assert 'value="라우터"' in html
    hall_url = reverse("visit:hall", args=["expo", booths["south"].pk])
    assert f'<a href="{hall_url}">South</a> · Routers for schools' in html
    assert '<br><span class="muted">Security</span>' in html


def test_search_by_topic_select(client, booths):
    html = search(client, tag=booths["security"].pk).content.decode()

    assert found(html) == ["S-1"]
    assert f'<option value="{booths["security"].pk}" selected>Security</option>' in html
    assert '<label for="search-tag">Topic</label>' in html


def test_search_without_match_says_what_to_try(client, booths):
    html = search(client, q="submarine").content.decode()

    assert found(html) == []
    assert '<h2 id="results-heading">0 booths found</h2>' in html
    assert "No booth matches “submarine”. Try fewer or other words, or another topic." in html


def test_search_escapes_what_was_typed(client, booths):
    html = search(client, q='<script>alert("x")</script>').content.decode()

    assert "<script>alert" not in html
    assert "No booth matches “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”." in html


def test_search_cuts_overlong_input(client, booths):
    response = search(client, q="alpha" + " x" * 300)

    assert len(response.context["query"]) == 100


def test_search_of_draft_event_is_hidden(client, event, booths):
    event.status = EventStatus.DRAFT
    event.save()

    assert search(client, q="alpha").status_code == 404


def test_search_page_stays_free_of_inline_style_and_script(client, booths):
    html = search(client, q="alpha").content.decode()

    assert " style=" not in html
    assert "<script" not in html

"""The hall page on the tour: topic filters that work without JavaScript, and the search box."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exhibits.models import Tag
from exhibits.services.bookmarks import add_bookmark
from tests.factories import BoothFactory, ExhibitorFactory, HallFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Networks", plan_columns=12, plan_rows=8)


@pytest.fixture
def tagged(event, hall):
    ai = Tag.objects.create(event=event, name="AI")
    Tag.objects.create(event=event, name="Unused")
    vision = BoothFactory(
        event=event, hall=hall, number="N-1", exhibitor=ExhibitorFactory(event=event, name="Vision")
    )
    vision.tags.set([ai])
    cables = BoothFactory(
        event=event, hall=hall, number="N-2", x=4, exhibitor=ExhibitorFactory(event=event, name="Cables")
    )
    return {"ai": ai, "vision": vision, "cables": cables}


def hall_url(event, hall, **query) -> str:
    url = reverse("visit:hall", args=[event.slug, hall.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def booth_classes(html: str) -> list[str]:
    return re.findall(r'<a class="(booth[^"]*)" href', html)


def listed(html: str) -> list[str]:
    listing = html[html.index('<ul class="booth-list">') :]
    listing = listing[: listing.index("</ul>")]
    return re.findall(r'<span class="badge">([^<]+)</span>', listing)


def test_hall_offers_topics_in_use_as_links(client, event, hall, tagged):
    html = client.get(hall_url(event, hall)).content.decode()

    topics = html[html.index('id="hall-topics"') :]
    topics = topics[: topics.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"( aria-current="true")?>([^<]+)</a>', topics) == [
        (hall_url(event, hall), ' aria-current="true"', "All topics"),
        (hall_url(event, hall, tag=tagged["ai"].pk), "", "AI"),
    ]
    assert booth_classes(html) == ["booth", "booth"]
    assert listed(html) == ["N-1", "N-2"]


def test_hall_filtered_by_topic_dims_the_others_and_lists_matches(client, event, hall, tagged):
    response = client.get(hall_url(event, hall, tag=tagged["ai"].pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert booth_classes(html) == ["booth", "booth dim"]
    assert listed(html) == ["N-1"]
    assert "Booths on “AI” are highlighted." in html
    assert "<h2>Booths in this hall on “AI”</h2>" in html
    assert f'<a href="{hall_url(event, hall, tag=tagged["ai"].pk)}" aria-current="true">AI</a>' in html


def test_hall_topic_without_booths_here_points_across_the_event(client, event, hall, tagged):
    elsewhere = Tag.objects.create(event=event, name="Robots")
    BoothFactory(event=event, hall=HallFactory(event=event), number="R-1").tags.set([elsewhere])

    html = client.get(hall_url(event, hall, tag=elsewhere.pk)).content.decode()

    assert "No booth in this hall is on “Robots”." in html
    search = reverse("visit:search", args=[event.slug])
    assert f'<a href="{search}?tag={elsewhere.pk}">See this topic across the whole event</a>' in html
    assert booth_classes(html) == ["booth dim", "booth dim"]


@pytest.mark.parametrize("raw", ["nope", "999999", ""])
def test_hall_ignores_an_unknown_topic(client, event, hall, tagged, raw):
    html = client.get(hall_url(event, hall, tag=raw)).content.decode()

    assert booth_classes(html) == ["booth", "booth"]
    assert listed(html) == ["N-1", "N-2"]


def test_hall_has_a_labelled_search_box_for_the_whole_event(client, event, hall, tagged):
    html = client.get(hall_url(event, hall)).content.decode()

    search = reverse("visit:search", args=[event.slug])
    assert f'<form method="get" action="{search}" class="search" role="search">' in html
    assert '<label for="hall-search">Search all booths of the event</label>' in html
    assert 'id="hall-search" name="q"' in html


def test_hall_marks_the_attendees_bookmarked_booths(client, event, hall, tagged, visitor):
    attendee = AttendeeFactory(event=event, user=visitor, email=visitor.email)
    add_bookmark(tagged["cables"], attendee=attendee)
    client.force_login(visitor)

    html = client.get(hall_url(event, hall)).content.decode()

    assert '<span class="badge">N-2</span> Cables</a> <span class="badge">Bookmarked</span>' in html
    assert '<span class="badge">N-1</span> Vision</a> <span class="badge">Bookmarked</span>' not in html


def test_hall_page_stays_free_of_inline_style_and_script(client, event, hall, tagged):
    html = client.get(hall_url(event, hall, tag=tagged["ai"].pk)).content.decode()

    assert " style=" not in html
    # Scripts only from files (the plan's own script loads logos and follows live counts).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/exhibits/hall_plan.js" defer>']
    assert '<link rel="stylesheet" href="/static/rakwon/tour.css">' in html

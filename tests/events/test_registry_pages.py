"""What other apps add to the organiser's pages and the event's pages reaches them only through
the registries (events/registry.py): a contribution registered in a test shows up, in order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events import registry
from events.registry import DashboardCount, MenuEntry, PageSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_count():
    item = DashboardCount("Stands of honey", lambda event: 7, "organiser:schedule")
    registry.dashboard_counts.register("tests.honey", item)
    yield item
    registry.dashboard_counts.unregister("tests.honey")


@pytest.fixture
def extra_menu_entry():
    registry.organiser_menu.register("tests.honey", MenuEntry("Honey stands", "organiser:team"))
    yield
    registry.organiser_menu.unregister("tests.honey")


def test_dashboard_counts_what_the_apps_registered_then_its_own(client, owner, event, extra_count):
    client.force_login(owner)

    counts = client.get(reverse("organiser:dashboard", args=[event.slug])).context["counts"]

    labels = [str(label) for label, _count, _url in counts]
    assert labels[:4] == ["Halls", "Exhibitors", "Booths", "Stands of honey"]
    assert counts[3][1:] == (7, "organiser:schedule")
    assert labels[4] == "Sessions"  # the event's own figures follow the registered ones


def test_the_organiser_menu_shows_registered_entries(client, owner, event, extra_menu_entry):
    client.force_login(owner)

    page = client.get(reverse("organiser:dashboard", args=[event.slug])).content.decode()

    team = reverse("organiser:team", args=[event.slug])
    assert f'<a href="{team}">Honey stands</a>' in page
    assert f'<a href="{reverse("floor:halls", args=[event.slug])}">Halls</a>' in page


def test_page_sections_are_given_the_page_context_and_only_for_their_page(event):
    seen = []

    def context(event_, **page):
        seen.append((event_.pk, page))
        return {"honey": 3}

    registry.page_sections.register("tests.honey", PageSection("tests.page", "honey.html", context))
    try:
        sections = registry.page_sections.on("tests.page", event, attendance=None)
        others = registry.page_sections.on("tests.other", event)
    finally:
        registry.page_sections.unregister("tests.honey")

    assert sections == [("honey.html", {"honey": 3})]
    assert others == []
    assert seen == [(event.pk, {"attendance": None})]

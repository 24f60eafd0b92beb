"""Public hall plans and booth pages: the SVG plan, the accessible list, and who sees them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from events.enums import EventStatus
from events.services.schedule import save_session
from exhibits.plan import place_label
from tests.factories import (
    BoothFactory,
    EventFactory,
    ExhibitorFactory,
    HallFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

BOOTH_RECT = re.compile(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" rx="\.15"/>')


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Networks", plan_columns=12, plan_rows=8)


@pytest.fixture
def booths(event, hall):
    specs = [
        ("N-2", "Beta Networks", "Fast links", 5, 1, 3, 2),
        ("N-1", "Alpha Systems", "", 1, 1, 3, 2),
    ]
    return [
        BoothFactory(
            event=event,
            hall=hall,
            exhibitor=ExhibitorFactory(event=event, name=name),
            number=number,
            tagline=tagline,
            x=x,
            y=y,
            width=width,
            height=height,
        )
        for number, name, tagline, x, y, width, height in specs
    ]


def _hall_url(event, hall) -> str:
    return reverse("visit:hall", args=[event.slug, hall.pk])


def _svg(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


# --- Hall plan ------------------------------------------------------------------------------


def test_hall_plan_draws_one_rect_per_booth(client, event, hall, booths):
    response = client.get(_hall_url(event, hall))

    assert response.status_code == 200
    svg = _svg(response.content.decode())
    assert 'viewBox="0 0 12 8"' in svg
    assert BOOTH_RECT.findall(svg) == [("1", "1", "3", "2"), ("5", "1", "3", "2")]
    alpha, beta = booths[1], booths[0]
    assert re.findall(r'<a class="booth" href="([^"]+)"', svg) == [
        reverse("visit:booth", args=[event.slug, alpha.pk]),
        reverse("visit:booth", args=[event.slug, beta.pk]),
    ]
    # The number sits centred over the booth (the exhibitor's name and the live count below it).
    assert re.search(r'<text x="2\.5" y="[\d.]+" font-size="[\d.]+">N-1</text>', svg)
    assert 'aria-label="Booth N-2: Beta Networks"' in svg


def test_hall_lists_booths_accessibly(client, event, hall, booths):
    html = client.get(_hall_url(event, hall)).content.decode()

    listing = html[html.index('<ul class="booth-list">') :]
    beta_url = reverse("visit:booth", args=[event.slug, booths[0].pk])
    assert f'<a href="{beta_url}"><span class="badge">N-2</span> Beta Networks</a>' in listing
    assert '<span class="muted">Fast links</span>' in listing
    assert listing.index("Alpha Systems") < listing.index("Beta Networks")


def test_hall_page_has_no_inline_style_or_script(client, event, hall, booths):
    html = client.get(_hall_url(event, hall)).content.decode()

    assert " style=" not in html
    # Scripts only from files: the plan's own script loads logos and follows live counts.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/exhibits/hall_plan.js" defer>']


def test_hall_without_booths_says_so(client, event, hall):
    html = client.get(_hall_url(event, hall)).content.decode()

    assert "<svg" not in html
    assert "No booths have been placed in this hall yet." in html


def test_hall_of_another_event_is_404(client, event):
    other_hall = HallFactory(event=EventFactory())

    assert client.get(_hall_url(event, other_hall)).status_code == 404


def test_hall_of_draft_event_is_404_for_anonymous_and_200_for_team(client, event, hall, owner):
    event.status = EventStatus.DRAFT
    event.save()

    assert client.get(_hall_url(event, hall)).status_code == 404
    client.force_login(owner)
    assert client.get(_hall_url(event, hall)).status_code == 200


def test_hall_of_closed_event_shows_ended_note(client, event, hall, booths):
    event.status = EventStatus.CLOSED
    event.save()

    response = client.get(_hall_url(event, hall))

    assert response.status_code == 200
    assert "This event has ended." in response.content.decode()


def test_hall_follows_event_languages(client, hall):
    hall.event.languages = ["ko"]
    hall.event.save()

    html = client.get(_hall_url(hall.event, hall), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="ko">' in html
    switcher = html.split('id="language-select"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([a-z-]+)"', switcher) == ["ko"]


@pytest.mark.parametrize(
    ("number", "width", "height", "font_size"),
    [("A-12", 1, 1, 0.35), ("A-12", 4, 2, 0.9), ("7", 6, 6, 1.2), ("R-1", 3, 1, 0.45)],
)
def test_booth_label_fits_its_booth(number, width, height, font_size):
    booth = BoothFactory.build(number=number, x=2, y=3, width=width, height=height)

    spot = place_label(booth)

    assert (spot.label_x, spot.label_y, spot.font_size) == (
        2 + width / 2,
        3 + height / 2,
        font_size,
    )


# --- Booth page -----------------------------------------------------------------------------


def test_booth_page_shows_exhibitor_place_and_sessions(client, event, booth_a, exhibitor_a):
    exhibitor_a.website = "https://alpha.example"
    exhibitor_a.description = "We build routers."
    exhibitor_a.save()
    booth_a.tagline = "Routers for schools"
    booth_a.save()
    starts = dt.datetime.combine(event.starts_on, dt.time(15, 0), tzinfo=event.tz)
    save_session(
        event,
        None,
        title="Router demo",
        description="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        speakers_text="Ana Kim — Alpha Systems",
        place=f"booth:{booth_a.pk}",
    )
    SessionFactory(event=event, title="Elsewhere")

    response = client.get(reverse("visit:booth", args=[event.slug, booth_a.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Alpha Systems</h1>" in html
    assert '<p class="tagline">Routers for schools</p>' in html
    hall_url = reverse("visit:hall", args=[event.slug, booth_a.hall_id])
    assert f'Booth <strong>A-1</strong> in <a href="{hall_url}">{booth_a.hall.name}</a>' in html
    assert "We build routers." in html
    assert 'href="https://alpha.example"' in html
    assert [session.title for session in response.context["sessions"]] == ["Router demo"]
    assert "15:00</time>–15:30</p>\n  <h3>Router demo</h3>" in html
    assert "Elsewhere" not in html


def test_booth_without_sessions_says_so(client, event, booth_a):
    html = client.get(reverse("visit:booth", args=[event.slug, booth_a.pk])).content.decode()

    assert "No live sessions are planned at this booth." in html


def test_booth_of_another_event_is_404(client, event):
    other_booth = BoothFactory(event=EventFactory())

    assert client.get(reverse("visit:booth", args=[event.slug, other_booth.pk])).status_code == 404


def test_booth_of_draft_event_is_404_for_anonymous(client, event, booth_a):
    event.status = EventStatus.DRAFT
    event.save()

    assert client.get(reverse("visit:booth", args=[event.slug, booth_a.pk])).status_code == 404

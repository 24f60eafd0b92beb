"""The dashboard's charts in the page and as data: each chart drawn, its table beside it, its
numbers as CSV (formula-safe) and JSON for the event team only, and the page within its budget."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from events.enums import TeamRole
from exhibits.models import BoothDailyStats
from tests.factories import BoothFactory, EventFactory, HallFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory, InstitutionFactory, MemberFactory

pytestmark = pytest.mark.django_db

CHARTS = ("registrations", "institutions", "online", "halls", "booths", "exhibitors")


def chart_url(event, name: str, fmt: str) -> str:
    return reverse(f"organiser:dashboard_chart_{fmt}", args=[event.slug, name])


@pytest.fixture
def busy_event(event, booth_a):
    """Known counts: one hall of two booths with visits, three registrations, one institution."""
    booth_b = BoothFactory(event=event, hall=booth_a.hall, number="A-2")
    BoothDailyStats.objects.create(booth=booth_a, day=event.starts_on, visits=7, leads=2)
    BoothDailyStats.objects.create(booth=booth_b, day=event.starts_on, visits=3)
    AttendeeFactory.create_batch(2, event=event)
    MemberFactory(event=event, institution=InstitutionFactory(event=event, name="=cmd|' /C calc'!A0"))
    return event


# --- Who may read the charts' data ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("moderator", 200), ("other_organiser", 404), ("staff_a", 404), ("attendee", 404)],
)
def test_chart_data_only_for_the_event_team(client, busy_event, owner, staff_a, moderator, who, status, fmt):
    users = {
        "owner": lambda: owner,
        "moderator": lambda: moderator,
        "other_organiser": lambda: TeamMemberFactory(event=EventFactory(), role=TeamRole.OWNER).user,
        "staff_a": lambda: staff_a,
        "attendee": lambda: AttendeeFactory(event=busy_event).user,
    }
    client.force_login(users[who]())
    for name in CHARTS:
        assert client.get(chart_url(busy_event, name, fmt)).status_code == status, name


def test_chart_data_anonymous_is_sent_to_log_in(client, busy_event):
    response = client.get(chart_url(busy_event, "registrations", "json"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_chart_is_404_with_what_to_do(client, busy_event, owner):
    client.force_login(owner)
    response = client.get(chart_url(busy_event, "weather", "json"))
    assert response.status_code == 404


# --- The numbers ----------------------------------------------------------------------------


def test_chart_json_gives_the_counts(client, busy_event, owner, booth_a):
    client.force_login(owner)
    halls = client.get(chart_url(busy_event, "halls", "json")).json()
    assert halls["labels"] == [str(booth_a.hall_id)]
    assert halls["series"] == [{"name": "Visits", "values": [10]}]
    booths = client.get(chart_url(busy_event, "booths", "json")).json()
    assert booths["series"][0]["values"] == [7, 3]
    exhibitors = client.get(chart_url(busy_event, "exhibitors", "json")).json()
    assert exhibitors["series"][0] == {"name": "Contacts shared", "values": [2, 0]}


def test_chart_csv_is_an_attachment_and_defuses_formulas(client, busy_event, owner):
    client.force_login(owner)
    response = client.get(chart_url(busy_event, "institutions", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{busy_event.slug}-institutions.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Institution", "Members"], ["'=cmd|' /C calc'!A0", "1"]]


def test_chart_csv_headings_in_korean(client, busy_event, owner):
    client.force_login(owner)
    with translation.override("ko"):
        response = client.get(chart_url(busy_event, "halls", "csv"), HTTP_ACCEPT_LANGUAGE="ko")
    first = response.content.decode().splitlines()[0]
    assert first == "전시관,방문"


# --- The dashboard page ---------------------------------------------------------------------


def test_dashboard_draws_each_chart_with_its_table_and_downloads(client, busy_event, owner):
    client.force_login(owner)
    html = client.get(reverse("organiser:dashboard", args=[busy_event.slug])).content.decode()
    for name in CHARTS:
        assert f'aria-labelledby="chart-{name}-title chart-{name}-desc"' in html, name
        assert f'href="{chart_url(busy_event, name, "csv")}"' in html, name
        assert f'href="{chart_url(busy_event, name, "json")}"' in html, name
    assert html.count("<details>") >= len(CHARTS)
    assert html.count('<th scope="col">') >= 2 * len(CHARTS)
    # The busiest hall's table row holds its count.
    assert re.search(r'<th scope="row">[^<]*</th><td>10</td>', html)
    assert "<script" not in html.split("chart-box", 1)[1].split("</main>", 1)[0]


def test_dashboard_charts_in_korean(client, busy_event, owner):
    client.force_login(owner)
    with translation.override("ko"):
        html = client.get(reverse("organiser:dashboard", args=[busy_event.slug]), HTTP_ACCEPT_LANGUAGE="ko")
    text = html.content.decode()
    assert "일별 등록" in text
    assert "표로 보기" in text


# --- Page weight ----------------------------------------------------------------------------

CHART_DATA = re.compile(r'<svg [^>]*class="chart".*?</svg>|<tbody>.*?</tbody>', re.S)
ASSETS = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def page_bytes_before_chart_data(html: str) -> int:
    """The HTML without the charts' drawings and numbers, plus each stylesheet and script it loads."""
    frame = CHART_DATA.sub("", html)
    total = len(frame.encode())
    for url in ASSETS.findall(html):
        assert url.startswith(settings.STATIC_URL), url  # nothing from another host
        path = finders.find(url[len(settings.STATIC_URL) :].split("?")[0])
        assert path, url
        with open(path, "rb") as file:
            total += len(file.read())
    return total


def test_dashboard_stays_within_the_page_budget_before_its_chart_data(client, busy_event, owner):
    # A floor of a real expo's size: the charts' data grows with it, the rest must not.
    for number in range(40):
        booth = BoothFactory(event=busy_event, hall=HallFactory(event=busy_event), number=f"N-{number}")
        BoothDailyStats.objects.create(booth=booth, day=busy_event.starts_on, visits=number, leads=number % 3)
    client.force_login(owner)
    html = client.get(reverse("organiser:dashboard", args=[busy_event.slug])).content.decode()
    assert html.count('class="chart"') >= 3  # the drawings are there, and left out of the count
    assert page_bytes_before_chart_data(html) <= settings.PAGE_WEIGHT_BUDGET_BYTES

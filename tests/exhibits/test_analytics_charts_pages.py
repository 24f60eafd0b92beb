"""The booth analytics page's charts and their data: drawn with their tables, as CSV and JSON for
the booth's exhibitor staff and the event team only (404 for anyone else), within the budget."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from events.enums import TeamRole
from exhibits.models import BoothDailyStats
from tests.events.test_charts_pages import page_bytes_before_chart_data
from tests.factories import EventFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

CHARTS = ("visits", "media", "contacts")


def chart_url(booth, name: str, fmt: str) -> str:
    return reverse(f"exhibitor:booth_chart_{fmt}", args=[booth.pk, name])


@pytest.fixture
def counted_booth(event, booth_a):
    BoothDailyStats.objects.create(
        booth=booth_a, day=event.starts_on, document_views=4, video_plays=2, leads=1
    )
    return booth_a


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("owner", 200),
        ("other_organiser", 404),
        ("staff_b", 404),
        ("staff_elsewhere", 404),
        ("attendee", 404),
    ],
)
def test_booth_chart_data_for_its_staff_and_the_event_team(client, counted_booth, who, status, fmt, request):
    users = {
        "other_organiser": lambda: TeamMemberFactory(event=EventFactory(), role=TeamRole.OWNER).user,
        "staff_elsewhere": lambda: StaffFactory().user,  # staff of an exhibitor of another event
        "attendee": lambda: AttendeeFactory(event=counted_booth.event).user,
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    client.force_login(user)
    for name in CHARTS:
        assert client.get(chart_url(counted_booth, name, fmt)).status_code == status, name


def test_booth_chart_data_anonymous_is_sent_to_log_in(client, counted_booth):
    response = client.get(chart_url(counted_booth, "visits", "json"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_booth_chart_is_404(client, counted_booth, staff_a):
    client.force_login(staff_a)
    assert client.get(chart_url(counted_booth, "weather", "csv")).status_code == 404


def test_booth_chart_json_and_csv_give_the_counts(client, counted_booth, staff_a, event):
    client.force_login(staff_a)
    media = client.get(chart_url(counted_booth, "media", "json")).json()
    assert media["labels"][0] == event.starts_on.isoformat()
    assert [series["values"][0] for series in media["series"]] == [4, 2]
    response = client.get(chart_url(counted_booth, "contacts", "csv"))
    assert response["Content-Disposition"] == f'attachment; filename="booth-{counted_booth.pk}-contacts.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Day", "Contacts shared"]
    assert rows[1] == [f"{event.starts_on:%m-%d}", "1"]


def test_analytics_page_draws_its_charts_with_tables(client, counted_booth, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("exhibitor:booth_analytics", args=[counted_booth.pk])).content.decode()
    for name in CHARTS:
        assert f'aria-labelledby="chart-{name}-title chart-{name}-desc"' in html, name
        assert f'href="{chart_url(counted_booth, name, "csv")}"' in html, name
    assert html.count("<details>") == len(CHARTS)


def test_analytics_page_charts_in_korean(client, counted_booth, staff_a):
    client.force_login(staff_a)
    with translation.override("ko"):
        html = client.get(
            reverse("exhibitor:booth_analytics", args=[counted_booth.pk]), HTTP_ACCEPT_LANGUAGE="ko"
        ).content.decode()
    assert "시간별 방문" in html and "차트로 보기" in html


def test_analytics_page_within_the_page_budget_before_its_chart_data(client, counted_booth, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("exhibitor:booth_analytics", args=[counted_booth.pk])).content.decode()
    assert html.count('class="chart"') >= 3  # the drawings are there, and left out of the count
    assert page_bytes_before_chart_data(html) <= settings.PAGE_WEIGHT_BUDGET_BYTES

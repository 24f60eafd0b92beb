"""The organiser's dashboard on a 360 px phone: its charts are drawn, nothing scrolls sideways,
and each chart's table opens from the keyboard and reads as a table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus, TeamRole
from events.models import Attendee, Event, EventTeamMember, User
from exhibits.models import Booth, BoothDailyStats, Exhibitor, Hall

today = timezone.localdate()
event = Event.objects.create(
    name="Chart Expo", slug="chart-expo", starts_on=today - dt.timedelta(days=1),
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en", "ko"],
    status=EventStatus.PUBLISHED,
)
owner = User.objects.create_user("chae.charts@example.org", password="a long enough pass phrase 42",
                                 display_name="Chae Charts")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
hall = Hall.objects.create(event=event, name="Hall of very long names that would not fit a phone")
for number in range(5):
    exhibitor = Exhibitor.objects.create(event=event, name=f"Exhibitor with a long name number {number}")
    booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number=f"A-{number}",
                                 x=number * 2, y=0)
    BoothDailyStats.objects.create(booth=booth, day=event.starts_on, visits=3 + number, leads=number)
for number in range(3):
    user = User.objects.create_user(f"reg{number}@example.org", display_name=f"Reg {number}")
    Attendee.objects.create(event=event, user=user, kind="individual", status="confirmed",
                            display_name=f"Reg {number}", email=user.email, language="en",
                            confirmed_at=timezone.now())
print(json.dumps({"slug": event.slug}))
"""

CHARTS = ("registrations", "institutions", "online", "halls", "booths", "exhibitors")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_dashboard_charts_on_a_phone_with_tables_reachable_by_keyboard(
    browser, rakwon_server, tmp_path, language
):
    if language == "en":
        rakwon_server.manage("shell", "-c", SETUP)
    context = browser.new_context(
        viewport=PHONE,
        base_url=rakwon_server.url,
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        elsewhere = only_this_server(page, rakwon_server.url)
        page.goto("/accounts/login/")
        page.locator("input[name=username], input[type=email]").first.fill("chae.charts@example.org")
        page.locator("input[type=password]").fill("a long enough pass phrase 42")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto("/organiser/chart-expo/")

        for name in CHARTS:
            chart = page.locator(f"svg.chart[aria-labelledby='chart-{name}-title chart-{name}-desc']")
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths

        # The busiest booths' table: reached with Tab, opened with Enter, read as a table.
        section = page.locator("section.chart-box", has=page.locator("#chart-booths-heading"))
        summary = section.locator("summary")
        page.locator("#chart-booths-heading").evaluate("h => h.setAttribute('tabindex', '-1')")
        page.locator("#chart-booths-heading").focus()
        for _step in range(5):
            page.keyboard.press("Tab")
            if summary.evaluate("s => s === document.activeElement"):
                break
        assert summary.evaluate("s => s === document.activeElement"), "Tab does not reach the table's summary"
        page.keyboard.press("Enter")
        table = section.locator("table")
        expect(table).to_be_visible()
        headers = table.locator("thead th[scope=col]")
        expect(headers).to_have_count(2)
        first_row = table.locator("tbody tr").first
        expect(first_row.locator("th[scope=row]")).to_have_text("A-4 · Exhibitor with a long name number 4")
        expect(first_row.locator("td")).to_have_text("7")
        page.screenshot(path=tmp_path / f"dashboard-{language}.png", full_page=True)
        print(f"screenshot in {tmp_path}")
        assert elsewhere == []
    finally:
        context.close()

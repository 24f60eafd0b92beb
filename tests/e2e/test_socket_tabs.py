"""One visitor opens the lobby in more tabs than SOCKET_MAX_TABS (8): the tab too many says to
close one and does not keep reconnecting (live.js, close code 4409)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PHONE

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link

today = timezone.localdate()
event = Event.objects.create(name="Tab Expo", slug="tab-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
user = User.objects.create_user("tabs@example.org", display_name="Tab Person")
attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Tab Person", email="tabs@example.org",
    language="en", confirmed_at=timezone.now())
print(json.dumps({"token": issue_signin_link(attendee)[1]}))
"""

TOO_MANY = "This event is open in too many tabs or windows. Close one of them, then reload this page."


def test_the_tab_over_the_cap_says_close_one_and_stops_reconnecting(browser, rakwon_server):
    token = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])["token"]
    context = browser.new_context(viewport=PHONE, base_url=rakwon_server.url)
    try:
        first = context.new_page()
        first.goto(f"/signin/{token}/")
        first.wait_for_url("**/tab-expo/lobby/")
        expect(first.locator("section.presence")).to_be_visible(timeout=15_000)
        pages = [first]
        for _ in range(7):
            page = context.new_page()
            page.goto("/tab-expo/lobby/")
            expect(page.locator("section.presence")).to_be_visible(timeout=15_000)
            pages.append(page)

        ninth = context.new_page()
        sockets = []
        ninth.on("websocket", lambda socket: sockets.append(socket.url))
        ninth.goto("/tab-expo/lobby/")

        expect(ninth.locator("[data-live-refusal]")).to_have_text(TOO_MANY, timeout=15_000)
        expect(ninth.locator("[data-live-refusal]")).to_have_attribute("role", "alert")
        ninth.wait_for_timeout(3_000)  # live.js backs off 0.5 s, 1 s, ...: a loop would show by now
        assert len(sockets) == 1
        expect(ninth.locator("section.presence")).to_be_hidden()
    finally:
        context.close()

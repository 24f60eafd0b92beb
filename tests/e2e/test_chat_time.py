"""Booth chat messages carry their time: a <time datetime> shown as the hour and minute in the
event's time zone (Asia/Seoul here), whatever the zone of the visitor's device."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server
from .test_booth_analytics import SETUP

pytestmark = pytest.mark.e2e


def test_a_chat_message_shows_its_time_in_the_event_zone(browser, rakwon_server):
    setup = SETUP.replace('"counting-expo"', '"chat-time-expo"').replace("ana.staff@", "cy.staff@")
    setup = setup.replace("vic.visitor@", "cat.visitor@")
    ids = json.loads(rakwon_server.manage("shell", "-c", setup).strip().splitlines()[-1])
    # A device set to another zone than the event's: the time must still be Seoul's.
    phone = browser.new_context(
        viewport=PHONE, base_url=rakwon_server.url, locale="en-GB", timezone_id="America/New_York"
    )
    phone.set_default_timeout(15_000)
    try:
        page = phone.new_page()
        elsewhere = only_this_server(page, rakwon_server.url)
        page.goto(f"/signin/{ids['token']}/")
        page.wait_for_url("**/chat-time-expo/lobby/")
        page.goto(f"/chat-time-expo/booths/{ids['booth']}/")
        page.get_by_label("Your message").fill("Hello booth")
        page.get_by_role("button", name="Send").click()
        message = page.locator("[data-chat-messages] li", has_text="Hello booth")
        time = message.locator("time")
        expect(time).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
        sent = dt.datetime.fromisoformat(time.get_attribute("datetime"))
        expect(time).to_have_text(sent.astimezone(ZoneInfo("Asia/Seoul")).strftime("%H:%M"))
        assert elsewhere == []
    finally:
        phone.close()

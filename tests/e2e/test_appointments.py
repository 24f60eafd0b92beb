"""A meeting by appointment in real browsers: booth staff publish a meeting time on their agenda,
a visitor books it from the booth page with a note, staff confirm, and at the time both press
"Join" and meet in the same media_rtc meeting room (Chromium's fake camera; media on 127.0.0.1).

Reuses test_live_video's own daphne (it offers only 127.0.0.1 to ICE) and its media browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from .test_live_video import (  # noqa: F401  fixtures: video_server, media_browser
    _expo,
    _frames_decoded_grow,
    _phones,
    _staff_opens_booth,
    _visitor_opens_booth,
    media_browser,
    video_server,
)

pytestmark = pytest.mark.e2e

SLUG = "appointments-expo"


def _exhibitor_of(server, booth_path: str) -> int:
    booth_id = int(booth_path.rstrip("/").rsplit("/", 1)[1])
    code = f"from exhibits.models import Booth; print(Booth.objects.get(pk={booth_id}).exhibitor_id)"
    return json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])


def _next_minutes(zone: str) -> tuple[str, str, str]:
    """Today's date and a span starting a minute or two from now, in the event's time zone:
    "Join" opens 5 minutes before the start, so it is open as soon as the meeting is confirmed."""
    now = dt.datetime.now(zoneinfo.ZoneInfo(zone))
    starts = (now + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    if starts.date() != (starts + dt.timedelta(minutes=20)).date():
        pytest.skip("the event's day ends within 20 minutes: a meeting would cross midnight")
    return starts.date().isoformat(), f"{starts:%H:%M}", f"{starts + dt.timedelta(minutes=15):%H:%M}"


def test_staff_publish_a_visitor_books_staff_confirm_and_both_join_one_room(media_browser, video_server):  # noqa: F811
    booth_path, token = _expo(video_server, SLUG)
    exhibitor_id = _exhibitor_of(video_server, booth_path)
    day, start, end = _next_minutes("Asia/Seoul")
    contexts = _phones(media_browser, video_server)
    try:
        staff, visitor = (context.new_page() for context in contexts)

        # Staff publish one 15-minute time on their agenda (phone-sized).
        _staff_opens_booth(staff, SLUG, booth_path)
        staff.goto(f"/exhibitor/{exhibitor_id}/meetings/")
        staff.get_by_label(re.compile(r"^Day\b")).fill(day)
        staff.get_by_label(re.compile(r"^From\b")).fill(start)
        staff.get_by_label(re.compile(r"^Until\b")).fill(end)
        staff.get_by_label("Length of each meeting").select_option("15")
        staff.get_by_role("button", name="Publish times").click()
        expect(staff.get_by_text("1 meeting time is published.")).to_be_visible()

        # The visitor books it from the booth page, with a note.
        _visitor_opens_booth(visitor, SLUG, token, booth_path)
        booking = visitor.locator("#book-meeting")
        booking.get_by_role("radio").first.check()
        booking.get_by_label("Note for the staff (optional)").fill("About the robot arm")
        booking.get_by_role("button", name="Ask for this time").click()
        visitor.wait_for_url(f"**/{SLUG}/meetings/")
        expect(visitor.get_by_text("Waiting for the booth's staff to confirm")).to_be_visible()

        # Staff confirm from their agenda; the visitor's page then offers "Join".
        staff.goto(f"/exhibitor/{exhibitor_id}/meetings/?day={day}")
        card = staff.locator(".agenda .card", has_text="Vic Visitor")
        expect(card).to_contain_text("About the robot arm")
        card.get_by_role("button", name="Confirm").click()
        expect(staff.get_by_text("The meeting is confirmed.", exact=False)).to_be_visible()

        visitor.reload()
        visitor.get_by_role("button", name="Join").click()
        staff.locator(".agenda .card", has_text="Vic Visitor").get_by_role("button", name="Join").click()

        for page, other in ((staff, "Vic Visitor"), (visitor, "Vera Staff")):
            page.wait_for_url("**#meeting=*")
            meeting = page.locator("[data-rtc-meeting]")
            meeting.wait_for(state="visible")
            meeting.locator("[data-rtc-local]").wait_for()
            meeting.locator(".rtc-player [data-rtc-name]", has_text=other).wait_for(timeout=30_000)
        assert staff.url.split("#", 1)[1] == visitor.url.split("#", 1)[1], "not the same meeting room"
        first, later = _frames_decoded_grow(staff)
        assert later > first > 0, "staff decoded no growing video from the visitor in the meeting"
    finally:
        for context in contexts:
            context.close()

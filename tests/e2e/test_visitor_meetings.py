"""A meeting between two visitors in real browsers: both show their name and are open to
meetings; Ann asks Bea from "People open to meetings" for a time, Bea accepts on "My meetings",
and at the time both press "Join" and meet in the same booth-less media_rtc meeting room
(Chromium's fake camera; media on 127.0.0.1).

Reuses test_live_video's own daphne (it offers only 127.0.0.1 to ICE) and its media browser.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from playwright.sync_api import expect

from .test_live_video import (  # noqa: F401  fixtures: video_server, media_browser
    _frames_decoded_grow,
    _phones,
    media_browser,
    video_server,
)

pytestmark = pytest.mark.e2e

SLUG = "visitor-meetings-expo"

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link

today = timezone.localdate()
event = Event.objects.create(name="Meeting Expo", slug="{slug}", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
tokens = {{}}
for name in ("Ann", "Bea"):
    user = User.objects.create_user(f"{{name.lower()}}.{slug}@example.org", display_name=name)
    attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
        status=AttendeeStatus.CONFIRMED, display_name=name, email=user.email, language="en",
        visible_to_others=True, open_to_meetings=True, confirmed_at=timezone.now())
    tokens[name] = issue_signin_link(attendee)[1]
print(json.dumps(tokens))
"""


def _in_two_minutes(zone: str) -> tuple[str, str]:
    now = dt.datetime.now(zoneinfo.ZoneInfo(zone))
    starts = (now + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    if starts.date() != (starts + dt.timedelta(minutes=20)).date():
        pytest.skip("the event's day ends within 20 minutes: a meeting would cross midnight")
    return starts.date().isoformat(), f"{starts:%H:%M}"


def _signs_in(page, token: str) -> None:
    page.goto(f"/signin/{token}/")
    page.wait_for_url(f"**/{SLUG}/lobby/")


def test_a_visitor_asks_another_who_accepts_and_both_join_one_room(media_browser, video_server):  # noqa: F811
    done = video_server.manage("shell", "-c", SETUP.format(slug=SLUG))
    tokens = json.loads(done.strip().splitlines()[-1])
    day, start = _in_two_minutes("Asia/Seoul")
    contexts = _phones(media_browser, video_server)
    try:
        ann, bea = (context.new_page() for context in contexts)
        _signs_in(ann, tokens["Ann"])
        _signs_in(bea, tokens["Bea"])

        # Ann asks Bea from the list of people open to meetings (phone-sized).
        ann.goto(f"/{SLUG}/people/")
        ann.get_by_role("link", name="Ask Bea for a meeting").click()
        ann.get_by_label("Day").fill(day)
        ann.get_by_label("Starts at").fill(start)
        ann.get_by_label("Length").select_option("15")
        ann.get_by_label("Note (optional)").fill("About the robot arm")
        ann.get_by_role("button", name="Ask for this time").click()
        ann.wait_for_url(f"**/{SLUG}/meetings/")
        expect(ann.get_by_text("Waiting for the other person to answer")).to_be_visible()

        # Bea accepts on her meetings page; then both press "Join".
        bea.goto(f"/{SLUG}/meetings/")
        card = bea.locator("#visitor-meetings + .cards .card", has_text="Ann")
        expect(card).to_contain_text("About the robot arm")
        card.get_by_role("button", name="Accept").click()
        expect(bea.get_by_text("You accepted the meeting.", exact=False)).to_be_visible()
        bea.get_by_role("button", name="Join").click()
        ann.reload()
        ann.get_by_role("button", name="Join").click()

        for page, other in ((ann, "Bea"), (bea, "Ann")):
            page.wait_for_url("**/meeting-room/#meeting=*")
            meeting = page.locator("[data-rtc-meeting]")
            meeting.wait_for(state="visible")
            meeting.locator("[data-rtc-local]").wait_for()
            meeting.locator(".rtc-player [data-rtc-name]", has_text=other).wait_for(timeout=30_000)
        assert ann.url.split("#", 1)[1] == bea.url.split("#", 1)[1], "not the same meeting room"
        first, later = _frames_decoded_grow(ann)
        assert later > first > 0, "Ann decoded no growing video from Bea in the meeting"
    finally:
        for context in contexts:
            context.close()

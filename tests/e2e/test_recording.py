"""Recording in real browsers: booth staff go live with Chromium's fake camera, the organiser starts
recording the booth's room from its organiser page, and the staff on air and a visitor watching see
"Recorded" at once; after Stop the badge goes and the organiser's page plays the replay.
Media stays on 127.0.0.1 (the live-video tests' server: only that address, loopback allowed)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .test_live_video import (  # noqa: F401  the fixtures: that module's server and browser
    PASSWORD,
    _expo,
    _phones,
    _staff_opens_booth,
    _visitor_opens_booth,
    media_browser,
    video_server,
)

pytestmark = pytest.mark.e2e

ORGANISER = """
import json
from events.enums import TeamRole
from events.models import Event, EventTeamMember, User
organiser = User.objects.create_user("olga.{slug}@example.org", password={password!r},
    display_name="Olga Organiser")
EventTeamMember.objects.create(event=Event.objects.get(slug="{slug}"), user=organiser, role=TeamRole.OWNER)
print(json.dumps({{"organiser": organiser.pk}}))
"""


def test_the_organiser_records_a_live_booth_and_everyone_there_is_told(media_browser, video_server):  # noqa: F811
    slug = "record-expo"
    booth_path, token = _expo(video_server, slug)
    booth = int(re.search(r"/booths/(\d+)/", booth_path).group(1))
    json.loads(
        video_server.manage("shell", "-c", ORGANISER.format(slug=slug, password=PASSWORD)).splitlines()[-1]
    )
    staff_context, visitor_context = _phones(media_browser, video_server)
    organiser_context = media_browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=video_server.url
    )
    organiser_context.set_default_timeout(20_000)
    try:
        staff, visitor, organiser = (
            staff_context.new_page(),
            visitor_context.new_page(),
            organiser_context.new_page(),
        )
        _staff_opens_booth(staff, slug, booth_path)
        staff.get_by_role("button", name="Go live").click()
        staff.get_by_role("button", name="End live video").wait_for(state="visible")
        _visitor_opens_booth(visitor, slug, token, booth_path)
        visitor.locator("[data-rtc-players] .rtc-player").wait_for(state="visible")
        expect(staff.locator("[data-rtc-recording]")).to_have_count(0)

        organiser.goto("/accounts/login/")
        organiser.get_by_role("textbox", name="E-mail address", exact=True).fill(f"olga.{slug}@example.org")
        organiser.get_by_label("Password").fill(PASSWORD)
        organiser.get_by_role("button", name="Log in").click()
        organiser.wait_for_load_state()
        organiser.goto(f"/organiser/{slug}/booths/{booth}/recording/")
        organiser.get_by_role("button", name="Start recording").click()
        organiser.get_by_role("button", name="Stop recording").wait_for()

        for page in (staff, visitor):
            badge = page.locator("#live-video [data-rtc-recording]")
            expect(badge).to_be_visible()
            expect(badge).to_contain_text("Recorded")
        organiser.wait_for_timeout(3000)  # three seconds on air
        organiser.get_by_role("button", name="Stop recording").click()
        organiser.get_by_text("Stopped by the organiser.").wait_for()
        for page in (staff, visitor):
            expect(page.locator("#live-video [data-rtc-recording]")).to_be_hidden()
        # The eager worker prepared the replay within the request: the page plays it.
        replay = organiser.locator("video[data-replay]")
        expect(replay).to_have_count(1)
        duration = organiser.evaluate(
            """async () => {
              const video = document.querySelector("video[data-replay]");
              video.preload = "metadata";
              video.load();
              await new Promise((done) => video.addEventListener("loadedmetadata", done, { once: true }));
              return video.duration;
            }"""
        )
        assert 2.0 <= duration <= 5.0
    finally:
        for context in (staff_context, visitor_context, organiser_context):
            context.close()

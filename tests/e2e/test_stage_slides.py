"""A document on a session's stage, in real browsers on phones: a speaker goes on air with Chromium's
fake camera and presents the main stage's own document (uploaded for the session and turned into
pages by the booths' processing); a visitor sees the page beside the speaker's video (decoded
frames rising), stacked at 390 px, follows the speaker's Next, reads on with Previous and comes
back with "Back to the presenter's page"; the speaker sees how many follow; when the speaker
stops, the slides go and the video is the stage's again. Media stays on 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from . import test_live_video as live_video
from .conftest import PHONE, only_this_server
from .test_live_video import PASSWORD, RECORD_PEERS, _frames_decoded_grow
from .test_stage import _go_on_air, _log_in, _open_stage

media_browser, video_server = live_video.media_browser, live_video.video_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.core.files.base import ContentFile
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus, TeamRole
from events.models import Attendee, Event, EventTeamMember, Session, User
from events.services.signin import issue_signin_link
from events.services.stage import name_stage_speaker
from exhibits.models import BoothAsset
from exhibits.services.asset_processing import process_asset
from tests.asset_factories import pdf_bytes

today = timezone.localdate()
event = Event.objects.create(name="Stage Slides Expo", slug="stage-slides", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
now = timezone.now()
session = Session.objects.create(event=event, title="Main stage keynote",
    starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
owner = User.objects.create_user("olga.stage-slides@example.org", password={password!r},
    display_name="Olga Organiser")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
speaker = User.objects.create_user("sora.stage-slides@example.org", password={password!r},
    display_name="Sora Speaker")
name_stage_speaker(session, speaker.email, by=owner)
asset = BoothAsset(session=session, kind="document", title="Keynote deck", position=0,
                   original_format="pdf", original_size=1)
asset.original.save("original.pdf", ContentFile(pdf_bytes(3)), save=False)
asset.save()
process_asset(asset.pk)
asset.refresh_from_db()
assert asset.status == "ready", asset.status
images = {{page.number: page.image.url for page in asset.pages.all()}}
viewer = User.objects.create_user("vic.stage-slides@example.org", display_name="Vic Visitor")
attendee = Attendee.objects.create(event=event, user=viewer, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Vic Visitor", email=viewer.email, language="en",
    visible_to_others=True, confirmed_at=timezone.now())
print(json.dumps({{"session": session.pk, "images": images, "token": issue_signin_link(attendee)[1]}}))
"""


def _boxes(page) -> tuple[dict, dict]:
    section = page.locator("#live-with-slides")
    return section.locator("[data-lws-slide]").bounding_box(), section.locator(
        "[data-lws-speaker]"
    ).bounding_box()


def test_a_speaker_presents_on_the_stage_and_a_visitor_follows_beside_the_video(media_browser, video_server):
    done = video_server.manage("shell", "-c", SETUP.format(password=PASSWORD))
    ids = json.loads(done.strip().splitlines()[-1])
    images = {int(number): url for number, url in ids["images"].items()}
    session_path = f"/stage-slides/sessions/{ids['session']}/"
    contexts = [
        media_browser.new_context(viewport=PHONE, base_url=video_server.url, locale="en-GB") for _ in range(2)
    ]
    for context in contexts:
        context.set_default_timeout(20_000)
        context.add_init_script(RECORD_PEERS)
    try:
        sora, visitor = (context.new_page() for context in contexts)
        elsewhere = only_this_server(sora, video_server.url) + only_this_server(visitor, video_server.url)
        _log_in(sora, "sora.stage-slides@example.org", session_path)
        _go_on_air(sora)

        studio = sora.get_by_role("region", name="Live presentation")
        following = studio.locator("[data-lws-following]")
        expect(following).to_have_text("Nobody follows your presentation yet.")
        studio.get_by_label("Document to present").select_option(label="Keynote deck")
        studio.get_by_role("button", name="Present this document").click()
        expect(studio.locator("[data-lws-status]")).to_have_text(
            "You are presenting: everyone watching this session sees the page you show."
        )
        expect(studio.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")

        # A visitor who comes late gets the page at once, beside the speaker's video.
        visitor.goto(f"/signin/{ids['token']}/")
        visitor.wait_for_url("**/stage-slides/lobby/")
        _open_stage(visitor, session_path)
        together = visitor.get_by_role("region", name="Live presentation")
        expect(together).to_be_visible()
        slide = together.locator("[data-lws-image]")
        expect(slide).to_have_attribute("src", images[1])
        expect(slide).to_have_attribute("alt", "Page 1 of Keynote deck")
        player = together.locator("[data-lws-speaker] .rtc-player")
        player.wait_for(state="visible")
        expect(player.locator("[data-rtc-name]")).to_have_text("Sora Speaker")
        first, later = _frames_decoded_grow(visitor)
        assert later > first > 0, "the visitor decoded no rising frames beside the slides"
        expect(following).to_have_text("1 person follows your presentation.")
        expect(studio.locator("[data-lws-watching]")).to_have_text("1 person is watching your live video.")

        # On a phone the page and the speaker are stacked: slides first, the speaker below.
        slide_box, speaker_box = _boxes(visitor)
        assert slide_box["y"] + slide_box["height"] <= speaker_box["y"] + 1
        assert slide_box["width"] > 300 and speaker_box["width"] > 300

        # The speaker's Next turns the visitor's page.
        studio.get_by_role("button", name="Next page").click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 2 of 3")
        expect(slide).to_have_attribute("src", images[2])
        back = together.get_by_role("button", name="Back to the presenter's page")
        expect(back).to_be_hidden()

        # The visitor's own Next reads ahead; the speaker's page no longer moves theirs.
        together.get_by_role("button", name="Next page").click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 3 of 3")
        expect(together.get_by_role("button", name="Next page")).to_be_disabled()
        studio.get_by_role("button", name="Previous page").click()
        expect(studio.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")
        expect(together.locator("[data-lws-status]")).to_have_text(
            "You are reading on your own; the presenter is on page 1."
        )
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 3 of 3")

        # Back to the presenter's page follows the speaker again.
        back.click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")
        expect(slide).to_have_attribute("src", images[1])
        expect(back).to_be_hidden()

        # The switch makes the speaker large.
        together.get_by_role("button", name="Show the speaker large").click()
        expect(together.get_by_role("button", name="Show the slides large")).to_have_attribute(
            "aria-pressed", "true"
        )

        # The speaker stops: the slides go, and the video is back in the stage's own place.
        studio.get_by_role("button", name="Stop presenting").click()
        expect(together).to_be_hidden()
        expect(visitor.locator("[data-stage-video] [data-rtc-players] .rtc-player")).to_have_count(1)
        assert elsewhere == []
    finally:
        for context in contexts:
            context.close()

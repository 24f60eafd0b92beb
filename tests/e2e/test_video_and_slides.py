"""Video and slides together on a booth page, in real browsers: staff go live with Chromium's fake
camera and present a document from the booth page; a visitor's booth page shows the video
(decoded frames rising) beside the presented page, follows the presenter's Next, reads on their
own with Previous and comes back with "Back to the presenter's page"; at 390 px the two are
stacked, on a wide screen side by side and swappable; staff see how many watch their video and
follow their presentation (a second tab of the same visitor is not a second follower).
Media stays on 127.0.0.1 (the server of tests/e2e/test_live_video.py).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server
from .test_accessibility import AXE, FAILING_IMPACTS
from .test_live_video import (  # noqa: F401 (fixtures)
    PASSWORD,
    RECORD_PEERS,
    _frames_decoded_grow,
    media_browser,
    video_server,
)

pytestmark = pytest.mark.e2e

SLIDES_PHONE = {"width": 390, "height": 844}

SETUP = """
import datetime as dt, json
from django.core.files.base import ContentFile
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link
from exhibits.models import Booth, BoothAsset, Exhibitor, ExhibitorStaff, Hall
from exhibits.services.asset_processing import process_asset
from tests.asset_factories import pdf_bytes

today = timezone.localdate()
event = Event.objects.create(name="Slides Expo", slug="slides-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall S")
exhibitor = Exhibitor.objects.create(event=event, name="Slide Robotics")
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="S-1")
staff = User.objects.create_user("sara.slides@example.org", password={password!r}, display_name="Sara Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
asset = BoothAsset(booth=booth, kind="document", title="Robot deck", position=0,
                   original_format="pdf", original_size=1)
asset.original.save("original.pdf", ContentFile(pdf_bytes(3)), save=False)
asset.save()
process_asset(asset.pk)
images = {{page.number: page.image.url for page in asset.pages.all()}}
viewer = User.objects.create_user("vic.slides@example.org", display_name="Vic Visitor")
attendee = Attendee.objects.create(event=event, user=viewer, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Vic Visitor", email=viewer.email, language="en",
    visible_to_others=True, confirmed_at=timezone.now())
print(json.dumps({{"booth": booth.pk, "asset": asset.pk, "images": images,
                  "token": issue_signin_link(attendee)[1]}}))
"""


def _axe_failures(page, selector: str) -> list[str]:
    """Serious or critical violations inside `selector` (tests/e2e/test_accessibility.py's axe)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(selector) => axe.run(selector, {resultTypes: ['violations']})", selector)
    return [
        f"{violation['id']} at {' '.join(map(str, node['target']))}: {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
        for node in violation["nodes"]
    ]


def _boxes(page) -> tuple[dict, dict]:
    section = page.locator("#live-with-slides")
    slide, speaker = section.locator("[data-lws-slide]"), section.locator("[data-lws-speaker]")
    return slide.bounding_box(), speaker.bounding_box()


def test_a_visitor_watches_the_speaker_beside_the_presented_page(media_browser, video_server):  # noqa: F811
    done = video_server.manage("shell", "-c", SETUP.format(password=PASSWORD))
    ids = json.loads(done.strip().splitlines()[-1])
    images = {int(number): url for number, url in ids["images"].items()}
    booth_path = f"/slides-expo/booths/{ids['booth']}/"
    contexts = [
        # bypass_csp: only so that axe-core can be injected; the site's own scripts need no exception.
        media_browser.new_context(
            viewport=SLIDES_PHONE, base_url=video_server.url, locale="en-GB", bypass_csp=True
        )
        for _ in range(2)
    ]
    for context in contexts:
        context.set_default_timeout(20_000)
        context.add_init_script(RECORD_PEERS)
    try:
        staff, visitor = (context.new_page() for context in contexts)
        elsewhere = only_this_server(staff, video_server.url) + only_this_server(visitor, video_server.url)

        staff.goto("/accounts/login/")
        staff.get_by_role("textbox", name="E-mail address", exact=True).fill("sara.slides@example.org")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Log in").click()
        staff.wait_for_url("**/exhibitor/")
        staff.goto(booth_path)
        staff.locator("#live-video").wait_for(state="visible")
        staff.get_by_role("button", name="Go live").click()
        staff.get_by_role("button", name="End live video").wait_for(state="visible")

        studio = staff.get_by_role("region", name="Live presentation")
        watching = studio.locator("[data-lws-watching]")
        expect(watching).to_have_text("0 people are watching your live video.")
        following = studio.locator("[data-lws-following]")
        expect(following).to_have_text("Nobody follows your presentation yet.")
        studio.get_by_label("Document to present").select_option(label="Robot deck")
        studio.get_by_role("button", name="Present this document").click()
        expect(studio.locator("[data-lws-status]")).to_have_text(
            "You are presenting: everyone on this booth page sees the page you show."
        )
        expect(studio.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")

        visitor.goto(f"/signin/{ids['token']}/")
        visitor.wait_for_url("**/slides-expo/lobby/")
        visitor.goto(booth_path)
        together = visitor.get_by_role("region", name="Live presentation")
        expect(together).to_be_visible()
        slide = together.locator("[data-lws-image]")
        expect(slide).to_have_attribute("src", images[1])
        expect(slide).to_have_attribute("alt", "Page 1 of Robot deck")
        expect(slide).to_have_attribute("loading", "lazy")
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")
        # The live video's player is in the speaker's place, beside the page.
        player = together.locator("[data-lws-speaker] .rtc-player")
        player.wait_for(state="visible")
        expect(player.locator("[data-rtc-name]")).to_have_text("Sara Staff")
        first, later = _frames_decoded_grow(visitor)
        assert later > first > 0, "the visitor's decoded frames did not rise"
        expect(watching).to_have_text("1 person is watching your live video.")
        expect(following).to_have_text("1 person follows your presentation.")

        # At 390 px the page and the speaker are stacked: slides first, the speaker below.
        slide_box, speaker_box = _boxes(visitor)
        assert slide_box["y"] + slide_box["height"] <= speaker_box["y"] + 1
        assert slide_box["width"] > 300 and speaker_box["width"] > 300

        # axe-core finds no serious or critical failure in the two sections, for either side.
        for page in (visitor, staff):
            assert _axe_failures(page, "#live-with-slides") == []
            assert _axe_failures(page, "[data-slide-pages]") == []

        # The presenter's Next turns the follower's page.
        studio.get_by_role("button", name="Next page").click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 2 of 3")
        expect(slide).to_have_attribute("src", images[2])
        expect(together.locator("[data-lws-status]")).to_have_text(
            "You see the presenter's page: it turns with theirs."
        )
        back = together.get_by_role("button", name="Back to the presenter's page")
        expect(back).to_be_hidden()

        # The visitor's own Previous detaches them: the presenter's next page no longer moves theirs.
        together.get_by_role("button", name="Previous page").click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")
        expect(together.get_by_role("button", name="Previous page")).to_be_disabled()
        expect(back).to_be_visible()
        studio.get_by_role("button", name="Next page").click()
        expect(studio.locator("[data-lws-page-label]")).to_have_text("Page 3 of 3")
        expect(together.locator("[data-lws-status]")).to_have_text(
            "You are reading on your own; the presenter is on page 3."
        )
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 1 of 3")

        # Back to the presenter's page re-attaches, from the keyboard too.
        back.focus()
        visitor.keyboard.press("Enter")
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 3 of 3")
        expect(slide).to_have_attribute("src", images[3])
        expect(back).to_be_hidden()
        studio.get_by_role("button", name="Previous page").click()
        expect(together.locator("[data-lws-page-label]")).to_have_text("Page 2 of 3")

        # On a wide screen side by side, the slides large; the switch makes the speaker large.
        visitor.set_viewport_size({"width": 1280, "height": 900})
        slide_box, speaker_box = _boxes(visitor)
        assert slide_box["x"] + slide_box["width"] <= speaker_box["x"] + 1
        assert slide_box["width"] > 2 * speaker_box["width"]
        swap = together.get_by_role("button", name="Show the speaker large")
        swap.click()
        expect(together.get_by_role("button", name="Show the slides large")).to_have_attribute(
            "aria-pressed", "true"
        )
        slide_box, speaker_box = _boxes(visitor)
        assert speaker_box["x"] + speaker_box["width"] <= slide_box["x"] + 1
        assert speaker_box["width"] > 2 * slide_box["width"]

        # A second tab of the same visitor is the same follower; closing both leaves none.
        second_tab = contexts[1].new_page()
        second_tab.goto(booth_path)
        expect(second_tab.get_by_role("region", name="Live presentation")).to_be_visible()
        expect(following).to_have_text("1 person follows your presentation.")

        # Stopping puts the video back in its own section and the presentation away.
        studio.get_by_role("button", name="Stop presenting").click()
        expect(together).to_be_hidden()
        visitor.locator("#live-video [data-rtc-players] .rtc-player").wait_for(state="visible")
        visitor.close()
        second_tab.close()
        expect(following).to_have_text("Nobody follows your presentation yet.")
        assert elsewhere == []
    finally:
        for context in contexts:
            context.close()

"""Two visitors on phones in one booth: A sees B arrive (live presence) and B's chat message,
as plain text, through the real server's live socket."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link
from exhibits.models import Booth, Exhibitor, Hall

today = timezone.localdate()
event = Event.objects.create(name="Live Expo", slug="live-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall L")
exhibitor = Exhibitor.objects.create(event=event, name="Live Robotics")
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="L-1")
tokens = []
for name, email in [("Ana Live", "ana.live@example.org"), ("Bo Live", "bo.live@example.org")]:
    user = User.objects.create_user(email, display_name=name)
    attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
        status=AttendeeStatus.CONFIRMED, display_name=name, email=email, language="en",
        visible_to_others=True, confirmed_at=timezone.now())
    tokens.append(issue_signin_link(attendee)[1])
print(json.dumps({"booth": booth.pk, "tokens": tokens}))
"""


def test_visitor_sees_another_enter_the_booth_and_their_chat(browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    booth_path = f"/live-expo/booths/{ids['booth']}/"
    contexts = [browser.new_context(viewport=PHONE, base_url=rakwon_server.url) for _ in range(2)]
    try:
        ana, bo = (context.new_page() for context in contexts)
        heard: list[str] = []  # what Ana's socket received, for the failure message
        ana.on("websocket", lambda socket: socket.on("framereceived", lambda frame: heard.append(frame)))
        elsewhere = only_this_server(ana, rakwon_server.url) + only_this_server(bo, rakwon_server.url)
        for page, token in zip((ana, bo), ids["tokens"], strict=True):
            page.goto(f"/signin/{token}/")
            page.wait_for_url("**/live-expo/lobby/")

        ana.goto(booth_path)
        presence = ana.locator("section.presence")
        presence.wait_for(state="visible", timeout=15_000)

        def arrive_late(route):  # as on a slow link: the socket opens before chat.js has run
            time.sleep(1.5)
            route.continue_()

        bo.route("**/rakwon/chat*.js", arrive_late)
        bo.goto(booth_path)
        names = ana.locator("[data-presence-names]")
        names.get_by_text("Bo Live").wait_for(timeout=15_000)
        try:  # two people, however their frames interleave
            expect(ana.locator("[data-presence-count]")).to_have_text("2", timeout=5_000)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\nframes Ana's socket received: {heard}") from None

        message = "Hello <b>booth</b> https://example.org/x"
        bo.locator("section.chat").wait_for(state="visible", timeout=15_000)
        bo.get_by_label("Your message").fill(message)
        bo.get_by_role("button", name="Send").click()

        arrived = ana.locator("[data-chat-messages] li", has_text="Hello")
        arrived.wait_for(timeout=15_000)
        assert message in arrived.inner_text()
        assert ana.locator("[data-chat-messages] b").count() == 0  # markup stayed text

        bo.close()  # Bo leaves: Ana's booth list forgets Bo
        names.get_by_text("Bo Live").wait_for(state="detached", timeout=15_000)
        assert elsewhere == []
    finally:
        for context in contexts:
            context.close()

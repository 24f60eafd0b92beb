"""A moderator on a phone deletes a visitor's booth-chat message and mutes them from the chat itself,
then lifts the mute on the Chat moderation page; the visitor sees each step as it happens."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus, TeamRole
from events.models import Attendee, Event, EventTeamMember, User
from events.services.signin import issue_signin_link
from exhibits.models import Booth, Exhibitor, Hall

today = timezone.localdate()
event = Event.objects.create(name="Moderated Expo", slug="moderated-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall M")
booth = Booth.objects.create(event=event, hall=hall, number="M-1",
    exhibitor=Exhibitor.objects.create(event=event, name="Moderated Robotics"))
moderator = User.objects.create_user("mod@example.org", password="a long moderator pass 1",
    display_name="Mo Derator")
EventTeamMember.objects.create(event=event, user=moderator, role=TeamRole.MODERATOR)
user = User.objects.create_user("noisy@example.org", display_name="Noisy Nam")
noisy = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Noisy Nam", email=user.email, language="en",
    visible_to_others=True, confirmed_at=timezone.now())
print(json.dumps({"booth": booth.pk, "token": issue_signin_link(noisy)[1]}))
"""


def _send(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_moderator_deletes_mutes_and_lifts_from_the_pages(browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    booth_path = f"/moderated-expo/booths/{ids['booth']}/"
    contexts = [browser.new_context(viewport=PHONE, base_url=rakwon_server.url) for _ in range(2)]
    try:
        visitor, moderator = (context.new_page() for context in contexts)
        elsewhere = [only_this_server(page, rakwon_server.url) for page in (visitor, moderator)]
        visitor.goto(f"/signin/{ids['token']}/")
        visitor.wait_for_url("**/moderated-expo/lobby/")
        moderator.goto("/accounts/login/")
        moderator.fill("#id_username", "mod@example.org")
        moderator.fill("#id_password", "a long moderator pass 1")
        moderator.press("#id_password", "Enter")
        moderator.wait_for_load_state()
        for page in (visitor, moderator):
            page.goto(booth_path)
            page.locator("section.chat").wait_for(state="visible", timeout=15_000)

        _send(visitor, "BUY CHEAP STUFF")
        spam = moderator.locator("[data-chat-messages] li", has_text="BUY CHEAP STUFF")
        spam.wait_for(timeout=15_000)
        spam.get_by_role("button", name="Delete").click()
        expect(visitor.locator("[data-chat-messages] li", has_text="Message deleted")).to_be_visible(
            timeout=15_000
        )
        expect(visitor.locator("[data-chat-messages]")).not_to_contain_text("BUY CHEAP STUFF")

        _send(visitor, "still here")
        latest = moderator.locator("[data-chat-messages] li", has_text="still here")
        latest.wait_for(timeout=15_000)
        latest.get_by_role("button", name="Mute").click()
        expect(moderator.locator("[data-chat-notice]")).to_contain_text("Muted", timeout=15_000)
        _send(visitor, "can you hear me")
        expect(visitor.locator("[data-chat-error]")).to_contain_text("muted you", timeout=15_000)
        expect(visitor.get_by_label("Your message")).to_have_value("can you hear me")  # nothing lost

        moderator.goto("/organiser/moderated-expo/moderation/")
        moderator.get_by_role("button", name="Lift mute").click()
        expect(moderator.get_by_text("The mute is lifted")).to_be_visible()
        visitor.get_by_role("button", name="Send").click()
        expect(visitor.get_by_label("Your message")).to_have_value("", timeout=15_000)  # sent
        expect(visitor.locator("[data-chat-messages]")).to_contain_text("can you hear me")
        assert elsewhere == [[], []]
    finally:
        for context in contexts:
            context.close()

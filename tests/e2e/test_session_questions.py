"""Q&A in a real browser on phones: a visitor asks anonymously, the moderator sees it waiting and
approves it, and another visitor sees it appear and upvotes it; the asker sees each step live."""

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
from events.models import Attendee, Event, EventTeamMember, Session, User
from events.services.signin import issue_signin_link

today = timezone.localdate()
event = Event.objects.create(name="Q and A Expo", slug="qa-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
session = Session.objects.create(event=event, title="Opening talk", starts_at=timezone.now(),
    ends_at=timezone.now() + dt.timedelta(hours=1))
moderator = User.objects.create_user("qa-mod@example.org", password="a long moderator pass 1",
    display_name="Mo Derator")
EventTeamMember.objects.create(event=event, user=moderator, role=TeamRole.MODERATOR)
tokens = []
for name in ("Asking Ahn", "Voting Baek"):
    user = User.objects.create_user(name.split()[0].lower() + "@example.org", display_name=name)
    attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
        status=AttendeeStatus.CONFIRMED, display_name=name, email=user.email, language="en",
        visible_to_others=True, confirmed_at=timezone.now())
    tokens.append(issue_signin_link(attendee)[1])
print(json.dumps({"session": session.pk, "tokens": tokens}))
"""


def test_ask_approve_and_upvote_reach_every_phone_live(browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    session_path = f"/qa-expo/sessions/{ids['session']}/"
    contexts = [browser.new_context(viewport=PHONE, base_url=rakwon_server.url) for _ in range(3)]
    try:
        asker, voter, moderator = (context.new_page() for context in contexts)
        elsewhere = [only_this_server(page, rakwon_server.url) for page in (asker, voter, moderator)]
        for page, token in zip((asker, voter), ids["tokens"], strict=True):
            page.goto(f"/signin/{token}/")
            page.wait_for_url("**/qa-expo/lobby/")
        moderator.goto("/accounts/login/")
        moderator.fill("#id_username", "qa-mod@example.org")
        moderator.fill("#id_password", "a long moderator pass 1")
        moderator.press("#id_password", "Enter")
        moderator.wait_for_load_state()
        for page in (asker, voter, moderator):
            page.goto(session_path)
            page.locator("[data-qa][data-qa-live]").wait_for(timeout=15_000)

        asker.get_by_label("Your question").fill("Will the slides be shared?")
        asker.get_by_label("Ask anonymously (nobody sees your name)").check()
        asker.get_by_role("button", name="Ask", exact=True).click()
        mine = asker.locator("[data-qa-list] li", has_text="Will the slides be shared?")
        expect(mine).to_contain_text("Waiting for approval", timeout=15_000)
        expect(asker.get_by_label("Your question")).to_have_value("")

        waiting = moderator.locator("[data-qa-list] li", has_text="Will the slides be shared?")
        expect(waiting).to_contain_text("Anonymous", timeout=15_000)
        expect(voter.locator("[data-qa-list]")).not_to_contain_text("Will the slides be shared?")
        waiting.get_by_role("button", name="Approve").click()

        seen = voter.locator("[data-qa-list] li", has_text="Will the slides be shared?")
        expect(seen).to_contain_text("Anonymous", timeout=15_000)
        expect(mine).not_to_contain_text("Waiting for approval", timeout=15_000)
        seen.get_by_role("button", name="Upvote").click()
        expect(mine.locator("[data-qa-votes]")).to_have_text("1 upvote", timeout=15_000)
        expect(seen.get_by_role("button", name="Take back my upvote")).to_be_visible()
        for page in (asker, voter, moderator):
            expect(page.locator("body")).not_to_contain_text("Asking Ahn")  # anonymous to all
        assert elsewhere == [[], [], []]
    finally:
        for context in contexts:
            context.close()

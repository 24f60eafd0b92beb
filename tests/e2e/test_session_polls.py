"""Polls in a real browser on phones: the moderator writes and opens a poll, it appears on a
visitor's page live, the visitor votes, and the moderator's page shows the result live (text
percentage and a meter); the visitor changes their vote and both pages follow."""

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
event = Event.objects.create(name="Poll Expo", slug="poll-expo", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
session = Session.objects.create(event=event, title="Closing talk", starts_at=timezone.now(),
    ends_at=timezone.now() + dt.timedelta(hours=1))
moderator = User.objects.create_user("poll-mod@example.org", password="a long moderator pass 1",
    display_name="Mo Derator")
EventTeamMember.objects.create(event=event, user=moderator, role=TeamRole.MODERATOR)
user = User.objects.create_user("voting-visitor@example.org", display_name="Voting Visitor")
attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Voting Visitor", email=user.email, language="en",
    visible_to_others=False, confirmed_at=timezone.now())
print(json.dumps({"session": session.pk, "token": issue_signin_link(attendee)[1]}))
"""


def test_moderator_opens_a_poll_a_visitor_votes_and_the_result_shows_live(browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    session_path = f"/poll-expo/sessions/{ids['session']}/"
    contexts = [browser.new_context(viewport=PHONE, base_url=rakwon_server.url) for _ in range(2)]
    try:
        visitor, moderator = (context.new_page() for context in contexts)
        elsewhere = [only_this_server(page, rakwon_server.url) for page in (visitor, moderator)]
        visitor.goto(f"/signin/{ids['token']}/")
        visitor.wait_for_url("**/poll-expo/lobby/")
        moderator.goto("/accounts/login/")
        moderator.fill("#id_username", "poll-mod@example.org")
        moderator.fill("#id_password", "a long moderator pass 1")
        moderator.press("#id_password", "Enter")
        moderator.wait_for_load_state()
        for page in (visitor, moderator):
            page.goto(session_path)
            page.locator("[data-polls][data-polls-live]").wait_for(timeout=15_000)
        expect(visitor.locator("[data-polls-list]")).to_contain_text("No polls yet.")

        moderator.get_by_label("Question", exact=True).fill("Which track next?")
        moderator.get_by_label("Answer 1", exact=True).fill("Web")
        moderator.get_by_label("Answer 2", exact=True).fill("Mobile")
        moderator.get_by_label("Answer 3", exact=True).fill("Networks")
        moderator.get_by_role("button", name="Open now").click()

        poll = visitor.locator("[data-polls-list] li", has_text="Which track next?")
        expect(poll).to_contain_text("Open", timeout=15_000)  # appeared live, no reload
        poll.get_by_role("radio", name="Mobile").check()
        poll.get_by_role("button", name="Vote").click()

        shown = moderator.locator("[data-polls-list] li", has_text="Which track next?")
        expect(shown.locator("[data-poll-total]")).to_have_text("Votes in all: 1", timeout=15_000)
        expect(shown.locator("li", has_text="Mobile")).to_contain_text("100 % · 1 vote")
        expect(shown.locator("li", has_text="Web")).to_contain_text("0 % · 0 votes")
        expect(shown.locator("li", has_text="Mobile").locator("meter")).to_have_attribute("value", "100")
        # The form is drawn anew with the vote; the keyboard stays on its button.
        expect(poll.get_by_role("button", name="Change my vote")).to_be_focused(timeout=15_000)
        expect(poll.locator("li", has_text="Mobile")).to_contain_text("(your vote)")

        poll.get_by_role("radio", name="Networks").check()
        poll.get_by_role("button", name="Change my vote").click()
        expect(shown.locator("li", has_text="Networks")).to_contain_text("100 % · 1 vote", timeout=15_000)
        expect(shown.locator("li", has_text="Mobile")).to_contain_text("0 % · 0 votes")
        expect(shown.locator("[data-poll-total]")).to_have_text("Votes in all: 1")

        shown.get_by_role("button", name="Close the poll").click()
        expect(poll).to_contain_text("Closed", timeout=15_000)
        expect(poll.get_by_role("button", name="Change my vote")).to_have_count(0)
        assert elsewhere == [[], []]
    finally:
        for context in contexts:
            context.close()

"""An outside speaker's invitation by mail, in a real browser on a phone: the organiser names an
address, reads that the invitation was mailed (and sees the state in the list, with nothing wider
than the screen), presses "Send again"; the mail the server wrote (the file backend) carries the
newest link, which the invited address accepts after logging in, landing on the session's stage."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import RakwonServer, only_this_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long stage password 7"
GUEST = "guest.invite@outside.example"

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember, Session, User

today = timezone.localdate()
event = Event.objects.create(name="Invite Expo", slug="{slug}", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
now = timezone.now()
session = Session.objects.create(event=event, title="River talk",
    starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2))
owner = User.objects.create_user("olga.{slug}@example.org", password={password!r},
    display_name="Olga Organiser")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
print(json.dumps({{"session": session.pk}}))
"""

GUEST_ACCOUNT = """
from events.models import User
User.objects.create_user({email!r}, password={password!r}, display_name="Gil Guest")
"""


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _fits_the_screen(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


def _links_in_mails(server: RakwonServer) -> list[str]:
    found = []
    for text in server.mails():
        if GUEST in text:
            found += re.findall(r"https?://[^\s]+/accounts/invitations/stage/[A-Za-z0-9_-]+/", text)
    return found


def test_the_organiser_mails_an_outside_speaker_who_accepts_from_the_mail(rakwon_server, phone):
    slug = "invite-expo"
    done = rakwon_server.manage("shell", "-c", SETUP.format(slug=slug, password=PASSWORD))
    session = json.loads(done.strip().splitlines()[-1])["session"]
    speakers = f"/organiser/{slug}/schedule/{session}/stage/"
    page = phone.new_page()
    only_this_server(page, rakwon_server.url)
    _log_in(page, f"olga.{slug}@example.org")

    page.goto(speakers)
    page.get_by_label("E-mail address").fill(GUEST)
    page.get_by_role("button", name="Add speaker").click()
    expect(page.get_by_text(f"The invitation was mailed to {GUEST}.")).to_be_visible()
    expect(page.get_by_text("Invitation mailed", exact=False).first).to_be_visible()
    _fits_the_screen(page)
    assert len(_links_in_mails(rakwon_server)) == 1

    page.get_by_role("button", name=f"Mail {GUEST} a new invitation link").click()
    expect(page.get_by_text(f"The invitation was mailed to {GUEST}.")).to_be_visible()
    _fits_the_screen(page)
    first, newest = _links_in_mails(rakwon_server)
    assert first != newest

    rakwon_server.manage("shell", "-c", GUEST_ACCOUNT.format(email=GUEST, password=PASSWORD))
    guest_context = phone.browser.new_context(
        viewport=phone.pages[0].viewport_size, base_url=rakwon_server.url
    )
    try:
        guest = guest_context.new_page()
        only_this_server(guest, rakwon_server.url)
        _log_in(guest, GUEST)
        # Links are followed by their path: the mail's host is SITE_URL, this server's port is not.
        guest.goto("/accounts/" + first.split("/accounts/")[1])
        expect(guest.get_by_text("not valid or has already been used", exact=False)).to_be_visible()
        guest.goto("/accounts/" + newest.split("/accounts/")[1])
        guest.get_by_role("button", name="Accept invitation").click()
        guest.wait_for_url(re.compile(rf"/{slug}/sessions/{session}/"))
        expect(guest.get_by_text("You are a speaker of “River talk”.", exact=False)).to_be_visible()
    finally:
        guest_context.close()
    page.goto(speakers)
    expect(page.locator("td", has_text="Gil Guest")).to_be_visible()

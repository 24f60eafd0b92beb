"""An institution's member on a phone keeps their seat: they join, keep the recovery code shown
once, clear the browser's cookies, and get back in with the code on the same seat; the organiser
then frees the seat of a lost member and that member's browser is signed out."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember, User
from events.services.institutions import create_institution

today = timezone.localdate()
event = Event.objects.create(
    name="Seat Expo", slug="seat-expo", starts_on=today, ends_on=today + dt.timedelta(days=2),
    time_zone="Asia/Seoul", languages=["en", "ko"], status=EventStatus.PUBLISHED,
)
owner = User.objects.create_user("omar.owner@example.org", password="a long enough pass phrase 42",
                                 display_name="Omar Owner")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
institution, code = create_institution(event, name="Busan Science High School", seats=1, by=owner)
print(json.dumps({"code": code, "institution": institution.pk}))
"""

SEATS = (
    "from events.models import Attendee; "
    "print(list(Attendee.objects.filter(event__slug='seat-expo').values_list('pk', 'status')))"
)


def test_member_clears_cookies_and_gets_back_in_with_the_recovery_code(browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    phone = browser.new_context(viewport=PHONE, base_url=rakwon_server.url, locale="en-GB")
    phone.set_default_timeout(15_000)
    try:
        page = phone.new_page()
        elsewhere = only_this_server(page, rakwon_server.url)
        page.goto("/seat-expo/join/")
        expect(page.get_by_text("It is the only way back to your seat", exact=False)).to_be_visible()
        page.get_by_role("textbox", name="Access code", exact=True).fill(ids["code"])
        page.get_by_role("textbox", name="Your name", exact=True).fill("Jang Min-seo")
        page.get_by_role("button", name="Join", exact=True).click()
        expect(page.get_by_role("heading", name="Keep your recovery code")).to_be_visible()
        code = page.locator("code.recovery-code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("link", name="I have kept my code: go to the lobby").click()
        page.wait_for_url("**/seat-expo/lobby/")
        seats = rakwon_server.manage("shell", "-c", SEATS).strip().splitlines()[-1]

        phone.clear_cookies()  # the browser's data cleared: the seat's session is gone
        page.goto("/seat-expo/lobby/")
        page.wait_for_url("**/seat-expo/signin/")
        page.goto("/seat-expo/join/")
        page.get_by_role("link", name="Continue on another device, or lost your access?").click()
        page.wait_for_url("**/seat-expo/join/recover/")
        page.get_by_role("textbox", name="Your recovery code", exact=True).fill("ABCD-EFGH-JKLM")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(
            page.get_by_text("This recovery code is not valid for this event.", exact=False)
        ).to_be_visible()
        page.get_by_role("textbox", name="Your recovery code", exact=True).fill(code.lower())
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url("**/seat-expo/lobby/")
        expect(
            page.get_by_text("Welcome back, Jang Min-seo. You are on your seat of Busan Science High School.")
        ).to_be_visible()
        # The same seat: one member, still confirmed; none taken by the second way in.
        assert rakwon_server.manage("shell", "-c", SEATS).strip().splitlines()[-1] == seats
        assert re.fullmatch(r"\[\(\d+, 'confirmed'\)\]", seats), seats

        desk = browser.new_context(base_url=rakwon_server.url, locale="en-GB")
        desk.set_default_timeout(15_000)
        try:
            organiser = desk.new_page()
            organiser.goto("/accounts/login/")
            organiser.get_by_role("textbox", name="E-mail address", exact=True).fill("omar.owner@example.org")
            organiser.get_by_label("Password").fill("a long enough pass phrase 42")
            organiser.get_by_role("button", name="Log in").click()
            organiser.wait_for_url("**/organiser/**")
            organiser.goto(f"/organiser/seat-expo/institutions/{ids['institution']}/")
            organiser.get_by_role("button", name="Free the seat of Jang Min-seo").click()
            expect(organiser.get_by_text("Jang Min-seo's seat is free", exact=False)).to_be_visible()
        finally:
            desk.close()
        page.goto("/seat-expo/lobby/")
        page.wait_for_url("**/seat-expo/signin/")
        assert elsewhere == []
    finally:
        phone.close()

"""A visitor tours the expo on a phone: lobby → hall → booth, reads a document page by page,
bookmarks a session, shares contact details; the exhibitor's staff then see the lead.

The organiser's setup is made with `manage.py shell` to keep the test short; the document is
uploaded through the booth editor by the exhibitor's staff and processed by the real worker code.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.asset_factories import pdf_bytes

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.schedule import save_session
from events.services.signin import issue_signin_link
from exhibits.models import Booth, Exhibitor, ExhibitorStaff, Hall, Tag

today = timezone.localdate()
event = Event.objects.create(
    name="Harbour Tour Expo", slug="tour-expo", starts_on=today, ends_on=today + dt.timedelta(days=1),
    time_zone="Asia/Seoul", languages=["en", "ko"], status=EventStatus.PUBLISHED,
    description="Welcome aboard: three halls of harbour technology.",
)
hall = Hall.objects.create(event=event, name="Main Hall", plan_columns=12, plan_rows=8)
exhibitor = Exhibitor.objects.create(
    event=event, name="Seagull Robotics", description="Robots that sort parcels."
)
staff = User.objects.create_user("sam.staff@example.org", password="a long enough pass phrase 42",
                                 display_name="Sam Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
booth = Booth.objects.create(
    event=event, hall=hall, exhibitor=exhibitor, number="M-1", tagline="Parcel robots",
    description={"en": "Come and watch the sorting arm.", "ko": "분류 로봇을 보러 오세요."},
    x=1, y=1, width=3, height=2,
)
booth.tags.set([Tag.objects.create(event=event, name="Robots")])
starts = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
session = save_session(
    event, None, title="Sorting arm live", description="A live demo.", starts_at=starts,
    ends_at=starts + dt.timedelta(minutes=30), speakers_text="Sam Staff", place=f"booth:{booth.pk}",
)
visitor = User.objects.create_user("ada.tour@example.org", display_name="Ada Tour")
visitor.set_unusable_password()
visitor.save()
attendee = Attendee.objects.create(event=event, user=visitor, kind=AttendeeKind.INDIVIDUAL,
                                   status=AttendeeStatus.CONFIRMED, display_name="Ada Tour",
                                   email="ada.tour@example.org", language="en", confirmed_at=timezone.now())
_link, token, _code = issue_signin_link(attendee)
print(json.dumps({"booth": booth.pk, "exhibitor": exhibitor.pk, "session": session.pk, "token": token}))
"""


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _staff_uploads_a_brochure(page, booth_id: int) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("sam.staff@example.org")
    page.get_by_label("Password").fill("a long enough pass phrase 42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitor/")
    page.goto(f"/exhibitor/booths/{booth_id}/editor/files/")
    upload = page.locator("form", has=page.get_by_role("button", name="Upload", exact=True))
    upload.get_by_label("Kind of file").select_option("document")
    upload.get_by_label(re.compile(r"^File\b")).set_input_files(
        files=[{"name": "brochure.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)}]
    )
    upload.get_by_role("textbox", name="Title in English", exact=True).fill("Seagull brochure")
    upload.get_by_role("button", name="Upload", exact=True).click()
    item = page.locator(".asset-item", has_text="Seagull brochure")
    item.locator("[data-role=status]", has_text="Ready").wait_for()
    expect(item.get_by_text("2 pages")).to_be_visible()


def test_visitor_tours_bookmarks_and_shares_then_staff_see_the_lead(phone, browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=rakwon_server.url)
    desk.set_default_timeout(30_000)
    try:
        staff = desk.new_page()
        staff_elsewhere = only_this_server(staff, rakwon_server.url)
        _staff_uploads_a_brochure(staff, ids["booth"])

        page = phone.new_page()
        elsewhere = only_this_server(page, rakwon_server.url)

        # Lobby: the welcome, what is on next, the halls.
        page.goto(f"/signin/{ids['token']}/")
        page.wait_for_url("**/tour-expo/lobby/")
        expect(page.get_by_role("heading", name="Harbour Tour Expo", exact=True)).to_be_visible()
        expect(page.get_by_text("Welcome aboard: three halls of harbour technology.")).to_be_visible()
        up_next = page.locator("section", has=page.get_by_role("heading", name="Up next"))
        expect(up_next.get_by_role("heading", name="Sorting arm live")).to_be_visible()
        _fits_the_phone(page)

        # Hall: the plan and the list; filter by topic without JavaScript.
        halls = page.locator("section", has=page.get_by_role("heading", name="Halls", exact=True))
        halls.get_by_role("link", name="Main Hall").click()
        page.wait_for_url("**/tour-expo/halls/*/")
        expect(page.get_by_role("group", name="Plan of Main Hall")).to_be_visible()
        page.get_by_role("searchbox", name="Search all booths of the event").fill("sorting arm")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url("**/tour-expo/find/?q=sorting+arm")
        expect(page.get_by_role("heading", name="1 booth found")).to_be_visible()
        _fits_the_phone(page)
        page.go_back()
        page.get_by_role("link", name="Robots", exact=True).click()
        page.wait_for_url("**/halls/*/?tag=*")
        expect(page.get_by_role("heading", name="Booths in this hall on “Robots”")).to_be_visible()
        _fits_the_phone(page)
        page.locator(".booth-list").get_by_role("link", name="M-1 Seagull Robotics").click()
        page.wait_for_url(f"**/tour-expo/booths/{ids['booth']}/")

        # Booth: words, staff on duty, the document.
        expect(page.get_by_role("heading", name="Seagull Robotics", level=1)).to_be_visible()
        expect(page.get_by_text("Come and watch the sorting arm.")).to_be_visible()
        staff_section = page.locator("section", has=page.get_by_role("heading", name="Staff on duty"))
        assert staff_section.get_by_role("listitem").all_inner_texts() == ["Sam Staff"]
        _fits_the_phone(page)
        page.get_by_role("link", name="Seagull brochure").click()
        page.wait_for_url(f"**/booths/{ids['booth']}/documents/*/")
        expect(page.get_by_text("Page 1 of 2")).to_be_visible()
        expect(page.get_by_role("img", name="Page 1 of Seagull brochure")).to_be_visible()
        page.get_by_role("link", name="Next page").click()
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        _fits_the_phone(page)
        page.get_by_role("link", name=re.compile("Back to booth M-1")).click()
        page.wait_for_url(f"**/tour-expo/booths/{ids['booth']}/")

        # Bookmark the booth's session (a plain form post).
        page.get_by_role("button", name="Bookmark: Sorting arm live").click()
        page.wait_for_url(f"**/tour-expo/booths/{ids['booth']}/#session-{ids['session']}")
        expect(page.get_by_text("“Sorting arm live” is in your bookmarks.")).to_be_visible()
        expect(page.get_by_role("button", name="Remove bookmark: Sorting arm live")).to_be_visible()

        # Share contact details with the exhibitor.
        share = page.locator("#share-contact")
        share.get_by_role("checkbox", name="Name: Ada Tour").check()
        share.get_by_role("checkbox", name="E-mail address: ada.tour@example.org").check()
        share.get_by_role("button", name="Share with Seagull Robotics").click()
        page.wait_for_url(f"**/tour-expo/booths/{ids['booth']}/")
        assert page.get_by_text(
            "You shared your contact details with Seagull Robotics.", exact=False
        ).is_visible()
        _fits_the_phone(page)

        # The bookmark waits in the visitor's bookmarks, with the calendar feed's address.
        page.goto("/tour-expo/bookmarks/")
        sessions = page.locator("section", has=page.get_by_role("heading", name="Sessions"))
        expect(sessions.get_by_role("heading", name="Sorting arm live")).to_be_visible()
        feed = page.get_by_label("Your calendar feed address").input_value()
        assert re.fullmatch(rf"{re.escape(rakwon_server.url)}/tour-expo/calendar/[\w-]+\.ics", feed)
        _fits_the_phone(page)
        page.goto("/tour-expo/agenda/?by=place")
        expect(page.get_by_role("button", name="Remove bookmark: Sorting arm live")).to_be_visible()
        expect(page.get_by_role("link", name="Add to calendar: Sorting arm live")).to_be_visible()
        _fits_the_phone(page)
        # A calendar app has no cookies: the feed answers by its secret address alone.
        calendar_app = browser.new_context()
        try:
            answer = calendar_app.request.get(feed)
            assert (answer.status, answer.headers["content-type"]) == (200, "text/calendar; charset=utf-8")
            assert "SUMMARY:Sorting arm live\r\n" in answer.text()
        finally:
            calendar_app.close()

        # The staff, at their desk, see the lead with exactly what was shared.
        staff.goto(f"/exhibitor/{ids['exhibitor']}/leads/")
        lead = staff.locator(".card", has=staff.get_by_role("heading", name="Ada Tour"))
        expect(lead).to_be_visible()
        expect(lead.get_by_text("ada.tour@example.org")).to_be_visible()
        expect(staff.get_by_text("1 visitor shared their details with you.")).to_be_visible()
        assert elsewhere == []
        assert staff_elsewhere == []
    finally:
        desk.close()

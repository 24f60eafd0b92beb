"""A visitor opens a booth's document in a real browser; the exhibitor's analytics page then
shows one document view and the event's days (not the fortnight before today)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server

pytestmark = pytest.mark.e2e

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
event = Event.objects.create(
    name="Counting Expo", slug="counting-expo", starts_on=today, ends_on=today + dt.timedelta(days=2),
    time_zone="Asia/Seoul", languages=["en"], status=EventStatus.PUBLISHED,
)
hall = Hall.objects.create(event=event, name="Main Hall")
exhibitor = Exhibitor.objects.create(event=event, name="Abacus Works")
staff = User.objects.create_user("ana.staff@example.org", password="a long enough pass phrase 42",
                                 display_name="Ana Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="A-1", x=0, y=0)
asset = BoothAsset(booth=booth, kind="document", title="Abacus brochure", position=0,
                   original_format="pdf", original_size=1)
asset.original.save("original.pdf", ContentFile(pdf_bytes(2)), save=False)
asset.save()
process_asset(asset.pk)
visitor = User.objects.create_user("vic.visitor@example.org", display_name="Vic Visitor")
visitor.set_unusable_password()
visitor.save()
attendee = Attendee.objects.create(event=event, user=visitor, kind=AttendeeKind.INDIVIDUAL,
                                   status=AttendeeStatus.CONFIRMED, display_name="Vic Visitor",
                                   email="vic.visitor@example.org", language="en",
                                   confirmed_at=timezone.now())
_link, token, _code = issue_signin_link(attendee)
print(json.dumps({"booth": booth.pk, "token": token, "first_day": event.starts_on.isoformat()}))
"""


def _staff_signs_in(desk, booth_id: int):
    staff = desk.new_page()
    staff.goto("/accounts/login/")
    staff.get_by_role("textbox", name="E-mail address", exact=True).fill("ana.staff@example.org")
    staff.get_by_label("Password").fill("a long enough pass phrase 42")
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url("**/exhibitor/")
    return staff


def _document_views(staff, booth_id: int):
    staff.goto(f"/exhibitor/booths/{booth_id}/analytics/")
    return staff.locator("ul.counts").locator("li", has_text="Document views")


def test_a_document_opened_in_the_browser_counts_one_view(phone, browser, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=rakwon_server.url)
    desk.set_default_timeout(15_000)
    try:
        staff = _staff_signs_in(desk, ids["booth"])
        expect(_document_views(staff, ids["booth"])).to_have_text("0 Document views")

        page = phone.new_page()
        elsewhere = only_this_server(page, rakwon_server.url)
        page.goto(f"/signin/{ids['token']}/")
        page.wait_for_url("**/counting-expo/lobby/")
        # The reader opened by its address (the presenter's link, a bookmark, a link in the chat,
        # or a tap before the booth page's scripts arrived on a slow link) is a document view.
        page.goto(f"/counting-expo/booths/{ids['booth']}/")
        reader = page.get_by_role("link", name="Abacus brochure").get_attribute("href")
        page.goto(reader)
        expect(page.get_by_role("heading", name="Abacus brochure")).to_be_visible()
        page.get_by_role("link", name="Next page").click()
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        expect(_document_views(staff, ids["booth"])).to_have_text("1 Document views")

        # Back on the booth page, opening it again within minutes is not a second view.
        page.goto(f"/counting-expo/booths/{ids['booth']}/")
        documents = page.locator("section", has=page.get_by_role("heading", name="Documents", exact=True))
        documents.get_by_role("link", name="Abacus brochure").click()
        page.wait_for_url(f"**/counting-expo/booths/{ids['booth']}/documents/*/")
        expect(page.get_by_role("heading", name="Abacus brochure")).to_be_visible()
        assert elsewhere == []

        expect(_document_views(staff, ids["booth"])).to_have_text("1 Document views")
        expect(staff.locator("ul.counts").locator("li", has_text="Visits")).to_have_text("1 Visits")
        # The event's three days, first day first: not the fortnight before today.
        days = staff.locator("table tbody th[scope=row] time")
        expect(days).to_have_count(3)
        expect(days.first).to_have_attribute("datetime", ids["first_day"])
    finally:
        desk.close()

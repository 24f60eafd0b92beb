"""Exhibitor staff type a description with Markdown and see the server's rendering live below the
box; once saved, the booth page shows the same, and a script tag stays text."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus
from events.models import Event, User
from exhibits.models import Booth, Exhibitor, ExhibitorStaff, Hall

today = timezone.localdate()
event = Event.objects.create(name="Text Expo", slug="text-expo", starts_on=today,
                             ends_on=today + dt.timedelta(days=1), languages=["en"],
                             status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall One")
exhibitor = Exhibitor.objects.create(event=event, name="Quill Press")
staff = User.objects.create_user("quinn.staff@example.org", password="a long enough pass phrase 42",
                                 display_name="Quinn Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="Q-1", x=0, y=0)
print(json.dumps({"booth": booth.pk}))
"""

TEXT = "**Fresh** ink.\n\n- [Catalogue](https://quill.example/catalogue)\n- <script>window.owned=1</script>"


def test_description_preview_shows_what_visitors_see(phone, rakwon_server):
    ids = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("quinn.staff@example.org")
    page.get_by_label("Password").fill("a long enough pass phrase 42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitor/")
    page.goto(f"/exhibitor/booths/{ids['booth']}/editor/")

    page.get_by_role("textbox", name="Description in English").fill(TEXT)
    preview = page.get_by_role("region", name="Preview: what visitors will see")
    expect(preview.locator("strong")).to_have_text("Fresh")
    link = preview.get_by_role("link", name="Catalogue (quill.example)")
    expect(link).to_have_attribute("href", "https://quill.example/catalogue")
    expect(link).to_have_attribute("rel", "noopener nofollow ugc")
    expect(preview.locator("li").nth(1)).to_have_text("<script>window.owned=1</script>")

    page.get_by_role("button", name="Save the booth").click()
    page.goto(f"/text-expo/booths/{ids['booth']}/")
    description = page.locator(".description")
    expect(description.locator("strong")).to_have_text("Fresh")
    expect(description.get_by_role("link", name="Catalogue (quill.example)")).to_be_visible()
    assert page.evaluate("window.owned") is None
    assert elsewhere == []

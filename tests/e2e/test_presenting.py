"""Exhibitor staff present a document: while presenting they are not offered to follow the
presenter (themselves), and the status says what followers see."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server
from .test_booth_analytics import SETUP

pytestmark = pytest.mark.e2e


def test_the_presenter_is_not_offered_to_follow_the_presenter(phone, rakwon_server):
    setup = SETUP.replace('"counting-expo"', '"presenting-expo"').replace("ana.staff@", "pia.staff@")
    setup = setup.replace("vic.visitor@", "pat.visitor@")
    ids = json.loads(rakwon_server.manage("shell", "-c", setup).strip().splitlines()[-1])
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("pia.staff@example.org")
    page.get_by_label("Password").fill("a long enough pass phrase 42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitor/")
    page.goto(f"/presenting-expo/booths/{ids['booth']}/")
    page.get_by_role("link", name="Abacus brochure").click()

    section = page.get_by_role("region", name="Read along with the presenter")
    section.get_by_role("button", name="Present this document").click()
    expect(section.get_by_role("status")).to_have_text(
        "You are presenting this document: followers see the page you are on."
    )
    expect(section.get_by_role("button", name="Stop presenting")).to_be_visible()
    expect(section.get_by_role("button", name="Follow the presenter")).to_be_hidden()
    expect(section.get_by_role("button", name="Stop following")).to_be_hidden()

    section.get_by_role("button", name="Stop presenting").click()
    expect(section.get_by_role("button", name="Present this document")).to_be_visible()
    expect(section.get_by_role("status")).to_have_text(
        "No one is presenting right now. Present this document to turn its pages for everyone who follows."
    )
    assert elsewhere == []

"""An organiser builds an expo in the browser and publishes it; an anonymous visitor sees it."""

from __future__ import annotations

import email
import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server

pytestmark = pytest.mark.e2e

MAIL_WAIT_SECONDS = 10
MAIL_SEPARATOR = "-" * 79  # what Django's file-based backend writes after each message


def confirmation_path(rakwon_server, address: str) -> str:
    """The confirmation link's path in the one sign-up mail to `address` (waits briefly for it)."""
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while True:
        found = []
        for text in rakwon_server.mails():
            for chunk in text.split(MAIL_SEPARATOR):
                message = email.message_from_string(chunk.lstrip("\n")) if chunk.strip() else None
                if message is not None and message["To"] == address:
                    body = message.get_payload(decode=True).decode(message.get_content_charset())
                    found += re.findall(r"https?://[^/\s]+(/accounts/signup/confirm/[\w-]+/)", body)
        if found or time.monotonic() > deadline:
            assert len(found) == 1, f"expected one sign-up link to {address}, found {len(found)}"
            return found[0]
        time.sleep(0.2)


def test_organiser_builds_and_publishes_an_expo_on_a_phone(phone, browser, rakwon_server):
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)

    # Sign-up is by invitation (ORGANISER_SIGNUP's default): the administrator's link comes first.
    token = rakwon_server.manage(
        "shell",
        "-c",
        "from events.services.signup import organiser_invitation_token as t; print(t('olivia@example.org'))",
    ).split()[-1]  # the shell prints a line of its own first
    page.goto(f"/accounts/invitations/organiser/{token}/")
    page.get_by_role("link", name="Create my log-in").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Olivia Organiser")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("olivia@example.org")
    page.get_by_label("Password").fill("a long enough pass phrase 42")
    page.get_by_role("button", name="Create account").click()
    # The same answer for any address: the account is made from the link in the mail.
    page.wait_for_url("**/accounts/signup/sent/")
    expect(page.get_by_text("We have sent a mail to olivia@example.org. Open it to go on.")).to_be_visible()
    page.goto(confirmation_path(rakwon_server, "olivia@example.org"))
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url("**/organiser/")
    expect(page.get_by_text("Welcome, Olivia Organiser. Your account is ready.")).to_be_visible()

    page.get_by_role("link", name="Create an event").click()
    page.get_by_role("textbox", name="Name in English", exact=True).fill("Harbour Tech Fair")
    page.get_by_role("textbox", name="Short name", exact=True).fill("harbour-tech")
    page.get_by_label("First day").fill("2027-05-10")
    page.get_by_label("Last day").fill("2027-05-11")
    page.get_by_role("button", name="Create event").click()
    page.wait_for_url("**/organiser/harbour-tech/")

    # From here on only links and buttons, as an organiser finds them on a phone.
    page.get_by_role("link", name="Halls", exact=True).click()
    page.get_by_role("link", name="Add a hall").first.click()
    page.get_by_role("textbox", name="Name in English", exact=True).fill("Main Hall")
    page.get_by_role("button", name="Add hall").click()
    page.wait_for_url("**/organiser/harbour-tech/halls/")

    page.get_by_role("link", name="Exhibitors", exact=True).click()
    page.get_by_role("link", name="Add an exhibitor").first.click()
    page.get_by_role("textbox", name="Name in English", exact=True).fill("Seagull Robotics")
    page.get_by_role("textbox", name="Description in English", exact=True).fill(
        "Robots that sort parcels at the port."
    )
    page.get_by_role("button", name="Add exhibitor").click()

    page.get_by_role("link", name="Booths", exact=True).click()
    page.get_by_role("link", name="Place a booth").first.click()
    page.get_by_role("combobox", name="Hall", exact=True).select_option(label="Main Hall")
    page.get_by_role("combobox", name="Exhibitor", exact=True).select_option(label="Seagull Robotics")
    page.get_by_role("textbox", name="Booth number", exact=True).fill("M-1")
    page.get_by_role("button", name="Place booth").click()
    page.wait_for_url("**/organiser/harbour-tech/booths/")

    # Not public before publishing.
    visitor = browser.new_context(viewport={"width": 360, "height": 740}, base_url=rakwon_server.url)
    visitor_page = visitor.new_page()
    assert visitor_page.goto("/harbour-tech/").status == 404

    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/organiser/harbour-tech/")
    expect(page.get_by_text("Published").first).to_be_visible()

    response = visitor_page.goto("/harbour-tech/")
    assert response.status == 200
    expect(visitor_page.get_by_role("heading", name="Harbour Tech Fair")).to_be_visible()
    visitor_page.get_by_role("link", name="Main Hall").first.click()
    assert visitor_page.locator("svg rect").count() >= 1
    expect(visitor_page.get_by_text("Seagull Robotics").first).to_be_visible()
    # Nothing in the page is wider than the phone.
    assert visitor_page.evaluate("document.documentElement.scrollWidth") <= 360
    visitor.close()
    assert elsewhere == []

"""Visitors get in on a phone: an individual registers and signs in by mail link and by code,
and an institution's member joins with the code the organiser made in the organiser pages.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import only_this_server

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
MAIL_WAIT_SECONDS = 10
MAIL_SEPARATOR = "-" * 79  # what Django's file-based backend writes after each message


def _another_device(browser, rakwon_server):
    """A second phone with its own cookies, as if the visitor picked up another device."""
    context = browser.new_context(viewport=PHONE, base_url=rakwon_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    return context


def _organiser_publishes_an_event(page, rakwon_server, *, organiser: str, slug: str, name: str) -> None:
    """Sign up as an organiser, create the event with one hall, and publish it, in the pages."""
    first_day = dt.date.today() + dt.timedelta(days=30)
    # Sign-up is by invitation (ORGANISER_SIGNUP's default): the administrator's link comes first.
    command = f"from events.services.signup import organiser_invitation_token as t; print(t({organiser!r}))"
    token = rakwon_server.manage("shell", "-c", command).split()[-1]  # after a line of the shell's own
    page.goto(f"/accounts/invitations/organiser/{token}/")
    page.get_by_role("link", name="Create my log-in").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Olivia Organiser")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(organiser)
    page.get_by_label("Password").fill("a long enough pass phrase 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/signup/sent/")  # the account is made from the mailed link
    link = re.search(
        r"https?://[^/\s]+(/accounts/signup/confirm/[\w-]+/)", _mail_to(rakwon_server, organiser)
    )
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url("**/organiser/")

    page.get_by_role("link", name="Create an event").click()
    page.get_by_role("textbox", name="Name in English", exact=True).fill(name)
    page.get_by_role("textbox", name="Short name", exact=True).fill(slug)
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Last day").fill((first_day + dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Create event").click()
    page.wait_for_url(f"**/organiser/{slug}/")

    page.get_by_role("link", name="Halls", exact=True).click()
    page.get_by_role("link", name="Add a hall").first.click()
    page.get_by_role("textbox", name="Name in English", exact=True).fill("Main Hall")
    page.get_by_role("button", name="Add hall").click()
    page.wait_for_url(f"**/organiser/{slug}/halls/")

    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**/organiser/{slug}/")
    expect(page.get_by_role("heading", name=f"{name} Published")).to_be_visible()


def _mail_to(rakwon_server, address: str) -> str:
    """The plain-text body of the one mail sent to `address` (waits briefly for it)."""
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while True:
        bodies = []
        for text in rakwon_server.mails():
            for chunk in text.split(MAIL_SEPARATOR):
                if not chunk.strip():
                    continue
                message = email.message_from_string(chunk.lstrip("\n"))
                if message["To"] == address:
                    bodies.append(message.get_payload(decode=True).decode(message.get_content_charset()))
        if bodies or time.monotonic() > deadline:
            assert len(bodies) == 1, f"expected one mail to {address}, found {len(bodies)}"
            return bodies[0]
        time.sleep(0.2)


def test_individual_registers_on_a_phone_and_signs_in_by_link_and_by_code(phone, browser, rakwon_server):
    slug, name = "reg-individual", "Harbour Science Week"
    visitor = "ada.visitor@example.org"
    organiser = phone.new_page()
    _organiser_publishes_an_event(
        organiser, rakwon_server, organiser="olivia.reg@example.org", slug=slug, name=name
    )
    organiser.context.clear_cookies()  # the same phone now belongs to a visitor

    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto(f"/{slug}/")
    page.get_by_role("link", name="Register", exact=True).click()
    page.wait_for_url(f"**/{slug}/register/")
    page.get_by_role("textbox", name="Name", exact=True).fill("Ada Visitor")
    page.get_by_role("textbox", name="Place of residence", exact=True).fill("Busan")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(visitor)

    # Before anything is sent, the page says exactly what will be stored.
    notice = page.get_by_role("region", name="What we keep about you")
    expect(notice).to_be_visible()
    assert notice.get_by_role("listitem").all_inner_texts() == [
        "Your e-mail address (to send your sign-in link)",
        "Name",
        "Place of residence",
        "Whether others may see your name",
    ]
    assert [mail for mail in rakwon_server.mails() if visitor in mail] == []

    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(f"**/{slug}/signin/sent/")
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    expect(
        page.get_by_text(f"We have sent a mail to {visitor}. Open it to confirm your registration.")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    body = _mail_to(rakwon_server, visitor)
    link = re.search(rf"^{re.escape(rakwon_server.url)}/signin/\S+/$", body, re.MULTILINE).group(0)
    code = re.search(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$", body, re.MULTILINE).group(0)
    assert f"This address was registered for {name}. Confirm that the registration is yours" in body

    page.goto(link)
    page.wait_for_url(f"**/{slug}/lobby/")
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_text("Welcome, Ada Visitor.")).to_be_visible()

    second = _another_device(browser, rakwon_server)
    try:
        other = second.new_page()
        elsewhere_too = only_this_server(other, rakwon_server.url)
        other.goto(f"/{slug}/lobby/")  # not signed in here: sent to the sign-in page
        other.wait_for_url(f"**/{slug}/signin/")
        other.get_by_role("textbox", name="E-mail address", exact=True).fill(visitor)
        other.get_by_role("textbox", name="Code from the mail", exact=True).fill(code.lower())
        other.get_by_role("button", name="Sign in", exact=True).click()
        other.wait_for_url(f"**/{slug}/lobby/")
        expect(other.get_by_text("Welcome, Ada Visitor.")).to_be_visible()
        assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        second.close()
    assert elsewhere == []
    assert elsewhere_too == []


def test_institution_member_joins_with_the_code_the_organiser_made(phone, browser, rakwon_server):
    slug, name = "reg-institution", "Coastal Robotics Fair"
    institution, member = "Busan Science High School", "Jang Min-seo"
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    _organiser_publishes_an_event(
        page, rakwon_server, organiser="olivia.inst@example.org", slug=slug, name=name
    )

    page.get_by_role("link", name="Institutions", exact=True).click()
    page.wait_for_url(f"**/organiser/{slug}/institutions/")
    page.get_by_role("textbox", name="Name of the institution", exact=True).fill(institution)
    page.get_by_role("spinbutton", name="Seats", exact=True).fill("25")
    page.get_by_role("button", name="Add and show its code").click()
    expect(page.get_by_role("heading", name=f"Access codes for {name}")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(institution))
    code = row.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code), code

    joining = _another_device(browser, rakwon_server)
    try:
        phone_page = joining.new_page()
        elsewhere_too = only_this_server(phone_page, rakwon_server.url)
        phone_page.goto(f"/{slug}/")
        phone_page.get_by_role("link", name="Join with an institution's access code").click()
        phone_page.wait_for_url(f"**/{slug}/join/")
        notice = phone_page.get_by_role("region", name="What we keep about you")
        assert notice.get_by_role("listitem").all_inner_texts() == [
            "The name you enter",
            "The institution whose code you used",
            "Whether others may see your name",
        ]
        phone_page.get_by_role("textbox", name="Access code", exact=True).fill(code)
        phone_page.get_by_role("textbox", name="Your name", exact=True).fill(member)
        phone_page.get_by_role("button", name="Join", exact=True).click()
        welcome = f"Welcome, {member}. You joined through {institution}."
        expect(phone_page.get_by_text(welcome)).to_be_visible()
        # The recovery code is shown once (tests/e2e/test_member_recovery.py), then the lobby.
        phone_page.get_by_role("link", name="I have kept my code: go to the lobby").click()
        phone_page.wait_for_url(f"**/{slug}/lobby/")
        expect(phone_page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        joining.close()

    page.goto(f"/organiser/{slug}/attendees/")
    listed = page.get_by_role("row", name=re.compile(member))
    assert listed.get_by_role("cell").all_inner_texts()[:3] == ["—", institution, "Confirmed"]
    expect(page.get_by_text("1 attendee found.")).to_be_visible()
    assert elsewhere == []
    assert elsewhere_too == []

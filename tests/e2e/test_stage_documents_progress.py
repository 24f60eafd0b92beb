"""The organisers' page for a main-stage session's documents follows processing live, on a phone:
a document waiting for the worker shows its progress bar, then (processed meanwhile, no reload)
its pages and no bar; a damaged PDF that fails says why and offers "Process again" in place,
which queues it for the server's worker again.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough pass phrase 42"
SETUP = """
import datetime as dt, json
from django.core.files.base import ContentFile
from django.utils import timezone
from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember, Session, User
from exhibits.models import BoothAsset
from tests.asset_factories import pdf_bytes

today = timezone.localdate()
event = Event.objects.create(name="Stage Docs Expo", slug="stage-docs", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
now = timezone.now()
session = Session.objects.create(event=event, title="Opening keynote",
    starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2))
owner = User.objects.create_user("olga.stage-docs@example.org", password={password!r},
    display_name="Olga Organiser")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
documents = {{}}
files = [("Keynote deck", pdf_bytes(3)), ("Damaged deck", b"%PDF-1.4 broken")]
for position, (title, content) in enumerate(files):
    asset = BoothAsset(session=session, kind="document", title=title, position=position,
                       original_format="pdf", original_size=len(content))
    asset.original.save("original.pdf", ContentFile(content), save=False)
    asset.save()  # queued: nobody processes it until the test says so
    documents[title] = asset.pk
print(json.dumps({{"session": session.pk, "documents": documents}}))
"""
PROCESS = "from exhibits.services.asset_processing import process_asset; process_asset(ASSET_ID)"


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_the_stage_documents_page_follows_processing_without_a_reload(phone, rakwon_server):
    ids = json.loads(
        rakwon_server.manage("shell", "-c", SETUP.format(password=PASSWORD)).strip().splitlines()[-1]
    )
    deck, damaged = ids["documents"]["Keynote deck"], ids["documents"]["Damaged deck"]
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("olga.stage-docs@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"/organiser/stage-docs/schedule/{ids['session']}/stage/documents/")
    first = page.locator(f"#document-{deck}")
    second = page.locator(f"#document-{damaged}")
    expect(first.get_by_role("progressbar", name="Processing of Keynote deck")).to_be_visible()
    expect(first.locator("[data-role=status]")).to_have_text("Waiting to be processed")
    expect(second.locator("progress")).to_be_visible()
    _fits_the_phone(page)
    page.evaluate("window.sameDocument = true")

    rakwon_server.manage("shell", "-c", PROCESS.replace("ASSET_ID", str(deck)))
    expect(first.locator("[data-role=status]")).to_have_text("Ready")
    expect(first.get_by_text("3 pages")).to_be_visible()
    expect(first.locator("progress")).to_have_count(0)
    expect(second.locator("[data-role=status]")).to_have_text("Waiting to be processed")  # still watched

    rakwon_server.manage("shell", "-c", PROCESS.replace("ASSET_ID", str(damaged)))
    expect(second.locator("[data-role=status]")).to_have_text("Failed")
    expect(second.get_by_role("alert")).to_contain_text("This PDF is damaged or incomplete")
    expect(second.get_by_role("button", name="Process Damaged deck again")).to_be_visible()
    assert page.evaluate("window.sameDocument === true")  # updated in place, not reloaded
    _fits_the_phone(page)

    # "Process again" queues it for the server's own worker, which finds the same damaged file
    # (whether the page catches it still queued or already failed again depends on the worker).
    second.get_by_role("button", name="Process Damaged deck again").click()
    expect(page.get_by_text("“Damaged deck” is being processed again.")).to_be_visible()
    again = page.locator(f"#document-{damaged}")
    expect(again.locator("[data-role=status]")).to_have_text("Failed")
    expect(again.get_by_role("alert")).to_contain_text("This PDF is damaged or incomplete")
    assert elsewhere == []

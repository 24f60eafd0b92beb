"""Exhibitor staff edit their booth on a phone: words and topics, a link, a PDF, a file that is
not what it claims, a voice note recorded with the browser's (fake) microphone, and a file whose
processing the page follows live until it is ready.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.asset_factories import audio_bytes, pdf_bytes

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, only_this_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough pass phrase 42"
SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus
from events.models import Event, User
from exhibits.models import Booth, Exhibitor, ExhibitorStaff, Hall

today = timezone.localdate()
event = Event.objects.create(name="Editor Expo", slug="editor-expo", starts_on=today,
                             ends_on=today + dt.timedelta(days=1), languages=["en", "ko"],
                             status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall One")
exhibitor = Exhibitor.objects.create(event=event, name="Kestrel Audio")
staff = User.objects.create_user("kim.editor@example.org", password="a long enough pass phrase 42",
                                 display_name="Kim Editor")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="K-1", x=0, y=0)
print(json.dumps({"booth": booth.pk}))
"""

# A file the worker has not processed yet: the page must follow it until it is ready.
QUEUED = """
import json
from django.core.files.base import ContentFile
from exhibits.models import BoothAsset
from tests.asset_factories import pdf_bytes

asset = BoothAsset(booth_id=BOOTH_ID, kind="document", title="Late brochure", position=99,
                   original_format="pdf", original_size=1)
asset.original.save("original.pdf", ContentFile(pdf_bytes(3)), save=False)
asset.save()
print(json.dumps({"asset": asset.pk}))
"""
PROCESS = "from exhibits.services.asset_processing import process_asset; process_asset(ASSET_ID)"


@pytest.fixture
def staff_phone(playwright, rakwon_server):
    """A phone whose browser has a fake microphone that the page may use without asking.

    Launched from the process's one Playwright (conftest): a second sync instance is refused."""
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    context = browser.new_context(viewport=PHONE, base_url=rakwon_server.url, locale="en-GB")
    context.grant_permissions(["microphone"])
    context.set_default_timeout(20_000)
    yield context
    context.close()
    browser.close()


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _upload(page, kind: str, name: str, data: bytes, title: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Upload", exact=True))
    form.get_by_label("Kind of file").select_option(kind)
    form.get_by_label(re.compile(r"^File\b")).set_input_files(
        files=[{"name": name, "mimeType": "", "buffer": data}]
    )
    form.get_by_role("textbox", name="Title in English", exact=True).fill(title)
    form.get_by_role("button", name="Upload", exact=True).click()


def test_staff_edit_booth_upload_and_record_a_voice_note(staff_phone, rakwon_server):
    booth = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])["booth"]
    page = staff_phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("kim.editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitor/")  # staff land on their exhibitor pages

    # Words and topics, one description per event language.
    page.goto(f"/exhibitor/booths/{booth}/editor/")
    page.get_by_label("Tagline in English").fill("Speakers for small halls")
    page.get_by_label("Description in English").fill("Listen to our speakers.")
    page.get_by_label("Description in Korean").fill("스피커를 들어 보세요.")
    page.get_by_label("New topics").fill("Audio, Speakers")
    page.get_by_role("button", name="Save the booth").click()
    expect(page.get_by_text("Booth K-1 saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Audio")).to_be_checked()
    _fits_the_phone(page)

    # A link.
    page.get_by_role("link", name="Links", exact=True).click()
    page.get_by_role("textbox", name="Title in English", exact=True).fill("Datasheets")
    page.get_by_label("Web address").fill("kestrel.example.org/datasheets")
    page.get_by_role("button", name="Add the link").click()
    expect(page.get_by_text("https://kestrel.example.org/datasheets")).to_be_visible()
    _fits_the_phone(page)

    # A PDF, processed into pages; a sound file sent as video fails and says why.
    page.get_by_role("link", name="Files", exact=True).click()
    _upload(page, "document", "catalogue.pdf", pdf_bytes(2), "Catalogue")
    catalogue = page.locator(".asset-item", has_text="Catalogue")
    catalogue.locator("[data-role=status]", has_text="Ready").wait_for()
    expect(catalogue.get_by_text("2 pages")).to_be_visible()
    _upload(page, "video", "interview.mp4", audio_bytes(1), "Interview")
    interview = page.locator(".asset-item", has_text="Interview")
    expect(interview.get_by_role("alert")).to_have_text(re.compile(r"^This file has sound but no picture"))
    expect(interview.get_by_role("button", name="Process Interview again")).to_be_visible()
    _fits_the_phone(page)

    # A voice note from the microphone, listened to, then added to the booth.
    voice = page.locator("#voice-note")
    expect(voice).to_be_visible()  # shown by booth_editor.js: this browser can record
    expect(voice.get_by_role("button", name="Add to the booth")).to_be_hidden()
    voice.get_by_label("Title").fill("Welcome from Kim")
    voice.get_by_role("button", name="Start recording").click()
    page.wait_for_timeout(2500)
    voice.get_by_role("button", name="Stop").click()
    voice.locator("audio").wait_for()  # the recording is ready to listen to
    expect(voice.get_by_role("button", name="Discard")).to_be_visible()
    voice.get_by_role("button", name="Add to the booth").click()
    note = page.locator(".asset-item", has_text="Welcome from Kim")
    note.locator("[data-role=status]", has_text="Ready").wait_for()
    expect(note.get_by_text("Voice note")).to_be_visible()
    _fits_the_phone(page)

    # A file still waiting for the worker: the page shows its progress, then its result in place.
    queued = json.loads(
        rakwon_server.manage("shell", "-c", QUEUED.replace("BOOTH_ID", str(booth))).strip().splitlines()[-1]
    )["asset"]
    page.reload()
    late = page.locator(f"#asset-{queued}")
    expect(late.locator("progress")).to_be_visible()
    expect(late.locator("[data-role=status]")).to_have_text("Waiting to be processed")
    page.evaluate("window.sameDocument = true")
    rakwon_server.manage("shell", "-c", PROCESS.replace("ASSET_ID", str(queued)))
    late.locator("[data-role=status]", has_text="Ready").wait_for()
    expect(late.get_by_text("3 pages")).to_be_visible()
    assert page.evaluate("window.sameDocument === true")  # updated in place, not reloaded

    # The visitor's reader shows the catalogue page by page.
    catalogue.get_by_role("link", name="Read it as visitors do").click()
    page.wait_for_url(f"**/editor-expo/booths/{booth}/documents/*/")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("img", name="Page 2 of Catalogue")).to_be_visible()
    _fits_the_phone(page)
    assert elsewhere == []

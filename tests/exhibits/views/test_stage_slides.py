"""The presented document on a session's stage (exhibits/public/_stage.html including
exhibits/includes/live_with_slides.html): the audience gets the slides' place beside the stage's
video without the presenter's controls, a speaker gets them with the session's documents, and the
main stage's own documents are linked page by page without a booth's reader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import StageSpeaker
from tests.asset_factories import AssetPageFactory, BoothAssetFactory
from tests.factories import EventFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage():
    event = EventFactory(slug="stage-slides", status=EventStatus.PUBLISHED)
    now = timezone.now()
    session = SessionFactory(
        event=event, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
    )
    document = BoothAssetFactory(booth=None, session=session, title="Keynote", page_count=2)
    pages = [AssetPageFactory(asset=document, number=n) for n in (1, 2)]
    speaker = AttendeeFactory(event=event).user
    StageSpeaker.objects.create(
        event=event, session=session, user=speaker, email=speaker.email, accepted_at=now
    )
    return {"event": event, "session": session, "document": document, "pages": pages, "speaker": speaker}


def session_page(client, stage) -> str:
    response = client.get(reverse("visit:session", args=[stage["event"].slug, stage["session"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def live_section(html: str) -> str:
    found = re.search(r'<section id="live-with-slides".*?</section>\s*<script', html, re.S)
    return found.group(0) if found else ""


def test_the_audience_gets_the_slides_beside_the_stage_video_without_presenting(client, stage):
    client.force_login(AttendeeFactory(event=stage["event"]).user)

    html = session_page(client, stage)
    section = live_section(html)

    assert (
        f'data-players="#stage [data-rtc-players]" data-session="{stage["session"].pk}" data-may-present="0"'
        in section
    )
    assert ">Back to the presenter's page</button>" in section and "data-lws-next" in section
    assert "data-lws-presenter" not in section
    # Inside the stage, after its players: the video and the page are one place on the screen.
    assert html.index('id="stage"') < html.index("data-rtc-players") < html.index('id="live-with-slides"')


def test_a_speaker_gets_the_sessions_documents_to_present(client, stage):
    client.force_login(stage["speaker"])

    section = live_section(session_page(client, stage))

    assert 'data-may-present="1"' in section
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', section) == [
        (str(stage["document"].pk), "Keynote")
    ]
    assert "everyone watching this session sees the page you show" in section
    assert "follow your presentation" in section


def test_the_main_stages_own_document_links_its_pages_pictures(client, stage):
    client.force_login(AttendeeFactory(event=stage["event"]).user)

    links = re.findall(
        r'<a href="([^"]+)" data-page="(\d+)" data-image="([^"]+)"', session_page(client, stage)
    )

    assert links == [(page.image.url, str(page.number), page.image.url) for page in stage["pages"]]


def test_someone_not_in_the_event_gets_no_slides(client, stage):
    assert live_section(session_page(client, stage)) == ""

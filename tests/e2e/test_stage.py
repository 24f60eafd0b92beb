"""A session's stage in real browsers, on phones: two speakers go on air from the green room with
Chromium's fake camera, a visitor watches both (framesDecoded rising), asks a question (the existing
Q&A) and raises a hand; the moderator sees the hand by name and brings the visitor on stage, and
the visitor goes on air, seen by the moderator. Media stays on 127.0.0.1 (test_live_video's server).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from . import test_live_video as live_video
from .conftest import PHONE, RakwonServer, only_this_server
from .test_live_video import FRAMES_DECODED, PASSWORD, RECORD_PEERS, _frames_decoded_grow

# test_live_video's server (its own daphne, media on 127.0.0.1 only) and fake-camera Chromium.
media_browser, video_server = live_video.media_browser, live_video.video_server

pytestmark = pytest.mark.e2e

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus, TeamRole
from events.models import Attendee, Event, EventTeamMember, Session, User
from events.services.signin import issue_signin_link
from events.services.stage import name_stage_speaker

today = timezone.localdate()
event = Event.objects.create(name="Stage Expo", slug="{slug}", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
now = timezone.now()
session = Session.objects.create(event=event, title="Opening keynote",
    starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
owner = User.objects.create_user("olga.{slug}@example.org", password={password!r},
    display_name="Olga Organiser")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
for name in ("Sora Speaker", "Tae Speaker"):
    speaker = User.objects.create_user(name.split()[0].lower() + ".{slug}@example.org", password={password!r},
        display_name=name)
    name_stage_speaker(session, speaker.email, by=owner)
viewer = User.objects.create_user("vic.{slug}@example.org", display_name="Vic Visitor")
attendee = Attendee.objects.create(event=event, user=viewer, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Vic Visitor", email=viewer.email, language="en",
    visible_to_others=False, confirmed_at=timezone.now())
print(json.dumps({{"session": session.pk, "token": issue_signin_link(attendee)[1]}}))
"""


def _expo(server: RakwonServer, slug: str) -> tuple[str, str]:
    done = server.manage("shell", "-c", SETUP.format(slug=slug, password=PASSWORD))
    ids = json.loads(done.strip().splitlines()[-1])
    return f"/{slug}/sessions/{ids['session']}/", ids["token"]


def _log_in(page, email: str, session_path: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    _open_stage(page, session_path)


def _open_stage(page, session_path: str) -> None:
    page.goto(session_path)
    page.locator('[data-stage-live][data-stage-joined="1"]').wait_for(state="attached")


def _go_on_air(page) -> None:
    page.locator("[data-stage-green-room]").wait_for(state="visible")
    page.get_by_role("button", name="Go on air").click()
    page.get_by_role("button", name="Leave the stage").wait_for(state="visible")


def test_speakers_go_on_air_a_visitor_watches_asks_raises_a_hand_and_is_brought_on(
    media_browser, video_server
):
    slug = "stage-expo"
    session_path, token = _expo(video_server, slug)
    contexts = [
        media_browser.new_context(viewport=PHONE, base_url=video_server.url, locale="en-GB") for _ in range(4)
    ]
    for context in contexts:
        context.set_default_timeout(20_000)
        context.add_init_script(RECORD_PEERS)
    try:
        sora, tae, moderator, visitor = (context.new_page() for context in contexts)
        elsewhere = only_this_server(visitor, video_server.url)
        for page, email in ((sora, f"sora.{slug}@example.org"), (tae, f"tae.{slug}@example.org")):
            _log_in(page, email, session_path)
            expect(page.locator("[data-stage-status]")).to_have_text("Live")
            _go_on_air(page)

        visitor.goto(f"/signin/{token}/")
        visitor.wait_for_url(f"**/{slug}/lobby/")
        _open_stage(visitor, session_path)
        players = visitor.locator("[data-rtc-players] .rtc-player")
        expect(players).to_have_count(2)
        expect(players.locator("[data-rtc-name]")).to_have_text(["Sora Speaker", "Tae Speaker"])
        expect(visitor.locator("[data-stage-green-room]")).to_be_hidden()  # no speaker: no green room

        first, later = _frames_decoded_grow(visitor)
        assert first > 0, "the visitor decoded no video frame from the stage"
        assert later > first, "the visitor's decoded frames stopped growing"
        # Whoever is speaking is shown large, from the sound the visitor's browser receives: with
        # Sora's microphone off, Tae's voice takes the large place, and the other way round.
        visitor.get_by_label("Layout").select_option("speaking")
        large = visitor.locator("[data-rtc-players] .stage-active")
        expect(large).to_have_count(1)
        sora.get_by_role("button", name="Turn microphone off").click()
        expect(large.locator("[data-rtc-name]")).to_have_text("Tae Speaker", timeout=20_000)
        tae.get_by_role("button", name="Turn microphone off").click()
        sora.get_by_role("button", name="Turn microphone on").click()
        expect(large.locator("[data-rtc-name]")).to_have_text("Sora Speaker", timeout=20_000)
        # A viewer's own choice holds, and the layout says so.
        players.filter(has_text="Tae Speaker").locator("video").click()
        expect(visitor.get_by_label("Layout")).to_have_value("chosen")
        expect(large.locator("[data-rtc-name]")).to_have_text("Tae Speaker")

        visitor.get_by_label("Your question").fill("Will the slides be shared?")
        visitor.get_by_role("button", name="Ask", exact=True).click()
        expect(visitor.locator("[data-qa-list] li", has_text="Will the slides be shared?")).to_contain_text(
            "Waiting for approval"
        )

        _log_in(moderator, f"olga.{slug}@example.org", session_path)
        visitor.get_by_role("button", name="Raise hand").click()
        expect(visitor.locator("[data-stage-hand-state]")).to_have_text(
            "Your hand is raised. The moderators can see it."
        )
        hand = moderator.locator("[data-stage-hands-list] li", has_text="Vic Visitor")
        hand.get_by_role("button", name="Bring on stage").click()

        _go_on_air(visitor)
        on_stage = moderator.locator("[data-rtc-players] .rtc-player")
        expect(on_stage).to_have_count(3)
        # Shown to the audience as chat shows them: they chose not to be seen by name.
        expect(on_stage.locator("[data-rtc-name]")).to_have_text(["Sora Speaker", "Tae Speaker", "Visitor"])
        decoded = moderator.evaluate(FRAMES_DECODED)
        moderator.wait_for_timeout(2000)
        assert moderator.evaluate(FRAMES_DECODED) > decoded, "the moderator decoded nothing from the stage"
        assert elsewhere == []
    finally:
        for context in contexts:
            context.close()

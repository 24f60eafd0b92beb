"""Live booth video in real browsers: booth staff go live with Chromium's fake camera on a phone,
a visitor on another phone watches, and the visitor's RTCPeerConnection decodes more and more
frames. Media stays on 127.0.0.1: the server offers only that address, Chromium may use loopback.

Runs its own daphne (the shared one offers every interface); with REDIS_URL set it runs the
scaled mode instead, with a media worker process beside daphne.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from .conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    RakwonServer,
    _free_port,
    _wait_for_port,
    only_this_server,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough pass phrase 42"
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",  # plain host candidates, no .local names
    "--autoplay-policy=no-user-gesture-required",
]
REDIS_DATABASE = 8  # + the xdist worker's number: see _redis_url

# Keeps every RTCPeerConnection the page makes, so the test can read its getStats().
RECORD_PEERS = """
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__peers = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__peers.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();
"""

FRAMES_DECODED = """
async () => {
  let frames = 0;
  for (const pc of window.__peers || []) {
    const report = await pc.getStats();
    report.forEach((stat) => {
      if (stat.type === "inbound-rtp" && stat.kind === "video") frames += stat.framesDecoded || 0;
    });
  }
  return frames;
}
"""

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link
from exhibits.models import Booth, Exhibitor, ExhibitorStaff, Hall

today = timezone.localdate()
event = Event.objects.create(name="Video Expo", slug="{slug}", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Hall V")
exhibitor = Exhibitor.objects.create(event=event, name="Video Robotics")
booth = Booth.objects.create(event=event, hall=hall, exhibitor=exhibitor, number="V-1")
staff = User.objects.create_user("vera.{slug}@example.org", password={password!r}, display_name="Vera Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
viewer = User.objects.create_user("vic.{slug}@example.org", display_name="Vic Visitor")
attendee = Attendee.objects.create(event=event, user=viewer, kind=AttendeeKind.INDIVIDUAL,
    status=AttendeeStatus.CONFIRMED, display_name="Vic Visitor", email=viewer.email, language="en",
    visible_to_others=True, confirmed_at=timezone.now())
print(json.dumps({{"booth": booth.pk, "token": issue_signin_link(attendee)[1]}}))
"""


def _redis_url() -> str:
    """Each xdist worker's video server on a Redis database of its own (8, 9, …; the shared
    servers take 4, 5, …). With one for all, a module starting on one worker flushed the database
    under a conference running on the other: its daphne lost its media worker's heartbeat, told
    the pages `rtc.worker_lost` mid-test, and they published again into a room that had moved."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    database = REDIS_DATABASE + int(worker.removeprefix("gw") or 0)
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def video_server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("rakwon-video")
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAKWON_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'video.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "RAKWON_TESTING": "0",
        "PYTHONUNBUFFERED": "1",
        "RTC_HOST_ADDRESSES": "127.0.0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    scaled = bool(os.environ.get("REDIS_URL"))
    if scaled:
        import redis

        env["REDIS_URL"] = _redis_url()
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    server = RakwonServer(url=f"http://127.0.0.1:{port}", env=env, var_dir=var_dir)
    server.manage("migrate", "--noinput", "-v0")
    server.manage("collectstatic", "--noinput", "-v0")
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    processes = []
    with (var_dir / "daphne.log").open("w") as log:
        processes.append(
            subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(port), "rakwon_site.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    if scaled:
        with (var_dir / "media_worker.log").open("w") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "media_worker"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    server.pids.extend(process.pid for process in processes)
    try:
        _wait_for_port(port, processes[0])
        yield server
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture(scope="module")
def media_browser(playwright):
    """Chromium with a fake camera and microphone that it may use without asking."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
    yield browser
    browser.close()


def _frames_decoded_grow(page, *, within: float = 30.0) -> tuple[int, int]:
    """Wait until frames are decoded, then until more are; returns the two counts."""
    deadline = time.monotonic() + within
    first = 0
    while time.monotonic() < deadline and first == 0:
        first = page.evaluate(FRAMES_DECODED)
        page.wait_for_timeout(250)
    later = first
    while time.monotonic() < deadline and later <= first:
        page.wait_for_timeout(500)
        later = page.evaluate(FRAMES_DECODED)
    return first, later


def _expo(server: RakwonServer, slug: str) -> tuple[str, str]:
    """A published expo with one booth, its staff member and a confirmed visitor; returns the
    booth page's path and the visitor's sign-in token."""
    done = server.manage("shell", "-c", SETUP.format(slug=slug, password=PASSWORD))
    ids = json.loads(done.strip().splitlines()[-1])
    return f"/{slug}/booths/{ids['booth']}/", ids["token"]


def _phones(browser, server: RakwonServer):
    contexts = [browser.new_context(viewport=PHONE, base_url=server.url, locale="en-GB") for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(20_000)
        context.add_init_script(RECORD_PEERS)
    return contexts


def _staff_opens_booth(page, slug: str, booth_path: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(f"vera.{slug}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitor/")
    page.goto(booth_path)
    page.locator("#live-video").wait_for(state="visible")


def _visitor_opens_booth(page, slug: str, token: str, booth_path: str) -> None:
    page.goto(f"/signin/{token}/")
    page.wait_for_url(f"**/{slug}/lobby/")
    page.goto(booth_path)
    page.locator("#live-video").wait_for(state="visible")


def test_staff_go_live_and_a_visitor_watches_decoded_frames(media_browser, video_server):
    booth_path, token = _expo(video_server, "video-expo")
    contexts = _phones(media_browser, video_server)
    try:
        staff, visitor = (context.new_page() for context in contexts)
        elsewhere = only_this_server(staff, video_server.url) + only_this_server(visitor, video_server.url)
        _staff_opens_booth(staff, "video-expo", booth_path)
        staff.get_by_role("button", name="Go live").click()
        staff.get_by_role("button", name="End live video").wait_for(state="visible")
        expect(staff.locator("[data-rtc-preview]")).to_be_visible()

        _visitor_opens_booth(visitor, "video-expo", token, booth_path)
        player = visitor.locator("[data-rtc-players] .rtc-player")
        player.wait_for(state="visible")
        expect(player.locator("[data-rtc-name]")).to_have_text("Vera Staff")

        first, later = _frames_decoded_grow(visitor)

        assert first > 0, "the visitor decoded no video frame"
        assert later > first, "the visitor's decoded frames stopped growing"
        expect(player.locator("[data-rtc-tier]")).to_have_text(re.compile(r"^(Standard|Low)"))
        visitor.get_by_label("Video quality").select_option("audio_only")
        player.locator("[data-rtc-tier]", has_text="Audio only").wait_for()
        assert elsewhere == []
    finally:
        for context in contexts:
            context.close()


# Whether the tracks the page sends are on, by kind (the first connection publishes the camera).
SENT_TRACKS_ON = """() => Object.fromEntries(window.__peers[0].getSenders().filter((s) => s.track).map(
  (s) => [s.track.kind, s.track.enabled]))"""


def test_staff_turn_the_microphone_off_share_the_screen_and_end_the_live_video(media_browser, video_server):
    booth_path, token = _expo(video_server, "studio-expo")
    contexts = _phones(media_browser, video_server)
    try:
        staff, visitor = (context.new_page() for context in contexts)
        _staff_opens_booth(staff, "studio-expo", booth_path)
        staff.get_by_role("button", name="Go live").click()
        staff.get_by_role("button", name="End live video").wait_for(state="visible")
        _visitor_opens_booth(visitor, "studio-expo", token, booth_path)
        players = visitor.locator("[data-rtc-players] .rtc-player")
        expect(players).to_have_count(1)

        mic = staff.get_by_role("button", name="Turn microphone off")
        mic.click()
        expect(staff.get_by_role("button", name="Turn microphone on")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert staff.evaluate(SENT_TRACKS_ON) == {"audio": False, "video": True}
        staff.get_by_role("button", name="Turn camera off").click()
        assert staff.evaluate(SENT_TRACKS_ON) == {"audio": False, "video": False}
        staff.get_by_role("button", name="Turn microphone on").click()
        staff.get_by_role("button", name="Turn camera on").click()
        assert staff.evaluate(SENT_TRACKS_ON) == {"audio": True, "video": True}

        # The screen is a second stream beside the camera, and stops on its own.
        staff.get_by_role("button", name="Share screen").click()
        staff.get_by_role("button", name="Stop sharing").wait_for()
        expect(players).to_have_count(2, timeout=20_000)
        staff.get_by_role("button", name="Stop sharing").click()
        staff.get_by_role("button", name="Share screen").wait_for()
        expect(players).to_have_count(1, timeout=20_000)

        staff.get_by_role("button", name="End live video").click()
        staff.get_by_role("button", name="Go live").wait_for()
        expect(staff.locator("[data-rtc-preview]")).to_be_hidden()
        expect(staff.get_by_role("button", name="Share screen")).to_be_hidden()
        expect(visitor.get_by_text("Nobody from this booth is live right now.")).to_be_visible(timeout=20_000)
        expect(players).to_have_count(0)
    finally:
        for context in contexts:
            context.close()


def test_a_visitor_asks_to_meet_staff_accept_and_they_see_each_other(media_browser, video_server):
    booth_path, token = _expo(video_server, "meet-expo")
    contexts = _phones(media_browser, video_server)
    try:
        staff, visitor = (context.new_page() for context in contexts)
        _staff_opens_booth(staff, "meet-expo", booth_path)
        staff.get_by_role("button", name="Go live").click()
        staff.get_by_role("button", name="End live video").wait_for(state="visible")
        _visitor_opens_booth(visitor, "meet-expo", token, booth_path)

        visitor.get_by_role("button", name="Meet the exhibitor").click()
        request = staff.locator("[data-rtc-requests] li", has_text="Vic Visitor would like to meet you.")
        request.get_by_role("button", name="Accept").click()

        for page, other in ((staff, "Vic Visitor"), (visitor, "Vera Staff")):
            meeting = page.locator("[data-rtc-meeting]")
            meeting.wait_for(state="visible")
            meeting.locator(".rtc-player [data-rtc-name]", has_text=other).wait_for()
            meeting.locator("[data-rtc-local]").wait_for()
        first, later = _frames_decoded_grow(staff)
        assert later > first > 0, "staff decoded no growing video from the meeting"

        visitor.get_by_role("button", name="Leave meeting").click()
        staff.locator("[data-rtc-meeting] .rtc-player", has_text="Vic Visitor").wait_for(state="detached")
    finally:
        for context in contexts:
            context.close()

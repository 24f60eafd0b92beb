"""A conference in real browsers: two invited people open the conference page on phones, join with
Chromium's fake camera and microphone, and each decodes the other's video in their grid, labelled
with the other's name; the organiser, chairing from the same page, mutes one of them, who is told,
and the other sees them muted among the other sites; a third person, not invited, is not told the
conference exists.

Reuses test_live_video's own daphne (it offers only 127.0.0.1 to ICE) and its media browser.
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .test_live_video import (  # noqa: F401  fixtures: video_server, media_browser
    FRAMES_DECODED,
    PASSWORD,
    _frames_decoded_grow,
    _phones,
    media_browser,
    video_server,
)

pytestmark = pytest.mark.e2e

SLUG = "conference-expo"

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.enums import TeamRole
from events.models import Attendee, Event, EventTeamMember, User
from events.services.signin import issue_signin_link
from media_rtc.models import ConferenceRoom

today = timezone.localdate()
event = Event.objects.create(name="Conference Expo", slug="{slug}", starts_on=today,
    ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul", languages=["en"],
    status=EventStatus.PUBLISHED)
conference = ConferenceRoom.objects.create(event=event, name="Opening meeting")
owner = User.objects.create_user("olga.{slug}@example.org", password={password!r}, display_name="Olga")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
tokens = {{}}
for name in ("Ann", "Bea", "Cho"):
    user = User.objects.create_user(f"{{name.lower()}}.{slug}@example.org", display_name=name)
    attendee = Attendee.objects.create(event=event, user=user, kind=AttendeeKind.INDIVIDUAL,
        status=AttendeeStatus.CONFIRMED, display_name=name, email=user.email, language="en",
        visible_to_others=True, confirmed_at=timezone.now())
    if name != "Cho":
        conference.invited_people.add(user)
    tokens[name] = issue_signin_link(attendee)[1]
print(json.dumps({{"tokens": tokens, "conference": conference.pk}}))
"""

# The states of the connections the page made, oldest first (RECORD_PEERS records each one).
PEER_STATES = "() => window.__peers.map((pc) => pc.connectionState)"
# Counts the changes the page makes to the conference's cards from now on.
WATCH_CHANGES = """() => {
  window.__changes = 0;
  new MutationObserver((changes) => { window.__changes += changes.length; }).observe(
    document.querySelector("[data-conference-sites]").parentElement,
    { subtree: true, childList: true, characterData: true, attributes: true });
}"""

# What a conference page holds (its own site, who is muted, its cards): for a failure's message.
CHAIR_VIEW = """() => {
  const root = document.querySelector("[data-conference]");
  return JSON.stringify({
    hidden: root.hidden,
    site: root.dataset.site,
    video: root.dataset.video,
    muted: root.dataset.muted,
    error: root.querySelector("[data-conference-error]").textContent,
    cards: [...root.querySelectorAll(".conference-slot, .conference-site")].map(
      (card) => [card.className, card.hidden, card.dataset.site,
        card.textContent.replace(/\\s+/g, " ").trim()]),
  });
}"""


# The live socket's last frames of the page, in and out: for a failure's message.
RECORD_FRAMES = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  const keep = (way, text) => {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { return; }
    const data = frame.data || {};
    const said = [way, (performance.now() / 1000).toFixed(1), frame.type, frame.id, data.version,
      (data.publishers || []).map((p) => p.name + "=" + p.id).join(","), (data.video || []).join(","),
      (data.muted || []).join(","), data.code || ""];
    window.__frames.push(said.join(" "));
    if (window.__frames.length > 80) window.__frames.shift();
  };
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => keep("<=", event.data));
    const send = socket.send.bind(socket);
    socket.send = (text) => { keep("=>", text); send(text); };
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
})();
"""

# What each connection of a page received: for a failure's message.
RECEIVED = """async () => {
  const seen = [];
  for (const pc of window.__peers || []) {
    const report = await pc.getStats();
    const tracks = [];
    report.forEach((stat) => {
      if (stat.type === "inbound-rtp") {
        tracks.push([stat.kind, stat.packetsReceived, stat.framesReceived, stat.framesDecoded,
          stat.keyFramesDecoded]);
      }
    });
    seen.push([pc.connectionState, tracks]);
  }
  return JSON.stringify(seen);
}"""


def _what_was_seen(pages: dict, server) -> str:
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}'s page: {page.evaluate(CHAIR_VIEW)}; received {page.evaluate(RECEIVED)}")
            lines.append("\n".join(page.evaluate("() => window.__frames || []")))
        except Exception as gone:  # a closed page has nothing more to say
            lines.append(f"{name}'s page: not readable ({gone})")
    return "\n".join([*lines, server.log_tail()])


def test_two_invited_sites_see_each_other_and_the_uninvited_get_no_page(media_browser, video_server):  # noqa: F811
    done = video_server.manage("shell", "-c", SETUP.format(slug=SLUG, password=PASSWORD))
    made = json.loads(done.strip().splitlines()[-1])
    page_path = f"/{SLUG}/conferences/{made['conference']}/"
    contexts = _phones(media_browser, video_server)
    outsider = media_browser.new_context(base_url=video_server.url, locale="en-GB")
    for context in (*contexts, outsider):
        context.add_init_script(RECORD_FRAMES)
    pages = {}
    try:
        ann, bea = (context.new_page() for context in contexts)
        pages.update(Ann=ann, Bea=bea)
        for page, name in ((ann, "Ann"), (bea, "Bea")):
            page.goto(f"/signin/{made['tokens'][name]}/")
            page.wait_for_url(f"**/{SLUG}/lobby/")
            page.goto(page_path)
            expect(page.get_by_role("heading", name="Opening meeting")).to_be_visible()
            page.locator("[data-conference]").wait_for(state="visible")
            page.get_by_role("button", name="Join with camera and microphone").click()
            expect(page.get_by_role("button", name="Leave")).to_be_visible()

        for page, other in ((ann, "Bea"), (bea, "Ann")):
            page.locator(".conference-slot [data-name]", has_text=other).wait_for(timeout=30_000)
            first, later = _frames_decoded_grow(page)
            assert later > first > 0, f"no growing video of {other} was decoded"
        assert ann.locator(".conference-slot:visible").count() == 1  # only the other site: never oneself

        # Ann's camera connection ends under her page, as a dropped link ends it: the server drops
        # her site, her page publishes again by itself, and Bea decodes her video again.
        before = bea.evaluate(FRAMES_DECODED)
        ann.evaluate("() => window.__peers[0].close()")  # the first connection the page made publishes
        expect(bea.locator(".conference-slot [data-name]", has_text="Ann")).to_be_visible(timeout=30_000)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and ann.evaluate(PEER_STATES)[2:] != ["connected", "connected"]:
            ann.wait_for_timeout(250)
        states = ann.evaluate(PEER_STATES)  # her camera and seat, then both made again
        assert states == ["closed", "closed", "connected", "connected"], f"Ann's connections: {states}"
        first, later = _frames_decoded_grow(bea)
        assert later > first > before, "Bea decodes no new video of Ann after Ann's page published again"

        # The organiser chairs from the conference's page and mutes Ann, wherever her card is.
        chair = outsider.new_page()
        pages["the chair"] = chair
        chair.goto("/accounts/login/")
        chair.get_by_role("textbox", name="E-mail address", exact=True).fill(f"olga.{SLUG}@example.org")
        chair.get_by_label("Password").fill(PASSWORD)
        chair.get_by_role("button", name="Log in").click()
        chair.wait_for_url("**/organiser/**")
        chair.goto(page_path)
        ann_card = chair.locator(".conference-slot, .conference-site").filter(has_text="Ann")
        mute = ann_card.get_by_role("button", name="Mute")
        try:
            mute.wait_for(timeout=30_000)
        except Exception as failed:  # say what the chair's page showed instead
            shown = chair.evaluate(CHAIR_VIEW)
            raise AssertionError(f"no Mute button for Ann on the chair's page: {shown}") from failed
        # A slow press, held while the page changes under it (a thumbnail or a speaker arrives
        # every few seconds): a card made anew meanwhile would get no click (the press is lost).
        box = mute.bounding_box()
        chair.evaluate(WATCH_CHANGES)
        chair.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        chair.mouse.down()
        chair.wait_for_function("() => window.__changes > 0", timeout=30_000)
        chair.mouse.up()
        # Through the chair's socket, the room's process (a media worker when scaled) and a push
        # to both sites: give a loaded machine the time it takes.
        try:
            expect(ann.get_by_text("The chair muted you")).to_be_visible(timeout=15_000)
        except AssertionError as failed:  # who Ann's page thinks she is, and what the chair saw
            raise AssertionError(
                f"Ann's page: {ann.evaluate(CHAIR_VIEW)}; peers {ann.evaluate(PEER_STATES)};"
                f" the chair's page: {chair.evaluate(CHAIR_VIEW)}"
            ) from failed
        expect(bea.locator(".conference-site", has_text="Ann").locator("[data-badge]")).to_have_text(
            "muted", timeout=15_000
        )
        chair.close()

        cho = outsider.new_page()
        cho.goto(f"/signin/{made['tokens']['Cho']}/")
        cho.wait_for_url(f"**/{SLUG}/lobby/")
        assert cho.goto(page_path).status == 404
    except Exception as failed:  # what each page held, what it received, and what the server logged
        raise AssertionError(f"{failed}\n{_what_was_seen(pages, video_server)}") from failed
    finally:
        for context in (*contexts, outsider):
            context.close()

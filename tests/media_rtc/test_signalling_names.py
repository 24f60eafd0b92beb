"""How live video names people: an attendee who chose not to be seen is "Visitor" in every push
media_rtc sends (meeting requests, a meeting's publishers), as in chat and presence.

The transcript drives every push type the code sends (found in media_rtc's source and in
docs/protocol-rtc.md, so a new push cannot be forgotten) and looks for the hidden attendee's
name, e-mail and account name in every frame anyone received."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from events.enums import EventStatus
from tests.events.presence_helpers import connect, fresh_presence  # noqa: F401
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

from . import test_signalling as signalling
from .test_signalling import publisher_offer, viewer_offer

loopback_media = signalling.loopback_media
media = signalling.media

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

ROOT = Path(__file__).resolve().parents[2]
HIDDEN_NAME = "Kim Seo-yeon"
HIDDEN_EMAIL = "seoyeon.kim@example.org"
HIDDEN_ACCOUNT = "kimsy-account"
# Sent only in the scaled mode, when a media worker dies; carries the room's name and nothing
# else (tests/media_rtc/test_worker.py asserts its whole payload).
SCALED_ONLY = {"rtc.worker_lost"}
# Sent while an organiser records the room (started from a page, not the socket); carries the room's
# name and whether it is recorded (tests/media_rtc/test_recording.py asserts its whole payload).
RECORDING_ONLY = {"rtc.recording"}
# Sent in a conference; they carry publisher ids, never names (the names are rtc.room.changed's):
# tests/media_rtc/test_conference_signalling.py walks them with a hidden invited person.
CONFERENCE_ONLY = {"rtc.conference.speakers", "rtc.conference.thumbnails"}


def pushes_in_code() -> set[str]:
    """Every "rtc.*" frame type media_rtc hands to a push function (push_to_group, push_message,
    a RoomHost's or worker's _push)."""
    found = set()
    for source in (ROOT / "media_rtc").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if "push" not in name:
                continue
            for arg in node.args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.startswith("rtc.")
                ):
                    found.add(arg.value)
    return found


def pushes_in_docs() -> set[str]:
    text = (ROOT / "docs" / "protocol-rtc.md").read_text()
    return set(re.findall(r'<= \{"type": "(rtc\.[a-z_.]+)"', text))


class Recorder:
    """A socket whose every received frame is kept, replies and pushes alike."""

    def __init__(self, communicator) -> None:
        self.communicator = communicator
        self.frames: list[str] = []
        self.next_id = 1

    async def ask(self, frame_type: str, **data) -> dict:
        frame_id = self.next_id
        self.next_id += 1
        await self.communicator.send_to(
            text_data=json.dumps({"id": frame_id, "type": frame_type, "data": data})
        )
        while True:
            text = await self.communicator.receive_from(timeout=10)
            self.frames.append(text)
            frame = json.loads(text)
            if frame.get("id") == frame_id:
                assert frame["type"] == "ok", frame
                return frame["data"]

    async def push(self, frame_type: str) -> dict:
        while True:
            text = await self.communicator.receive_from(timeout=5)
            self.frames.append(text)
            frame = json.loads(text)
            if frame.get("type") == frame_type and "id" not in frame:
                return frame["data"]

    async def drain(self) -> None:
        while not await self.communicator.receive_nothing(timeout=0.3):
            self.frames.append(await self.communicator.receive_from())

    def pushed_types(self) -> set[str]:
        return {frame["type"] for frame in map(json.loads, self.frames) if "id" not in frame}


def _make_expo():
    event = EventFactory(slug="rtc-names", status=EventStatus.PUBLISHED)
    booth = BoothFactory(event=event, number="L-1")
    staff = StaffFactory(exhibitor=booth.exhibitor, user__display_name="Park Ji-woo").user
    colleague = StaffFactory(exhibitor=booth.exhibitor, user__display_name="Choi Min-jun").user
    hidden = AttendeeFactory(
        event=event,
        display_name=HIDDEN_NAME,
        email=HIDDEN_EMAIL,
        user__username=HIDDEN_ACCOUNT,
        visible_to_others=False,
    ).user
    bystander = AttendeeFactory(event=event, display_name="Jung Ye-jin", visible_to_others=True).user
    return event, booth, staff, colleague, hidden, bystander


def test_the_docs_list_every_push_the_code_sends():
    assert pushes_in_code() == pushes_in_docs()
    assert pushes_in_code() >= {"rtc.room.changed", "rtc.meeting.requested", "rtc.worker_lost"}


async def test_a_hidden_attendee_is_named_in_no_push_of_live_video(media):
    cache.clear()
    event, booth, staff, colleague, hidden, bystander = await database_sync_to_async(_make_expo)()
    host = Recorder(await connect(staff, event.slug))
    other_host = Recorder(await connect(colleague, event.slug))
    guest = Recorder(await connect(hidden, event.slug))
    watcher = Recorder(await connect(bystander, event.slug))
    everyone = (host, other_host, guest, watcher)
    for socket in everyone:
        await socket.ask("rtc.room", booth=booth.pk)

    # Staff go live at the booth: everyone looking at it hears of it.
    pc, offer = await publisher_offer()
    media.append(pc)
    await host.ask("rtc.publish", booth=booth.pk, offer=offer, label="camera")

    # The hidden attendee asks for a meeting; one staff member accepts, the other is told.
    asked = await guest.ask("rtc.meeting.request", booth=booth.pk)
    requested = await host.push("rtc.meeting.requested")
    assert requested == {"booth": booth.pk, "request": asked["request"], "name": "Visitor"}
    accepted = await host.ask("rtc.meeting.accept", booth=booth.pk, request=asked["request"])
    assert (await other_host.push("rtc.meeting.taken"))["request"] == asked["request"]
    assert (await guest.push("rtc.meeting.started"))["by"] == "Park Ji-woo"

    # In the meeting the attendee publishes; staff watch them, then they stop.
    meeting = accepted["meeting"]
    for socket in (host, guest):
        await socket.ask("rtc.room", meeting=meeting)
    pc, offer = await publisher_offer()
    media.append(pc)
    published = await guest.ask("rtc.publish", meeting=meeting, offer=offer, label="camera")
    changed = await host.push("rtc.room.changed")
    assert [(p["name"], p["label"]) for p in changed["publishers"]] == [("Visitor", "camera")]
    state = await host.ask("rtc.room", meeting=meeting)
    assert [p["name"] for p in state["publishers"]] == ["Visitor"]
    pc, offer = await viewer_offer()
    media.append(pc)
    await host.ask("rtc.watch", meeting=meeting, publisher=published["publisher"], offer=offer, tier="low")
    await host.ask("rtc.tier", meeting=meeting, publisher=published["publisher"], tier="audio_only")
    await guest.ask("rtc.unpublish", meeting=meeting, label="camera")
    await guest.ask("rtc.leave", meeting=meeting)

    # A second request, declined.
    again = await guest.ask("rtc.meeting.request", booth=booth.pk)
    await host.push("rtc.meeting.requested")
    await other_host.ask("rtc.meeting.decline", booth=booth.pk, request=again["request"])
    assert (await guest.push("rtc.meeting.declined"))["request"] == again["request"]

    for socket in everyone:
        await socket.drain()
    walked = set().union(*(socket.pushed_types() for socket in everyone))
    rtc_walked = {frame_type for frame_type in walked if frame_type.startswith("rtc.")}
    assert rtc_walked == pushes_in_code() - SCALED_ONLY - RECORDING_ONLY - CONFERENCE_ONLY
    frames = [text for socket in everyone for text in socket.frames]
    for secret in (HIDDEN_NAME, HIDDEN_EMAIL, HIDDEN_ACCOUNT):
        leaking = [text for text in frames if secret.lower() in text.lower()]
        assert leaking == [], f"{secret!r} reached a socket"
    for socket in everyone:
        await socket.communicator.disconnect()
    cache.clear()

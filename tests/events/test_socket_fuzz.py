"""Random frames at a real live socket: every reply is an "ok" or an "error" with a specific code
(never the generic server.error) in strict JSON and valid UTF-8, and the socket stays open (a
ping still answers)."""

from __future__ import annotations

import asyncio
import json
import os
import string

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.enums import EventStatus
from events.registry import socket_handlers
from media_rtc.routing import close_router
from rakwon_site.asgi import application
from tests.factories import BoothFactory, EventFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)

FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
frame_types = st.sampled_from(socket_handlers.types()) | st.text(max_size=70) | json_values
frame_ids = st.none() | st.integers() | st.text(max_size=80) | json_values
any_place_ids = st.integers(min_value=-5, max_value=10**12) | st.text(string.digits, max_size=6) | json_values


def handler_data_for(known_ids: list[int]):
    """Data for any handler; numbers are often ids that exist (the booth), so handlers get past
    their first look-up."""
    place_ids = (st.sampled_from(known_ids) | any_place_ids) if known_ids else any_place_ids
    return st.fixed_dictionaries(
        {},
        optional={
            "room": st.sampled_from(["announcements", "booth:", "booth:1", "session:x", ""])
            | st.sampled_from([f"booth:{known}" for known in known_ids or [1]])
            | json_values,
            "text": st.text(max_size=50) | json_values,
            "booth": place_ids,
            "hall": place_ids,
            "session": place_ids,
            "before": place_ids,
            "after": place_ids,
            "id": place_ids,
            "user": place_ids,
            "message": place_ids,
            "asset": place_ids,
            "page": place_ids,
            # Live video (media_rtc): tokens, tabs, labels, tiers and offers, well-formed or not.
            "meeting": st.text(string.ascii_letters + string.digits + "_-", min_size=8, max_size=32)
            | json_values,
            "request": st.text(string.ascii_letters + string.digits + "_-", min_size=8, max_size=32)
            | json_values,
            "tab": st.text(string.ascii_letters + string.digits, min_size=4, max_size=16) | json_values,
            "label": st.sampled_from(["camera", "screen", "", "mic"]) | json_values,
            "tier": st.sampled_from(["standard", "low", "audio_only", "hd"]) | json_values,
            "publisher": st.sampled_from(["1-abcd:camera", "demo:", "x"]) | json_values,
            "offer": st.sampled_from(["v=0", "v=0\r\n", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"])
            | st.text(max_size=40).map(lambda tail: "v=0\r\n" + tail)
            | json_values,
        },
    )


handler_data = handler_data_for([])

frames = st.fixed_dictionaries(
    {"type": frame_types},
    optional={"id": frame_ids, "data": handler_data | json_values, "extra": json_values},
).map(lambda frame: json.dumps(frame, ensure_ascii=False))
texts = st.one_of(
    frames,
    json_values.map(json.dumps),
    st.binary(max_size=200).map(lambda raw: raw.decode("utf-8", "replace")),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.text(max_size=200),
    st.integers(min_value=16 * 1024 - 40, max_value=40 * 1024).map(
        lambda size: '{"id": 1, "type": "ping", "data": {"pad": "' + "x" * size + '"}}'
    ),
    st.integers(min_value=1, max_value=6000).map(lambda depth: "[" * depth + "]" * depth),
    st.sampled_from(
        [
            '{"id": 1, "type": "ping", "data": {"x": NaN}}',
            '{"id": 1, "type": "\\ud800"}',
            '{"id": 99999999999999999999, "type": "ping"}',
            '{"id": 1, "type": "ping", "data": {"n": ' + "9" * 5000 + "}}",
            '{"type": "chat.send", "data": {"room": "announcements", "text": "\\udfff"}}',
        ]
    ),
)


def _strict_json(text: str) -> dict:
    text.encode("utf-8")  # raises on a lone surrogate, which a browser could not receive

    def refuse(name):
        raise AssertionError(f"not strict JSON: {name}")

    frame = json.loads(text, parse_constant=refuse)
    assert isinstance(frame, dict)
    return frame


async def _exchange(communicator: WebsocketCommunicator, text: str | None, probe: int) -> list[dict]:
    """Send one random frame, then a ping; return what came back before the ping's reply."""
    # send_input, not send_to: an empty text frame is a frame too.
    if text is None:
        await communicator.send_input({"type": "websocket.receive", "bytes": b"\x00\xff"})
    else:
        await communicator.send_input({"type": "websocket.receive", "text": text})
    await communicator.send_to(text_data=json.dumps({"id": f"probe-{probe}", "type": "ping"}))
    received = []
    while True:
        frame = _strict_json(await communicator.receive_from(timeout=5))
        if frame.get("id") == f"probe-{probe}":
            assert frame["type"] == "ok"
            return received
        received.append(frame)


def _check(received: list[dict]) -> None:
    replies = [frame for frame in received if "id" in frame]
    assert len(replies) <= 1
    for reply in replies:
        assert reply["type"] in {"ok", "error"}
        if reply["type"] == "error":
            assert isinstance(reply["code"], str)
            assert isinstance(reply["message"], str)
            assert reply["code"] != "frame.rate_limited"
            # A fuzzed frame is bad input, not a bug: it gets the code that says what is wrong.
            assert reply["code"] != "server.error", reply
    for pushed in received:
        if "id" not in pushed:  # a push the random frame caused (e.g. lobby counts)
            assert isinstance(pushed["type"], str)
            assert isinstance(pushed["data"], dict)


async def _open(slug: str, settings, role: str = "attendee") -> tuple[WebsocketCommunicator, list[int]]:
    # Throughput is not under test here: the bucket must never refuse a fuzzed frame.
    settings.SOCKET_BURST = 10_000
    settings.SOCKET_RATE_PER_SECOND = 10_000
    # rtc.* frames may reach the media engine: keep it on the loopback device.
    settings.RTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.RTC_MEDIA_WORKERS = False
    settings.RTC_TURN_URLS = []
    event = await database_sync_to_async(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    booth = await database_sync_to_async(BoothFactory)(event=event)
    if role == "staff":  # may go live: offers reach the media engine
        user = (await database_sync_to_async(StaffFactory)(exhibitor=booth.exhibitor)).user
    elif role == "team":  # may moderate
        user = (await database_sync_to_async(TeamMemberFactory)(event=event)).user
    else:
        user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    assert (await communicator.connect())[0] is True
    return communicator, [booth.pk, booth.hall_id, user.pk]


async def _fuzz(communicator: WebsocketCommunicator, strategy) -> int:
    """Run the property in a worker thread (hypothesis is synchronous); the socket stays on
    this test's event loop and every example talks to it through that loop."""
    loop = asyncio.get_running_loop()
    probes = iter(range(1_000_000))
    examples = []

    @FUZZ
    @given(strategy)
    def property_holds(text):
        future = asyncio.run_coroutine_threadsafe(_exchange(communicator, text, next(probes)), loop)
        _check(future.result(timeout=30))
        examples.append(text)

    await asyncio.to_thread(property_holds)
    return len(examples)


async def test_random_frames_get_ok_or_error_and_the_socket_stays_open(settings):
    communicator, _ids = await _open("fuzz-frames", settings)
    assert await _fuzz(communicator, texts) >= 60
    await communicator.disconnect()
    await close_router()


@pytest.mark.parametrize("role", ["attendee", "staff", "team"])
async def test_registered_types_with_random_data_never_break_the_socket(settings, role):
    communicator, known_ids = await _open(f"fuzz-handlers-{role}", settings, role)
    typed = st.builds(
        lambda frame_type, frame_id, data: json.dumps({"id": frame_id, "type": frame_type, "data": data}),
        st.sampled_from(socket_handlers.types()),
        st.none() | st.integers(min_value=0, max_value=2**53 - 1) | st.text(max_size=64),
        handler_data_for(known_ids),
    )
    assert await _fuzz(communicator, typed | st.none()) >= 60
    await communicator.disconnect()
    await close_router()

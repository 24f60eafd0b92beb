"""The live socket's limits: the per-connection rate limit, flood closing, and permissions
worked out once at connect (events.live.ratelimit, events.live.consumer)."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db.backends.utils import CursorWrapper
from django.test import Client

from events.enums import EventStatus
from events.live import protocol
from events.live.ratelimit import FrameLimiter, TokenBucket
from events.models import Attendee
from rakwon_site.asgi import application
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- The bucket and the strikes, on a clock we move by hand ----------------------------------


def test_bucket_gives_burst_then_says_how_long_to_wait():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take() == 0.5


def test_bucket_refills_at_rate_up_to_burst():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    for _ in range(3):
        bucket.take()
    clock.now += 0.5
    assert bucket.take() == 0.0
    assert bucket.take() == 0.5
    clock.now += 60
    assert [bucket.take() for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]


def test_bucket_without_refill_rate_is_refused():
    with pytest.raises(ValueError, match="above zero"):
        TokenBucket(rate=0, burst=3)


def test_limiter_flags_flooding_at_the_last_strike():
    limiter = FrameLimiter(rate=1, burst=1, strikes=3, clock=Clock())
    verdicts = [limiter.admit() for _ in range(4)]
    assert [(v.allowed, v.flooding) for v in verdicts] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
    ]


def test_limiter_forgives_strikes_once_the_bucket_has_filled_again():
    clock = Clock()
    limiter = FrameLimiter(rate=1, burst=2, strikes=3, clock=clock)
    limiter.admit(), limiter.admit()
    assert [limiter.admit().flooding for _ in range(2)] == [False, False]
    clock.now += 2  # backed off as long as the bucket takes to fill
    assert limiter.admit().allowed is True
    assert limiter.strikes == 0
    limiter.admit()
    assert [limiter.admit().flooding for _ in range(3)] == [False, False, True]


def test_limiter_keeps_strikes_of_a_client_that_keeps_flooding():
    clock = Clock()
    limiter = FrameLimiter(rate=10, burst=1, strikes=5, clock=clock)
    flooded = []
    for _ in range(60):  # 1,000 frames a second: one in a hundred gets a token, none forgive
        clock.now += 0.001
        flooded.append(limiter.admit().flooding)
    assert flooded.index(True) == 5


# --- Protocol edges that once could slip through ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"id": 1, "type": "ping", "data": {"x": NaN}}',
        '{"id": 1, "type": "ping", "data": {"x": Infinity}}',
        '{"id": 1, "type": "\\ud800"}',
        '{"id": 1, "type": "ping", "data": {"\\udfff": 1}}',
        '{"id": 9007199254740992, "type": "ping"}',
        '{"id": 1, "type": "ping", "data": {"x": "\ud800"}}',
    ],
)
def test_parse_refuses_what_a_browser_could_not_read_back(text):
    with pytest.raises(protocol.FrameError) as refused:
        protocol.parse_frame(text, max_bytes=16384)
    assert refused.value.code == "frame.malformed"


def test_parse_accepts_escaped_surrogate_pairs_and_backslashes():
    request = protocol.parse_frame(
        '{"id": 1, "type": "ping", "data": {"emoji": "\\ud83d\\ude00", "path": "\\\\ud800"}}',
        max_bytes=16384,
    )
    assert request.data == {"emoji": "😀", "path": "\\ud800"}


def test_replies_with_a_lone_surrogate_are_escaped_into_valid_utf8():
    text = protocol.push("chat.message", {"text": "a\ud800b"})
    assert text.encode("utf-8") == b'{"type": "chat.message", "data": {"text": "a\\ud800b"}}'


def test_request_id_of_a_broken_frame_is_none():
    assert protocol.request_id('{"id": 4, "type": "ping"}', max_bytes=100) == 4
    assert protocol.request_id('{"id": 4', max_bytes=100) is None
    assert protocol.request_id(None, max_bytes=100) is None


# --- On a real socket ------------------------------------------------------------------------


async def _connect(user, slug: str) -> WebsocketCommunicator:
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    return WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)


async def _attendee_socket(slug: str):
    event = await database_sync_to_async(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    communicator = await _connect(user, slug)
    assert (await communicator.connect())[0] is True
    return communicator, user


async def _ping(communicator, frame_id) -> dict:
    await communicator.send_to(text_data=json.dumps({"id": frame_id, "type": "ping"}))
    return json.loads(await communicator.receive_from())


@pytest.mark.django_db(transaction=True)
async def test_frame_over_the_bucket_gets_rate_limited_with_retry_after(settings):
    settings.SOCKET_BURST = 3
    settings.SOCKET_RATE_PER_SECOND = 0.5
    settings.SOCKET_FLOOD_STRIKES = 5
    communicator, _user = await _attendee_socket("rated")
    assert [(await _ping(communicator, n))["type"] for n in range(3)] == ["ok", "ok", "ok"]
    refused = await _ping(communicator, "late")
    assert (refused["id"], refused["type"], refused["code"]) == ("late", "error", "frame.rate_limited")
    assert 1.9 < refused["data"]["retry_after"] <= 2.0
    assert refused["message"] == (
        f"Too many messages at once; wait {refused['data']['retry_after']} seconds and try again."
    )
    assert await communicator.receive_nothing(timeout=0.1) is True
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_client_that_keeps_flooding_is_told_then_closed_with_4429(settings):
    settings.SOCKET_BURST = 2
    settings.SOCKET_RATE_PER_SECOND = 0.1
    settings.SOCKET_FLOOD_STRIKES = 3
    communicator, _user = await _attendee_socket("flood")
    for n in range(2):
        assert (await _ping(communicator, n))["type"] == "ok"
    for n in range(2):
        assert (await _ping(communicator, f"x{n}"))["code"] == "frame.rate_limited"
    await communicator.send_to(text_data=json.dumps({"id": "last", "type": "ping"}))
    assert json.loads(await communicator.receive_from()) == {
        "type": "socket.closing",
        "data": {"reason": "flood"},
    }
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4429}
    # Whatever the flooder still sends before the socket is gone gets nothing back.
    await communicator.send_to(text_data=json.dumps({"id": "after", "type": "ping"}))
    assert await communicator.receive_nothing(timeout=0.1) is True


@pytest.mark.django_db(transaction=True)
async def test_ping_costs_no_query(monkeypatch):
    communicator, _user = await _attendee_socket("quiet")
    executed: list[str] = []
    real_execute = CursorWrapper.execute

    def counting_execute(self, sql, params=None):
        executed.append(sql)
        return real_execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", counting_execute)
    assert [(await _ping(communicator, n))["type"] for n in range(20)] == ["ok"] * 20
    monkeypatch.undo()
    assert executed == []
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_permissions_are_worked_out_at_connect_and_again_on_reconnect():
    communicator, user = await _attendee_socket("perms")
    await database_sync_to_async(Attendee.objects.filter(user=user).delete)()
    # The open socket keeps what it was allowed at connect (a ban closes it instead)...
    assert (await _ping(communicator, 1))["type"] == "ok"
    await communicator.disconnect()
    # ...and the next connection is checked afresh.
    again = await _connect(user, "perms")
    assert await again.connect() == (False, 4403)

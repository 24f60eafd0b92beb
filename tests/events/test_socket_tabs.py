"""The cap on live sockets (browser tabs) per person per event (events/live/tabs.py, SOCKET_MAX_TABS):
the one too many is told why and closed with 4409; closing a tab makes room again."""

from __future__ import annotations

import json
import logging
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from events.enums import EventStatus
from events.live import tabs
from rakwon_site.asgi import application
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOO_MANY = "This event is open in too many tabs or windows. Close one of them, then reload this page."


@pytest.fixture(autouse=True)
def fresh_tabs():
    tabs.use_tabs(tabs.MemoryTabs())
    yield
    tabs.use_tabs(None)


async def _session(user) -> str:
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    return client.cookies["sessionid"].value


def _socket(session: str, slug: str) -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={session}".encode()),
    ]
    return WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)


async def _open(session: str, slug: str) -> WebsocketCommunicator:
    communicator = _socket(session, slug)
    connected, code = await communicator.connect()
    assert connected is True, code
    await communicator.send_to(text_data=json.dumps({"id": 1, "type": "ping"}))
    assert json.loads(await communicator.receive_from())["type"] == "ok"
    return communicator


async def _refused(session: str, slug: str) -> tuple[dict, int]:
    """The tab one too many: accepted only to be told why, then closed."""
    communicator = _socket(session, slug)
    assert (await communicator.connect())[0] is True
    told = json.loads(await communicator.receive_from())
    closed = await communicator.receive_output()
    assert closed["type"] == "websocket.close"
    return told, closed["code"]


async def _attendee(slug: str):
    event = await database_sync_to_async(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    return event, (await database_sync_to_async(AttendeeFactory)(event=event)).user


async def test_the_tab_over_the_cap_is_told_to_close_one_and_closed_with_4409(settings):
    settings.SOCKET_MAX_TABS = 2
    _event, user = await _attendee("tabs")
    session = await _session(user)
    first, second = await _open(session, "tabs"), await _open(session, "tabs")

    told, code = await _refused(session, "tabs")

    assert told == {"type": "socket.closing", "data": {"reason": "too_many_tabs", "message": TOO_MANY}}
    assert code == 4409
    await first.disconnect()
    third = await _open(session, "tabs")  # closing a tab made room
    for communicator in (second, third):
        await communicator.disconnect()


async def test_the_cap_is_per_person_and_per_event(settings):
    settings.SOCKET_MAX_TABS = 1
    event, user = await _attendee("tabs-a")
    other = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    elsewhere = await database_sync_to_async(EventFactory)(slug="tabs-b", status=EventStatus.PUBLISHED)
    await database_sync_to_async(AttendeeFactory)(event=elsewhere, user=user, email=user.email)
    session = await _session(user)

    mine = await _open(session, "tabs-a")
    theirs = await _open(await _session(other), "tabs-a")
    there = await _open(session, "tabs-b")

    assert (await _refused(session, "tabs-a"))[1] == 4409
    for communicator in (mine, theirs, there):
        await communicator.disconnect()


async def test_the_default_cap_is_eight_tabs(settings):
    assert settings.SOCKET_MAX_TABS == 8
    _event, user = await _attendee("tabs-8")
    session = await _session(user)
    opened = [await _open(session, "tabs-8") for _ in range(8)]

    assert (await _refused(session, "tabs-8"))[1] == 4409
    for communicator in opened:
        await communicator.disconnect()


# --- The scaled mode's count, in Redis -------------------------------------------------------

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: the scaled count lives in Redis"
)


@pytest.fixture
async def redis_tabs():
    parts = urlsplit(os.environ["REDIS_URL"])
    # A database no other test of the unit pass uses: CI's REDIS_URL is /14, and a flushdb there
    # wiped the presence and channels of the scaled tests running beside this one.
    url = urlunsplit(parts._replace(path="/9"))
    store = tabs.RedisTabs(url, prefix="test-tabs:", ttl_seconds=60)
    await store.redis.flushdb()
    yield store
    await store.redis.flushdb()
    await store.aclose()


@needs_redis
async def test_redis_counts_tabs_of_every_process_and_forgets_closed_ones(redis_tabs):
    assert [await redis_tabs.open(3, 7, f"conn-{n}", limit=2) for n in range(3)] == [True, True, False]
    assert await redis_tabs.open(3, 8, "conn-other", limit=2) is True
    assert await redis_tabs.open(4, 7, "conn-elsewhere", limit=2) is True
    await redis_tabs.close(3, 7, "conn-0")
    assert await redis_tabs.open(3, 7, "conn-2", limit=2) is True


@needs_redis
async def test_redis_forgets_the_tabs_of_a_process_that_died(redis_tabs):
    # A killed process never closes its sockets: their entries expire unless refreshed.
    redis_tabs.ttl_seconds = 0.2
    assert await redis_tabs.open(3, 7, "ghost", limit=1) is True
    import asyncio

    await asyncio.sleep(0.3)
    assert await redis_tabs.open(3, 7, "fresh", limit=1) is True


# --- A saturated pool never costs a traceback (issue 12: 511 MaxConnectionsError in a crowd) ---


class _SaturatedTabs:
    """A count whose Redis pool is full: every call fails as redis-py's pool does."""

    def __init__(self) -> None:
        self.calls = 0

    async def _full(self, *args, **kwargs):
        from redis.exceptions import MaxConnectionsError

        self.calls += 1
        raise MaxConnectionsError("Too many connections")

    open = renew = close = _full


class _Connection:
    def __init__(self, pk: int) -> None:
        self.event = type("E", (), {"pk": 3})()
        self.user = type("U", (), {"pk": pk})()
        self.channel_name = f"conn-{pk}"


async def test_a_saturated_pool_lets_the_socket_in_and_logs_once_without_a_traceback(caplog):
    saturated = _SaturatedTabs()
    tabs.use_tabs(saturated)
    caplog.set_level("DEBUG", logger="events.live.tabs")

    let_in = [await tabs.open_tab(_Connection(n)) for n in range(3)]
    for n in range(3):
        await tabs.renew_tab(_Connection(n))
        await tabs.close_tab(_Connection(n))

    assert let_in == [True, True, True]
    assert saturated.calls == 9
    assert [r.exc_info for r in caplog.records] == [None] * 9  # no traceback at any level
    told = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.levelname for r in told] == ["WARNING"]  # once, the rest at DEBUG
    assert told[0].getMessage() == (
        "the tab count's Redis pool is saturated (Too many connections); sockets are let in "
        "uncounted until it has room"
    )


async def test_pings_renew_a_tab_at_most_once_per_quarter_ttl(settings):
    class CountingTabs(tabs.MemoryTabs):
        renewed = 0

        async def renew(self, event_id, user_id, connection):
            CountingTabs.renewed += 1

    tabs.use_tabs(CountingTabs())
    _event, user = await _attendee("tabs-renew")
    communicator = await _open(await _session(user), "tabs-renew")
    for n in range(30):
        await communicator.send_to(text_data=json.dumps({"id": n + 2, "type": "ping"}))
        assert json.loads(await communicator.receive_from())["type"] == "ok"

    assert CountingTabs.renewed == 0  # connected just now: renewed at connect
    await communicator.disconnect()


@needs_redis
async def test_a_full_redis_pool_waits_then_lets_the_frame_through_without_a_traceback(caplog):
    from events.redis_layer import waiting_pool

    parts = urlsplit(os.environ["REDIS_URL"])
    url = urlunsplit(parts._replace(path="/9"))  # as redis_tabs
    pool = waiting_pool(url, max_connections=1, timeout=0.2)
    store = tabs.RedisTabs(url, prefix="test-tabs:", ttl_seconds=60, pool=pool)
    tabs.use_tabs(store)
    caplog.set_level("DEBUG", logger="events.live.tabs")
    held = await pool.get_connection()  # the pool's only connection is busy
    try:
        assert await tabs.open_tab(_Connection(1)) is True
        await tabs.renew_tab(_Connection(1))
    finally:
        await pool.release(held)
    assert await tabs.open_tab(_Connection(2)) is True  # room again: counted
    assert await store.redis.zcard("test-tabs:3:2") == 1
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None), ("DEBUG", None)]
    await store.redis.delete("test-tabs:3:2")
    await store.aclose()

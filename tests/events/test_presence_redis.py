"""Presence on the Redis store (the scaled mode's), from a socket of this process: a saturated pool
costs one `error` frame and no traceback, and what other processes change reaches the hall views
of this one from the store, announced or not. Runs only with REDIS_URL set."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus
from events.live.presence import places, ticker
from events.live.presence.store import RedisStore, use_store
from tests.factories import BoothFactory, EventFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import connect, fresh_presence, receive, request  # noqa: F401
from .test_presence_store import _forget_keys

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_presence"),
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: these need a running Redis"),
]

make = database_sync_to_async


@pytest.fixture
def redis_prefix():
    prefix = f"test-presence-{uuid.uuid4().hex}:"
    yield prefix
    _forget_keys(prefix)


async def _floor(slug: str):
    event = await make(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    ada = await make(AttendeeFactory)(event=event, display_name="Ada", visible_to_others=True)
    return event, booth, ada


async def test_a_saturated_pool_gives_an_error_frame_not_a_traceback(settings, redis_prefix, caplog):
    settings.PRESENCE_TICK_SECONDS = 3600
    settings.PRESENCE_REDIS_MAX_CONNECTIONS = 2
    settings.PRESENCE_REDIS_POOL_TIMEOUT_SECONDS = 0.2
    store = RedisStore(REDIS_URL, prefix=redis_prefix)
    use_store(store)
    event, booth, ada = await _floor("redis-busy")
    socket = await connect(ada.user, event.slug)
    pool = store._redis.connection_pool
    held = [await pool.get_connection() for _ in range(pool.max_connections)]  # every one in use
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        reply = await request(socket, 1, "booth.enter", booth=booth.pk)
    assert (reply["type"], reply["code"], reply["message"]) == (
        "error",
        "presence.busy",
        "The live service is busy; try again in a moment.",
    )
    assert [record for record in caplog.records if record.exc_info] == []
    for connection in held:
        await pool.release(connection)
    # Nothing half-done: asking again enters, counted once.
    reply = await request(socket, 2, "booth.enter", booth=booth.pk)
    assert (reply["type"], reply["data"]["count"]) == ("ok", 1)
    await socket.disconnect()
    await store.close()


async def test_a_connection_that_left_on_another_process_reaches_hall_views(settings, redis_prefix):
    settings.PRESENCE_TICK_SECONDS = 3600
    mine = RedisStore(REDIS_URL, prefix=redis_prefix)
    other = RedisStore(REDIS_URL, prefix=redis_prefix)  # another daphne process, same Redis
    use_store(mine)
    event, booth, ada = await _floor("redis-elsewhere")
    on_hall_page = await connect(ada.user, event.slug)
    await request(on_hall_page, 1, "hall.enter", hall=booth.hall_id)
    await ticker.flush()
    await receive(on_hall_page)
    await other.add(f"booth:{booth.pk}", "other-1", 500_001, {"person": None, "name": None})
    await ticker.flush()
    assert (await receive(on_hall_page))["data"]["booths"] == {str(booth.pk): 1}
    # It leaves there; whatever that process pushed never arrives here.
    await other.remove(f"booth:{booth.pk}", "other-1", 500_001)
    await ticker.flush()
    assert (await receive(on_hall_page))["data"] | {"version": None} == {
        "hall": booth.hall_id,
        "count": 1,
        "version": None,
        "booths": {str(booth.pk): 0},
        "versions": {str(booth.pk): 2},
    }
    await on_hall_page.disconnect()
    await mine.close()
    await other.close()


async def test_a_swept_connection_reaches_hall_views_and_the_booth(settings, redis_prefix):
    settings.PRESENCE_TICK_SECONDS = 3600
    mine = RedisStore(REDIS_URL, prefix=redis_prefix, process_ttl=30)
    dying = RedisStore(REDIS_URL, prefix=redis_prefix, process_ttl=30)
    use_store(mine)
    event, booth, ada = await _floor("redis-swept")
    bo = await make(AttendeeFactory)(event=event, display_name="Bo", visible_to_others=True)
    on_hall_page = await connect(ada.user, event.slug)
    await request(on_hall_page, 1, "hall.enter", hall=booth.hall_id)
    in_booth = await connect(bo.user, event.slug)
    await request(in_booth, 1, "booth.enter", booth=booth.pk)
    await dying.heartbeat()
    await dying.add(f"booth:{booth.pk}", "dying-1", 500_002, {"person": None, "name": None})
    await ticker.flush()
    assert (await receive(on_hall_page))["data"]["booths"] == {str(booth.pk): 2}
    assert (await receive(in_booth))["data"]["count"] == 2
    await dying._redis.delete(dying._key("alive", dying.process_id))  # kill -9: it stops beating
    await ticker.tick()
    hall_frame = await receive(on_hall_page)
    assert (hall_frame["data"]["booths"], hall_frame["data"]["versions"]) == (
        {str(booth.pk): 1},
        {str(booth.pk): 3},
    )
    booth_frames = [await receive(in_booth), await receive(in_booth)]
    assert sorted((f["type"], f["data"]["count"], f["data"]["version"]) for f in booth_frames) == [
        ("booth.count", 1, 3),
        ("booth.left", 1, 3),
    ]
    await in_booth.disconnect()
    await on_hall_page.disconnect()
    await mine.close()
    await dying.close()
    assert places.local_places() == {}

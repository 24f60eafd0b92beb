"""Room placement on media workers (media_rtc/placement.py) against a real Redis. Placement needs
REDIS_URL (CI sets it)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from media_rtc.errors import MediaUnavailable
from media_rtc.placement import Placement

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: room placement lives in Redis"
)

# A database number of its own, flushed per test, so nothing meets other tests' keys.
PLACEMENT_DATABASE = 13


def _redis_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{PLACEMENT_DATABASE}"))


@pytest.fixture
async def placement():
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(_redis_url(), decode_responses=True)
    await client.flushdb()
    yield Placement(client, prefix="rtc-test:", ttl_seconds=30)
    await client.flushdb()
    await client.aclose()


@needs_redis
async def test_a_room_goes_to_the_least_loaded_live_worker_and_stays(placement):
    await placement.heartbeat("busy", "rtc.worker.busy", load=9)
    await placement.heartbeat("idle", "rtc.worker.idle", load=1)

    first = await placement.place("booth.1")
    await placement.heartbeat("idle", "rtc.worker.idle", load=50)
    again = await placement.place("booth.1")
    other = await placement.place("booth.2")

    assert first == ("idle", "rtc.worker.idle", False)
    assert again == ("idle", "rtc.worker.idle", False)
    assert other == ("busy", "rtc.worker.busy", False)


@needs_redis
async def test_without_live_workers_a_room_cannot_be_placed(placement):
    with pytest.raises(MediaUnavailable) as refused:
        await placement.place("booth.1")

    assert refused.value.code == "rtc.unavailable"


@needs_redis
async def test_a_dead_workers_room_moves_and_says_so(placement):
    await placement.heartbeat("doomed", "rtc.worker.doomed", load=0)
    await placement.place("booth.7")
    await placement.redis.delete("rtc-test:worker:doomed")  # its heartbeat expired
    await placement.heartbeat("survivor", "rtc.worker.survivor", load=5)

    moved = await placement.place("booth.7")

    assert moved == ("survivor", "rtc.worker.survivor", True)
    assert await placement.dead_workers() == ["doomed"]
    assert await placement.release("doomed") == []  # already moved: nobody tells its viewers twice


@needs_redis
async def test_releasing_a_dead_worker_hands_back_its_rooms_once(placement):
    await placement.heartbeat("doomed", "rtc.worker.doomed", load=0)
    await placement.place("booth.7")
    await placement.place("meeting.abcdefgh")
    await placement.redis.delete("rtc-test:worker:doomed")

    assert await placement.claim_sweep("doomed") is True
    assert await placement.claim_sweep("doomed") is False
    assert await placement.release("doomed") == ["booth.7", "meeting.abcdefgh"]
    assert await placement.dead_workers() == []
    assert await placement.redis.get("rtc-test:room:booth.7") is None

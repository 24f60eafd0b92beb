"""The presence stores: people counted once per place however many tabs; dead processes swept.

The in-process store always runs; the Redis store runs against real Redis when REDIS_URL is set.
"""

from __future__ import annotations

import asyncio
import functools
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.live.presence.store import MemoryStore, RedisStore

REDIS_URL = os.environ.get("REDIS_URL", "")
ADA = {"person": 7, "name": "Ada"}
ANON = {"person": None, "name": None}


def own_loop(test):
    """Run an async test in a fresh event loop on its own thread, whatever loop this thread has."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, test(*args, **kwargs)).result()

    return run


def _forget_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    # A plain fixture: the store is made here and used inside each test's own event loop.
    if request.param == "memory":
        yield MemoryStore()
        return
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the Redis presence store needs a running Redis")
    prefix = f"test-presence-{uuid.uuid4().hex}:"
    yield RedisStore(REDIS_URL, prefix=prefix, process_ttl=5)
    _forget_keys(prefix)


@own_loop
async def test_store_first_connection_of_a_person_is_an_arrival(store):
    assert await store.add("booth:1", "conn-a", 1, ADA) is True
    assert await store.add("booth:1", "conn-b", 1, ADA) is False
    assert await store.add("booth:1", "conn-c", 2, ANON) is True
    assert await store.count("booth:1") == 2
    people = sorted(await store.people("booth:1"), key=lambda p: p["person"] or 0)
    assert people == [ANON, ADA]


@own_loop
async def test_store_last_connection_leaving_is_a_leave(store):
    await store.add("booth:1", "conn-a", 1, ADA)
    await store.add("booth:1", "conn-b", 1, ADA)
    assert await store.remove("booth:1", "conn-a", 1) is None
    assert await store.count("booth:1") == 1
    assert await store.remove("booth:1", "conn-b", 1) == ADA
    assert await store.count("booth:1") == 0
    assert await store.people("booth:1") == []


@own_loop
async def test_store_removing_an_unknown_connection_changes_nothing(store):
    await store.add("hall:3", "conn-a", 1, ADA)
    assert await store.remove("hall:3", "conn-zzz", 1) is None
    assert await store.remove("hall:4", "conn-a", 1) is None
    assert await store.count("hall:3") == 1


@own_loop
async def test_store_places_are_counted_apart(store):
    await store.add("booth:1", "conn-a", 1, ADA)
    await store.add("hall:1", "conn-b", 2, ANON)
    assert (await store.count("booth:1"), await store.count("hall:1"), await store.count("lobby:1")) == (
        1,
        1,
        0,
    )


@own_loop
async def test_memory_store_has_no_dead_processes():
    store = MemoryStore()
    await store.add("booth:1", "conn-a", 1, ADA)
    assert await store.sweep_dead() == []
    assert await store.count("booth:1") == 1


@pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: the Redis presence store needs a running Redis"
)
@own_loop
async def test_redis_store_sweeps_a_dead_process_in_bulk():
    prefix = f"test-presence-{uuid.uuid4().hex}:"
    dying = RedisStore(REDIS_URL, prefix=prefix, process_ttl=1)
    living = RedisStore(REDIS_URL, prefix=prefix, process_ttl=30)
    try:
        await dying.heartbeat()
        await living.heartbeat()
        await dying.add("booth:1", "a-1", 1, ADA)
        await dying.add("booth:1", "a-2", 1, ADA)
        await dying.add("hall:2", "a-3", 2, ANON)
        await living.add("booth:1", "b-1", 3, ANON)
        assert await living.sweep_dead() == []  # the dying process still beats
        # It stops beating (as after kill -9): its key expires.
        await dying._redis.delete(dying._key("alive", dying.process_id))
        leaves = sorted(await living.sweep_dead())
        assert leaves == sorted([("booth:1", ADA), ("hall:2", ANON)])
        assert (await living.count("booth:1"), await living.count("hall:2")) == (1, 0)
        assert await living.sweep_dead() == []  # swept once only
    finally:
        _forget_keys(prefix)
        await dying.close()
        await living.close()

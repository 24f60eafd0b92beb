"""A socket's inbox (events.live.inbox.Inbox): asyncio.Queue's behaviour as
channels_redis uses it, at a fraction of its memory; and the Redis layer delivering through it
(that part runs only with REDIS_URL set)."""

from __future__ import annotations

import asyncio
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from channels_redis.core import BoundedQueue

from events.live.inbox import Inbox
from events.redis_layer import RedisChannelLayer

REDIS_URL = os.environ.get("REDIS_URL", "")


async def test_inbox_gives_messages_first_in_first_out():
    inbox = Inbox(10)
    for n in range(3):
        inbox.put_nowait({"n": n})
    assert [inbox.get_nowait()["n"] for _ in range(3)] == [0, 1, 2]
    assert inbox.empty() is True


async def test_a_full_inbox_drops_its_oldest_message_as_channels_redis_does():
    inbox, stock = Inbox(2), BoundedQueue(2)
    for n in range(5):
        inbox.put_nowait(n)
        stock.put_nowait(n)
    assert [inbox.get_nowait(), inbox.get_nowait()] == [stock.get_nowait(), stock.get_nowait()] == [3, 4]


async def test_an_empty_inbox_refuses_get_nowait():
    with pytest.raises(asyncio.QueueEmpty):
        Inbox(2).get_nowait()


async def test_get_waits_until_a_message_is_put():
    inbox = Inbox(5)
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert waiting.done() is False
    inbox.put_nowait("hello")
    assert await asyncio.wait_for(waiting, 1) == "hello"
    assert inbox.empty() is True


async def test_a_cancelled_get_leaves_the_message_for_the_next_reader():
    inbox = Inbox(5)
    first = asyncio.ensure_future(inbox.get())
    second = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait("only one")  # wakes the first reader ...
    first.cancel()  # ... which is cancelled before it runs: the second must get the message
    assert await asyncio.wait_for(second, 1) == "only one"
    assert first.cancelled() is True


async def test_an_idle_inbox_is_far_smaller_than_an_asyncio_queue():
    inbox, stock = Inbox(100), BoundedQueue(100)
    waiting = [asyncio.ensure_future(inbox.get()), asyncio.ensure_future(stock.get())]
    await asyncio.sleep(0)
    stock_bytes = (
        sys.getsizeof(stock)
        + sys.getsizeof(vars(stock))
        + sum(
            sys.getsizeof(part)
            for part in (stock._queue, stock._getters, stock._putters, stock._finished._waiters)
        )
    )
    inbox_bytes = sys.getsizeof(inbox) + sys.getsizeof(inbox._getters)
    assert inbox_bytes * 10 < stock_bytes
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a running Redis")
async def test_the_redis_layer_delivers_to_a_process_channel_through_inboxes():
    parts = urlsplit(REDIS_URL)
    url = urlunsplit(parts._replace(path="/15"))  # this area's own Redis database (ops tests flush 11)
    layer = RedisChannelLayer(hosts=[{"address": url, "socket_timeout": None}], prefix="test-inbox")
    try:
        first, second = await layer.new_channel(), await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(first))
        await asyncio.sleep(0.05)
        await layer.send(second, {"type": "live.push", "n": 2})
        await layer.send(first, {"type": "live.push", "n": 1})
        assert (await asyncio.wait_for(waiting, 5))["n"] == 1
        assert (await asyncio.wait_for(layer.receive(second), 5))["n"] == 2
        assert all(isinstance(inbox, Inbox) for inbox in layer.receive_buffer.values())
        assert dict(layer.receive_buffer) == {}  # emptied inboxes are let go
    finally:
        await layer.flush()
        await layer.close_pools()


@pytest.fixture
async def redis_layer():
    parts = urlsplit(REDIS_URL)
    url = urlunsplit(parts._replace(path="/15"))  # this area's own Redis database (ops tests flush 11)
    layer = RedisChannelLayer(hosts=[{"address": url, "socket_timeout": None}], prefix="test-reader")
    yield layer
    await layer.flush()
    await layer.close_pools()


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a running Redis")
async def test_idle_receivers_wait_on_their_inboxes_and_one_reader_serves_them_all(redis_layer):
    # channels_redis starts two tasks per waiting receive (the read lock and its queue); an idle
    # socket waits for minutes, so those are memory held per socket. Here: one reader a process.
    before = len(asyncio.all_tasks())
    channels = [await redis_layer.new_channel() for _ in range(50)]
    waiting = [asyncio.ensure_future(redis_layer.receive(channel)) for channel in channels]
    await asyncio.sleep(0.1)
    assert len(asyncio.all_tasks()) - before == 50 + 1
    for n, channel in enumerate(reversed(channels)):
        await redis_layer.send(channel, {"type": "live.push", "n": n})
    received = await asyncio.wait_for(asyncio.gather(*waiting), 10)
    assert [message["n"] for message in received] == list(reversed(range(50)))
    assert dict(redis_layer.receive_buffer) == {}


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a running Redis")
async def test_a_cancelled_receive_lets_its_inbox_go_and_others_still_receive(redis_layer):
    gone, staying = await redis_layer.new_channel(), await redis_layer.new_channel()
    leaving = asyncio.ensure_future(redis_layer.receive(gone))
    waiting = asyncio.ensure_future(redis_layer.receive(staying))
    await asyncio.sleep(0.05)
    leaving.cancel()  # the socket closed
    await asyncio.gather(leaving, return_exceptions=True)
    assert gone not in redis_layer.receive_buffer
    await redis_layer.send(staying, {"type": "live.push", "n": 7})
    assert (await asyncio.wait_for(waiting, 5))["n"] == 7


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a running Redis")
async def test_a_failed_read_is_retried_and_the_waiting_socket_still_gets_its_message(
    redis_layer, monkeypatch, caplog
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    import events.redis_layer

    monkeypatch.setattr(events.redis_layer, "READ_RETRY_SECONDS", 0.05)
    real_read, failures = redis_layer.receive_single, []

    async def read_failing_once(channel):
        if not failures:
            failures.append(channel)
            raise RedisConnectionError("Redis is restarting")
        return await real_read(channel)

    redis_layer.receive_single = read_failing_once
    channel = await redis_layer.new_channel()
    waiting = asyncio.ensure_future(redis_layer.receive(channel))
    await redis_layer.send(channel, {"type": "live.push", "n": 1})
    assert (await asyncio.wait_for(waiting, 5))["n"] == 1
    assert len(failures) == 1
    assert "retrying: Redis is restarting" in caplog.text

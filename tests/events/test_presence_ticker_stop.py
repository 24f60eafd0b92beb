"""Stopping the presence tick (a process shutting down, a test ending) never cuts a tick off
inside its database work, and writes the last visits on the way out."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from events.live.presence import entries, ticker
from events.registry import PresencePlace

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiet_ticker(monkeypatch, settings):
    settings.PRESENCE_SILENT_SECONDS = 3600
    monkeypatch.setattr(ticker, "chores", [])
    written: list = []
    monkeypatch.setattr(entries, "presence_listeners", [written.extend])
    entries._pending.clear()
    yield written
    entries._pending.clear()


async def test_stop_waits_for_the_database_work_of_the_tick_under_way(quiet_ticker, settings):
    settings.PRESENCE_TICK_SECONDS = 0.01
    inside, finished = threading.Event(), threading.Event()

    def slow_chore():
        inside.set()
        time.sleep(0.4)  # a write that takes its time, in the database thread
        finished.set()

    ticker.add_chore("slow", 0, slow_chore, due=0)
    await ticker.start()
    while not inside.is_set():
        await asyncio.sleep(0.005)
    await ticker.stop()
    assert finished.is_set()  # stop() returned only after the chore's work ended
    assert ticker._task.done()


async def test_stop_of_a_sleeping_tick_cancels_it_and_writes_the_last_visits(quiet_ticker, settings):
    settings.PRESENCE_TICK_SECONDS = 3600
    await ticker.start()
    entries.note_entry(PresencePlace("booth", 7), attendee_id=42)
    started = time.monotonic()
    await ticker.stop()
    assert time.monotonic() - started < 5  # not an hour's sleep
    assert ticker._task.done()
    assert [(entry.kind, entry.place_id, entry.attendee_id) for entry in quiet_ticker] == [("booth", 7, 42)]
    assert entries.pending() == 0


async def test_stop_without_a_tick_is_nothing():
    await ticker.stop()  # no task in this loop: returns at once, raises nothing
    assert ticker._task is None or ticker._task.done()

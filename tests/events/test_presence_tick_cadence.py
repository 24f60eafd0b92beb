"""The tick's count pushes keep their cadence whatever the database does: the organiser dashboards,
the visit log and the chores go on beside it, never in front of the next count (the leave wave of
issue 12 waited behind them: a count settled seconds late while the servers sat idle)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus
from events.live.presence import snapshot, ticker
from events.live.presence.store import get_store
from events.registry import PresencePlace
from tests.factories import BoothFactory, EventFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import TICK, connect, fresh_presence, receive, request  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async
SLOW = 1.5  # seconds the database takes: thirty ticks


async def _hall_watcher(slug: str):
    """A visitor on the hall page, watching a booth's card: (socket, booth)."""
    event = await make(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    ada = await make(AttendeeFactory)(event=event, display_name="Ada", visible_to_others=True)
    socket = await connect(ada.user, event.slug)
    reply = await request(socket, 1, "hall.enter", hall=booth.hall_id)
    assert reply["type"] == "ok", reply
    return socket, booth


async def _card_after(socket, booth, since: float, want: int) -> float:
    """Seconds from `since` until the hall page shows `want` people in the booth."""
    while True:
        frame = await receive(socket, timeout=SLOW * 4)
        if frame["type"] == "hall.count" and frame["data"]["booths"].get(str(booth.pk)) == want:
            return time.monotonic() - since


async def _someone_enters(booth, user_id: int) -> float:
    """Stored and marked as a booth entry does, touching no database (the slow thread is busy)."""
    await get_store().join(f"booth:{booth.pk}", f"conn-{user_id}", user_id, {"person": None, "name": None})
    ticker.mark(PresencePlace("booth", booth.pk, parent=f"hall:{booth.hall_id}"))
    return time.monotonic()


async def test_a_slow_chore_does_not_hold_back_the_next_count(settings):
    socket, booth = await _hall_watcher("cadence-chore")
    inside = threading.Event()

    def slow_chore():
        inside.set()
        time.sleep(SLOW)  # a database write taking its time, in the database thread

    ticker.add_chore("slow", 0, slow_chore, due=0)
    try:
        while not inside.is_set():
            await asyncio.sleep(0.005)
        since = await _someone_enters(booth, 901)
        took = await _card_after(socket, booth, since, 1)
        assert took < SLOW / 2, f"the count waited {took:.2f} s behind the chore"
    finally:
        ticker.chores[:] = [c for c in ticker.chores if c.name != "slow"]
        await socket.disconnect()


async def test_slow_dashboards_do_not_hold_back_the_next_count(monkeypatch):
    socket, booth = await _hall_watcher("cadence-dashboards")
    real = snapshot._events_of

    def slow_events_of(changed):
        time.sleep(SLOW)  # the organiser dashboards' query on a loaded database
        return real(changed)

    monkeypatch.setattr(snapshot, "_events_of", slow_events_of)
    since = await _someone_enters(booth, 901)
    await _card_after(socket, booth, since, 1)  # its tick starts the slow dashboards' push
    since = await _someone_enters(booth, 902)
    took = await _card_after(socket, booth, since, 2)
    assert took < SLOW / 2, f"the count waited {took:.2f} s behind the dashboards"
    await socket.disconnect()


async def test_the_dashboards_still_hear_every_change(monkeypatch):
    """Beside the tick, not forgotten: each changed place reaches the dashboards' push."""
    socket, booth = await _hall_watcher("cadence-heard")
    heard: list = []
    real = ticker.push_dashboards

    async def recording(changed):
        heard.extend(changed)
        await real(changed)

    monkeypatch.setattr(ticker, "push_dashboards", recording)
    await _someone_enters(booth, 901)
    deadline = time.monotonic() + 5
    while not any(place.kind == "booth" and place.id == booth.pk for place in heard):
        assert time.monotonic() < deadline, f"the dashboards never heard of the booth: {heard}"
        await asyncio.sleep(TICK)
    await socket.disconnect()


async def test_the_list_of_booths_is_read_again_beside_the_counts(monkeypatch):
    """A hall's list of booths is read again now and then: a slow read keeps the counts of the
    booths known flowing meanwhile, and a booth added since is counted once the read is done."""
    socket, booth = await _hall_watcher("cadence-children")
    monkeypatch.setattr(ticker, "CHILDREN_SECONDS", 0.0)  # every tick wants the list again
    real = ticker.presence_places.children
    reads: list[float] = []

    def slow_children(kind, place_id):
        reads.append(time.monotonic())
        time.sleep(SLOW)
        return real(kind, place_id)

    monkeypatch.setattr(ticker.presence_places, "children", slow_children)
    since = await _someone_enters(booth, 901)
    took = await _card_after(socket, booth, since, 1)
    assert took < SLOW / 2, f"the count waited {took:.2f} s behind the list of booths"
    added = await make(BoothFactory)(event=await make(lambda: booth.hall.event)(), hall=booth.hall)
    await get_store().join(f"booth:{added.pk}", "conn-new", 903, {"person": None, "name": None})
    assert await _card_after(socket, added, time.monotonic(), 1) < SLOW * 3
    assert reads, "the list was never read again"
    await socket.disconnect()

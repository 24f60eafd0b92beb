"""A crowd entering one place asks the database about it once, not once per person.

The leave wave of issue 12 (1,000 visitors back to the hall page within a second) found the hall's
lookup expired: each of the 500 requests of a process then queued its own query, and a new
database connection, on the one thread the socket handlers share, and the counts settled seconds
late. Now concurrent lookups of a place share one query, and a place in use is looked up again
shortly before its lifetime ends, while the one found is still served.
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async

from events import registry
from events.enums import EventStatus
from events.live.presence import places
from tests.factories import BoothFactory, EventFactory

from .presence_helpers import fresh_presence  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async


@pytest.fixture
async def booth_lookups(monkeypatch):
    """(a connection of the event, its booth, the list of lookups the database was asked)."""
    event = await make(EventFactory)(slug="find-once", status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    asked: list[tuple[str, int]] = []
    real = registry.presence_places.find

    def counting_find(event, kind, place_id):
        asked.append((kind, place_id))
        time.sleep(0.05)  # a query on a busy database: the others arrive meanwhile
        return real(event, kind, place_id)

    monkeypatch.setattr(registry.presence_places, "find", counting_find)
    return SimpleNamespace(event=event), booth, asked


async def test_a_crowd_arriving_at_once_shares_one_lookup(booth_lookups):
    connection, booth, asked = booth_lookups
    found = await asyncio.gather(*(places.find(connection, "booth", booth.pk) for _ in range(200)))
    assert {place.key for place in found} == {f"booth:{booth.pk}"}
    assert asked == [("booth", booth.pk)]


async def test_a_crowd_after_the_lifetime_ended_shares_one_lookup_too(booth_lookups, monkeypatch):
    connection, booth, asked = booth_lookups
    monkeypatch.setattr(places, "PLACE_FOUND_SECONDS", 0.2)
    await places.find(connection, "booth", booth.pk)
    await asyncio.sleep(0.3)
    await asyncio.gather(*(places.find(connection, "booth", booth.pk) for _ in range(200)))
    assert asked == [("booth", booth.pk)] * 2


async def test_a_place_in_use_is_looked_up_again_before_its_lifetime_ends(booth_lookups, monkeypatch):
    connection, booth, asked = booth_lookups
    monkeypatch.setattr(places, "PLACE_FOUND_SECONDS", 1.0)
    await places.find(connection, "booth", booth.pk)  # its lifetime counts from the question
    await asyncio.sleep(0.75)  # in the lifetime's last quarter
    started = time.monotonic()
    await places.find(connection, "booth", booth.pk)
    assert time.monotonic() - started < 0.04, "the entry waited for the lookup again"
    deadline = time.monotonic() + 0.2
    while len(asked) < 2 and time.monotonic() < deadline:  # the lookup again, beside the entry
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # past the first lifetime: the place found again serves
    await places.find(connection, "booth", booth.pk)
    assert asked == [("booth", booth.pk)] * 2


async def test_a_lookup_that_fails_fails_every_entry_waiting_and_the_next_one_asks_again(
    booth_lookups, monkeypatch
):
    connection, booth, _asked = booth_lookups
    failing = threading.Event()
    real = registry.presence_places.find

    def broken_find(event, kind, place_id):
        if not failing.is_set():
            failing.set()
            time.sleep(0.05)
            raise RuntimeError("database away")
        return real(event, kind, place_id)

    monkeypatch.setattr(registry.presence_places, "find", broken_find)
    results = await asyncio.gather(
        *(places.find(connection, "booth", booth.pk) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(result, RuntimeError) for result in results)
    assert (await places.find(connection, "booth", booth.pk)).key == f"booth:{booth.pk}"


async def test_an_entry_whose_socket_goes_away_does_not_cancel_the_others_lookup(booth_lookups):
    connection, booth, asked = booth_lookups
    leaving = asyncio.ensure_future(places.find(connection, "booth", booth.pk))
    staying = asyncio.ensure_future(places.find(connection, "booth", booth.pk))
    await asyncio.sleep(0.01)
    leaving.cancel()
    assert (await staying).key == f"booth:{booth.pk}"
    assert asked == [("booth", booth.pk)]

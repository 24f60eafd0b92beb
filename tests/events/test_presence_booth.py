"""Booth presence transcripts: join/leave diffs, names only by choice, tabs, one booth at a time."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from events import registry
from events.enums import EventStatus
from events.live.presence import entries, ticker
from exhibits.models import BoothDailyStats
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import connect, fresh_presence, receive, request, skip_ticks  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async


async def _floor(slug: str):
    event = await make(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    return event, booth


@pytest.fixture
def manual_ticks(settings):
    """The tick is driven by hand: a transcript must not depend on when a tick happens to fall."""
    settings.PRESENCE_TICK_SECONDS = 3600


async def test_visible_visitor_entering_is_seen_by_name_by_the_one_already_there(manual_ticks):
    event, booth = await _floor("booth-names")
    ada = await make(AttendeeFactory)(event=event, display_name="Ada", visible_to_others=True)
    bo = await make(AttendeeFactory)(event=event, display_name="Bo", visible_to_others=True)
    first = await connect(ada.user, event.slug)
    reply = await request(first, 1, "booth.enter", booth=booth.pk)
    assert reply == {
        "id": 1,
        "type": "ok",
        "data": {
            "booth": booth.pk,
            "count": 1,
            "version": 1,
            "people": [{"person": ada.pk, "name": "Ada"}],
            "anonymous": 0,
            "next": None,
        },
    }
    second = await connect(bo.user, event.slug)
    reply = await request(second, 1, "booth.enter", booth=booth.pk)
    assert reply["data"]["people"] == [{"person": ada.pk, "name": "Ada"}, {"person": bo.pk, "name": "Bo"}]
    assert await receive(first) == {
        "type": "booth.joined",
        "data": {"booth": booth.pk, "count": 2, "version": 2, "person": bo.pk, "name": "Bo"},
    }
    assert await second.receive_nothing(timeout=0.1) is True  # no echo of one's own entry
    await second.disconnect()
    assert await receive(first) == {
        "type": "booth.left",
        "data": {"booth": booth.pk, "count": 1, "version": 3, "person": bo.pk, "name": "Bo"},
    }
    # The tick then confirms the state, with its version, to the sockets still there.
    await ticker.flush()
    assert await receive(first) == {
        "type": "booth.count",
        "data": {
            "booth": booth.pk,
            "count": 1,
            "version": 3,
            "anonymous": 0,
            "next": None,
            "people": [{"person": ada.pk, "name": "Ada"}],
        },
    }
    await first.disconnect()


async def test_invisible_visitor_is_counted_as_anonymous(manual_ticks):
    event, booth = await _floor("booth-anon")
    staff = (await make(StaffFactory)(exhibitor=booth.exhibitor)).user
    shy = await make(AttendeeFactory)(event=event, display_name="Shy", visible_to_others=False)
    crew = await connect(staff, event.slug)
    await request(crew, 1, "booth.enter", booth=booth.pk)
    visitor = await connect(shy.user, event.slug)
    reply = await request(visitor, 1, "booth.enter", booth=booth.pk)
    assert reply["data"] == {
        "booth": booth.pk,
        "count": 2,
        "version": 2,
        "people": [],
        "anonymous": 2,
        "next": None,
    }
    assert await receive(crew) == {
        "type": "booth.joined",
        "data": {"booth": booth.pk, "count": 2, "version": 2, "person": None, "name": None},
    }
    who = await request(crew, 2, "presence.who", booth=booth.pk)
    assert who["data"] == {
        "booth": booth.pk,
        "count": 2,
        "version": 2,
        "people": [],
        "anonymous": 2,
        "next": None,
    }
    await visitor.disconnect()
    await crew.disconnect()


async def test_second_tab_counts_once_and_closing_it_is_not_a_leave(manual_ticks):
    event, booth = await _floor("booth-tabs")
    watcher = await make(AttendeeFactory)(event=event)
    ada = await make(AttendeeFactory)(event=event, display_name="Ada", visible_to_others=True)
    watching = await connect(watcher.user, event.slug)
    await request(watching, 1, "booth.enter", booth=booth.pk)
    tab_one = await connect(ada.user, event.slug)
    tab_two = await connect(ada.user, event.slug)
    await request(tab_one, 1, "booth.enter", booth=booth.pk)
    assert (await receive(watching))["type"] == "booth.joined"
    reply = await request(tab_two, 1, "booth.enter", booth=booth.pk)
    assert reply["data"]["count"] == 2
    await tab_one.disconnect()
    assert await watching.receive_nothing(timeout=0.2) is True
    await tab_two.disconnect()
    assert await receive(watching) == {
        "type": "booth.left",
        "data": {"booth": booth.pk, "count": 1, "version": 3, "person": ada.pk, "name": "Ada"},
    }
    await watching.disconnect()


async def test_entering_another_booth_leaves_the_first(manual_ticks):
    event, booth = await _floor("booth-move")
    other = await make(BoothFactory)(event=event, hall=booth.hall)
    watcher = await make(AttendeeFactory)(event=event)
    mover = await make(AttendeeFactory)(event=event)
    watching = await connect(watcher.user, event.slug)
    await request(watching, 1, "booth.enter", booth=booth.pk)
    moving = await connect(mover.user, event.slug)
    await request(moving, 1, "booth.enter", booth=booth.pk)
    assert (await receive(watching))["data"]["count"] == 2
    reply = await request(moving, 2, "booth.enter", booth=other.pk)
    assert reply["data"]["count"] == 1
    assert await receive(watching) == {
        "type": "booth.left",
        "data": {"booth": booth.pk, "count": 1, "version": 3, "person": None, "name": None},
    }
    await request(moving, 3, "booth.leave")
    who = await request(watching, 2, "presence.who", booth=other.pk)
    assert who["data"]["count"] == 0
    await moving.disconnect()
    await watching.disconnect()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "presence.invalid"),
        ({"booth": "1"}, "presence.invalid"),
        ({"booth": 999999}, "presence.no_place"),
    ],
)
async def test_booth_enter_with_bad_booth_is_refused(data, code):
    event, _booth = await _floor(f"booth-bad-{code[9:]}-{len(data)}")
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    reply = await request(socket, 1, "booth.enter", **data)
    assert (reply["type"], reply["code"]) == ("error", code)
    await socket.disconnect()


async def test_booth_of_another_event_is_no_place():
    event, _booth = await _floor("booth-mine")
    _other_event, foreign = await _floor("booth-theirs")
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    reply = await request(socket, 1, "booth.enter", booth=foreign.pk)
    assert (reply["type"], reply["code"]) == ("error", "presence.no_place")
    await socket.disconnect()


async def _visits(booth) -> list[tuple[int, int]]:
    return await make(
        lambda: list(BoothDailyStats.objects.filter(booth=booth).values_list("visits", "unique_visitors"))
    )()


async def test_entering_a_booth_counts_a_visit_in_the_next_batch_not_on_the_join_path(settings, monkeypatch):
    # No batch falls due while the three enter, however slow the machine is; then one does.
    settings.PRESENCE_ENTRY_FLUSH_SECONDS = 3600
    monkeypatch.setattr(entries, "_last_flush", time.monotonic())
    event, booth = await _floor("booth-visit")
    visitors = [await make(AttendeeFactory)(event=event) for _ in range(3)]
    sockets = [await connect(visitor.user, event.slug) for visitor in visitors]
    for number, socket in enumerate(sockets, start=1):
        await request(socket, number, "booth.enter", booth=booth.pk)
    assert await _visits(booth) == []  # entering did not wait for the database
    assert entries.pending() == 3

    settings.PRESENCE_ENTRY_FLUSH_SECONDS = 0
    for _ in range(100):  # the tick writes the batch once it is due (one visit at a time)
        await asyncio.sleep(0.05)
        if await _visits(booth) == [(3, 3)]:
            break
    assert await _visits(booth) == [(3, 3)]
    assert entries.pending() == 0
    for socket in sockets:
        await socket.disconnect()


async def test_a_failing_listener_does_not_cost_the_others_their_batch(monkeypatch):
    event, booth = await _floor("booth-visit-fail")
    visitor = await make(AttendeeFactory)(event=event)
    seen: list[int] = []

    def broken(batch):
        raise RuntimeError("listener bug")

    monkeypatch.setattr(registry, "presence_listeners", [broken, *registry.presence_listeners, seen.append])
    monkeypatch.setattr(entries, "presence_listeners", registry.presence_listeners)
    socket = await connect(visitor.user, event.slug)
    await request(socket, 1, "booth.enter", booth=booth.pk)
    assert await entries.flush() == 1
    assert await _visits(booth) == [(1, 1)]
    assert len(seen) == 1 and seen[0][0].place_id == booth.pk
    await socket.disconnect()


async def test_hall_arrival_shows_the_booth_counts_already_there():
    event, booth = await _floor("hall-arrival")
    other = await make(BoothFactory)(event=event, hall=booth.hall)
    visitor, newcomer = [await make(AttendeeFactory)(event=event) for _ in range(2)]
    in_booth = await connect(visitor.user, event.slug)
    await request(in_booth, 1, "booth.enter", booth=booth.pk)
    in_hall = await connect(newcomer.user, event.slug)
    reply = await request(in_hall, 1, "hall.enter", hall=booth.hall_id)
    assert reply["data"] == {
        "hall": booth.hall_id,
        "count": 1,
        "version": 1,
        "booths": {str(booth.pk): 1},
        "versions": {str(booth.pk): 1},
    }
    assert str(other.pk) not in reply["data"]["booths"]  # empty booths are left out
    await in_booth.disconnect()
    await in_hall.disconnect()


async def test_a_booth_known_only_by_key_is_rebuilt_with_its_hall():
    _event, booth = await _floor("rebuild")
    place = await make(registry.presence_places.rebuild)("booth", booth.pk)
    assert place.parent == f"hall:{booth.hall_id}"
    assert (await make(registry.presence_places.rebuild)("booth", 999_999)).parent is None


# --- Places found are reused for a while (events.live.presence.places.PLACE_FOUND_SECONDS) ---------


async def test_a_second_entry_into_the_same_booth_asks_the_database_nothing(monkeypatch, manual_ticks):
    event, booth = await _floor("booth-found")
    asked = []
    find = registry.presence_places.find

    def counting_find(*args):
        asked.append(args[1:])
        return find(*args)

    monkeypatch.setattr(registry.presence_places, "find", counting_find)
    first = await connect((await make(AttendeeFactory)(event=event)).user, event.slug)
    second = await connect((await make(AttendeeFactory)(event=event)).user, event.slug)

    assert (await request(first, 1, "booth.enter", booth=booth.pk))["data"]["count"] == 1
    assert (await request(second, 1, "booth.enter", booth=booth.pk))["data"]["count"] == 2
    assert (await receive(first))["type"] == "booth.joined"
    assert (await request(first, 2, "booth.enter", booth=999999))["code"] == "presence.no_place"
    assert (await request(second, 2, "booth.enter", booth=999999))["code"] == "presence.no_place"

    # One lookup for the booth for both; a place that is not there is asked each time (a booth
    # made a moment later can be entered at once).
    assert asked == [("booth", booth.pk), ("booth", 999999), ("booth", 999999)]
    for socket in (first, second):
        await socket.disconnect()


async def test_a_deleted_booth_is_no_place_once_its_found_lifetime_is_over(monkeypatch, manual_ticks):
    from events.live.presence import places

    monkeypatch.setattr(places, "PLACE_FOUND_SECONDS", 0.2)
    event, booth = await _floor("booth-gone")
    socket = await connect((await make(AttendeeFactory)(event=event)).user, event.slug)
    assert (await request(socket, 1, "booth.enter", booth=booth.pk))["type"] == "ok"
    booth_id = booth.pk
    await make(booth.delete)()

    await asyncio.sleep(0.3)
    await skip_ticks(socket)  # a ticker started by an earlier test may still be ticking
    reply = await request(socket, 2, "booth.enter", booth=booth_id)

    assert (reply["type"], reply["code"], reply["message"]) == (
        "error",
        "presence.no_place",
        "There is no such place in this event; reload the page.",
    )
    await socket.disconnect()


async def test_a_booth_moved_to_another_hall_is_counted_in_the_new_hall_after_its_lifetime(
    monkeypatch, manual_ticks
):
    from events.live.presence import places
    from tests.factories import HallFactory

    monkeypatch.setattr(places, "PLACE_FOUND_SECONDS", 0.2)
    event, booth = await _floor("booth-moved")
    new_hall = await make(HallFactory)(event=event)
    socket = await connect((await make(AttendeeFactory)(event=event)).user, event.slug)
    assert (await request(socket, 1, "booth.enter", booth=booth.pk))["type"] == "ok"
    booth.hall = new_hall
    await make(booth.save)()

    await asyncio.sleep(0.3)
    await skip_ticks(socket)  # a ticker started by an earlier test may still be ticking
    await request(socket, 2, "lobby.enter")
    await skip_ticks(socket)
    assert (await request(socket, 3, "booth.enter", booth=booth.pk))["type"] == "ok"

    assert [(p.key, p.parent) for p in places.local_places() if p.kind == "booth"] == [
        (f"booth:{booth.pk}", f"hall:{new_hall.pk}")
    ]
    await socket.disconnect()

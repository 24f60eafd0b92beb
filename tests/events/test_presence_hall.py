"""Hall, lobby and session presence: counts coalesced into ticks, booth counts on hall pages."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus
from events.live.presence import places, ticker
from tests.factories import BoothFactory, EventFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import TICK, connect, fresh_presence, receive, request, skip_ticks  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async


async def test_three_arrivals_in_one_tick_send_one_hall_count(settings):
    # The tick is driven by hand here: a loaded machine must not split the arrivals over two ticks.
    settings.PRESENCE_TICK_SECONDS = 3600
    event = await make(EventFactory)(slug="hall-tick", status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    people = [await make(AttendeeFactory)(event=event) for _ in range(3)]
    sockets = [await connect(person.user, event.slug) for person in people]
    # Three people arrive one after another, faster than a tick.
    for number, socket in enumerate(sockets, start=1):
        reply = await request(socket, 1, "hall.enter", hall=booth.hall_id)
        assert reply["data"] == {
            "hall": booth.hall_id,
            "count": number,
            "version": number,
            "booths": {},
            "versions": {},
        }
    assert await sockets[0].receive_nothing(timeout=TICK) is True  # counts wait for the tick
    await ticker.flush()
    counts = [await receive(socket) for socket in sockets]
    counted = {"hall": booth.hall_id, "count": 3, "version": 3, "booths": {}, "versions": {}}
    assert counts == [{"type": "hall.count", "data": counted}] * 3
    await ticker.flush()
    assert await sockets[0].receive_nothing(timeout=TICK * 3) is True  # nothing changed: nothing sent
    for socket in sockets:
        await socket.disconnect()


async def test_booth_count_reaches_the_hall_page_in_the_next_tick():
    event = await make(EventFactory)(slug="hall-booths", status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    walker = await make(AttendeeFactory)(event=event)
    visitor = await make(AttendeeFactory)(event=event)
    on_hall_page = await connect(walker.user, event.slug)
    await request(on_hall_page, 1, "hall.enter", hall=booth.hall_id)
    assert (await receive(on_hall_page))["data"]["count"] == 1
    in_booth = await connect(visitor.user, event.slug)
    await request(in_booth, 1, "booth.enter", booth=booth.pk)
    assert await receive(on_hall_page) == {
        "type": "hall.count",
        "data": {
            "hall": booth.hall_id,
            "count": 1,
            "version": 1,
            "booths": {str(booth.pk): 1},
            "versions": {str(booth.pk): 1},
        },
    }
    await in_booth.disconnect()
    left = (await receive(on_hall_page))["data"]
    assert (left["booths"], left["versions"]) == ({str(booth.pk): 0}, {str(booth.pk): 2})
    await on_hall_page.disconnect()


async def test_lobby_and_session_counts_arrive_in_ticks():
    event = await make(EventFactory)(slug="lobby-tick", status=EventStatus.PUBLISHED)
    session = await make(SessionFactory)(event=event)
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    assert (await request(socket, 1, "lobby.enter"))["data"] == {"lobby": event.pk, "count": 1, "version": 1}
    assert await receive(socket) == {"type": "lobby.count", "data": {"count": 1, "version": 1}}
    assert (await request(socket, 2, "session.enter", session=session.pk))["data"] == {
        "session": session.pk,
        "count": 1,
        "version": 1,
    }
    assert await receive(socket) == {
        "type": "session.count",
        "data": {"session": session.pk, "count": 1, "version": 1},
    }
    await socket.disconnect()


async def test_hall_of_another_event_is_no_place():
    event = await make(EventFactory)(slug="hall-mine", status=EventStatus.PUBLISHED)
    foreign = await make(BoothFactory)()
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    reply = await request(socket, 1, "hall.enter", hall=foreign.hall_id)
    assert (reply["type"], reply["code"]) == ("error", "presence.no_place")
    await socket.disconnect()


async def test_silent_socket_is_removed_and_closed(settings):
    settings.PRESENCE_SILENT_SECONDS = 30
    event = await make(EventFactory)(slug="silent", status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    talker = await make(AttendeeFactory)(event=event)
    quiet = await make(AttendeeFactory)(event=event)
    talking = await connect(talker.user, event.slug)
    await request(talking, 1, "booth.enter", booth=booth.pk)
    silent = await connect(quiet.user, event.slug)
    await request(silent, 1, "booth.enter", booth=booth.pk)
    # The join as a diff, and the ticks' counts (which may come first), until all is quiet.
    heard = []
    while not await talking.receive_nothing(timeout=TICK * 4):
        heard.append((await receive(talking))["type"])
    assert sorted(set(heard)) == ["booth.count", "booth.joined"] and heard.count("booth.joined") == 1
    await skip_ticks(silent)
    # The quiet one last said something a minute ago: the next tick sweeps it out.
    for connection in places.local_connections():
        if connection.user.pk == quiet.user_id:
            connection.last_heard -= 60
    assert await silent.receive_output(timeout=1) == {"type": "websocket.close", "code": 4408}
    # The leave as a diff, and the tick's count (either may come first: one goes through the
    # channel layer, the other straight to the socket; the version orders them).
    frames = sorted([await receive(talking), await receive(talking)], key=lambda frame: frame["type"])
    assert frames == [
        {
            "type": "booth.count",
            "data": {"booth": booth.pk, "count": 1, "version": 3, "anonymous": 1, "next": None, "people": []},
        },
        {
            "type": "booth.left",
            "data": {"booth": booth.pk, "count": 1, "version": 3, "person": None, "name": None},
        },
    ]
    await talking.disconnect()

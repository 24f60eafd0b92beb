"""A booth crowd: above PRESENCE_BOOTH_CROWD people a booth hears counts per tick, not each join;
"who's here" is paged; every count carries a version; a lost push is corrected by the next tick."""

from __future__ import annotations

import asyncio

import pytest
from autobahn.exception import Disconnected
from channels.db import database_sync_to_async

from events.enums import EventStatus
from events.live.consumer import EventConsumer
from events.live.presence import places, ticker
from events.live.presence.store import MemoryStore
from tests.factories import BoothFactory, EventFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import connect, fresh_presence, receive, request  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async


@pytest.fixture
def small_crowd(settings):
    """Three is a crowd here; ticks are driven by hand so the transcript does not hang on timing."""
    settings.PRESENCE_BOOTH_CROWD = 2
    settings.PRESENCE_TICK_SECONDS = 3600


async def _drain(socket) -> None:
    """Read the pushes that came so far (their content is not what these tests are about)."""
    while not await socket.receive_nothing(timeout=0.05):
        await receive(socket)


async def _booth_with(slug: str, names: list[str]):
    event = await make(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    booth = await make(BoothFactory)(event=event)
    people = [await make(AttendeeFactory)(event=event, display_name=n, visible_to_others=True) for n in names]
    return event, booth, people


async def test_booth_above_the_crowd_size_hears_one_count_per_tick_not_each_join(small_crowd):
    event, booth, (ada, bo, cy) = await _booth_with("crowd-tick", ["Ada", "Bo", "Cy"])
    sockets = [await connect(person.user, event.slug) for person in (ada, bo, cy)]
    await request(sockets[0], 1, "booth.enter", booth=booth.pk)
    await request(sockets[1], 1, "booth.enter", booth=booth.pk)
    assert (await receive(sockets[0]))["type"] == "booth.joined"  # two: still a small booth
    reply = await request(sockets[2], 1, "booth.enter", booth=booth.pk)
    # The third makes a crowd: the first names and a count, the rest a page away.
    assert reply["data"] == {
        "booth": booth.pk,
        "count": 3,
        "version": 3,
        "people": [{"person": ada.pk, "name": "Ada"}, {"person": bo.pk, "name": "Bo"}],
        "anonymous": 0,
        "next": reply["data"]["next"],
    }
    assert isinstance(reply["data"]["next"], str)
    assert await sockets[0].receive_nothing(timeout=0.1) is True  # no per-person push in a crowd
    await ticker.flush()
    frames = [await receive(socket) for socket in sockets]
    assert (
        frames
        == [
            {
                "type": "booth.count",
                "data": {
                    "booth": booth.pk,
                    "count": 3,
                    "version": 3,
                    "anonymous": 0,
                    "next": reply["data"]["next"],
                    "people": [{"person": ada.pk, "name": "Ada"}, {"person": bo.pk, "name": "Bo"}],
                },
            }
        ]
        * 3
    )
    await ticker.flush()
    assert await sockets[0].receive_nothing(timeout=0.1) is True  # nothing moved: nothing sent
    for socket in sockets:
        await socket.disconnect()


async def test_who_is_here_is_paged_in_name_order(small_crowd):
    names = ["Eun", "Ada", "Dae", "Bo", "Cy"]
    event, booth, people = await _booth_with("crowd-pages", names)
    by_name = {person.display_name: person.pk for person in people}
    sockets = [await connect(person.user, event.slug) for person in people]
    for socket in sockets:
        await request(socket, 1, "booth.enter", booth=booth.pk)
    watcher = sockets[0]
    await _drain(watcher)
    pages, after, number = [], None, 10
    while True:
        reply = await request(watcher, number, "presence.who", booth=booth.pk, after=after)
        assert reply["type"] == "ok", reply
        pages.append([p["name"] for p in reply["data"]["people"]])
        assert (reply["data"]["count"], reply["data"]["version"], reply["data"]["anonymous"]) == (5, 5, 0)
        after, number = reply["data"]["next"], number + 1
        if after is None:
            break
    assert pages == [["Ada", "Bo"], ["Cy", "Dae"], ["Eun"]]
    last = await request(watcher, number, "presence.who", booth=booth.pk, after=after)
    assert last["data"]["people"][0] == {"person": by_name["Ada"], "name": "Ada"}  # no after: from the top
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"limit": 0}, "Ask for between 1 and 2 names at a time."),
        ({"limit": 3}, "Ask for between 1 and 2 names at a time."),
        ({"limit": "2"}, "Ask for between 1 and 2 names at a time."),
        ({"after": 5}, "Ask for the next page with the “next” of the page before."),
        ({"after": "x" * 401}, "Ask for the next page with the “next” of the page before."),
    ],
)
async def test_presence_who_refuses_a_bad_page_request_and_says_how(small_crowd, data, message):
    event, booth, (ada,) = await _booth_with(f"crowd-bad-{len(str(data))}", ["Ada"])
    socket = await connect(ada.user, event.slug)
    await request(socket, 1, "booth.enter", booth=booth.pk)
    reply = await request(socket, 2, "presence.who", booth=booth.pk, **data)
    assert (reply["type"], reply["code"], reply["message"]) == ("error", "presence.invalid", message)
    # Nothing lost: the booth is as it was, and a good request still answers.
    again = await request(socket, 3, "presence.who", booth=booth.pk, limit=1)
    assert again["data"]["people"] == [{"person": ada.pk, "name": "Ada"}]
    await socket.disconnect()


async def test_the_event_team_may_ask_for_longer_pages(small_crowd, settings):
    settings.PRESENCE_WHO_PAGE_TEAM = 4
    names = ["Ada", "Bo", "Cy", "Dae"]
    event, booth, people = await _booth_with("crowd-team", names)
    sockets = [await connect(person.user, event.slug) for person in people]
    for socket in sockets:
        await request(socket, 1, "booth.enter", booth=booth.pk)
    organiser = next(c for c in places.local_connections() if c.user.pk == people[0].user_id)
    organiser.is_team = True  # as for an organiser (worked out at connect)
    await _drain(sockets[0])
    await _drain(sockets[1])
    reply = await request(sockets[0], 2, "presence.who", booth=booth.pk, limit=4)
    assert [p["name"] for p in reply["data"]["people"]] == names
    assert reply["data"]["next"] is None
    visitor = await request(sockets[1], 2, "presence.who", booth=booth.pk, limit=4)
    assert (visitor["type"], visitor["code"]) == ("error", "presence.invalid")
    for socket in sockets:
        await socket.disconnect()


async def test_a_lost_booth_push_is_corrected_by_the_next_tick(small_crowd, monkeypatch):
    event, booth, (ada, bo) = await _booth_with("crowd-lost", ["Ada", "Bo"])
    watching = await connect(ada.user, event.slug)
    await request(watching, 1, "booth.enter", booth=booth.pk)
    await ticker.flush()
    assert (await receive(watching))["data"]["count"] == 1

    async def lost(*args, **kwargs):  # as a full channel-layer inbox drops a group message
        return None

    monkeypatch.setattr(places, "push_to_group", lost)
    arriving = await connect(bo.user, event.slug)
    await request(arriving, 1, "booth.enter", booth=booth.pk)
    assert await watching.receive_nothing(timeout=0.1) is True  # the join never came
    await ticker.flush()
    assert await receive(watching) == {
        "type": "booth.count",
        "data": {
            "booth": booth.pk,
            "count": 2,
            "version": 2,
            "anonymous": 0,
            "next": None,
            "people": [{"person": ada.pk, "name": "Ada"}, {"person": bo.pk, "name": "Bo"}],
        },
    }
    await arriving.disconnect()
    await watching.disconnect()


async def test_counts_carry_versions_that_never_go_backwards(settings):
    """Many arrive and leave at once: every count seen comes with a version, and the counts in
    version order are each one step from the last (no stale figure can pass for a new one)."""
    settings.PRESENCE_TICK_SECONDS = 3600
    event, booth, people = await _booth_with("crowd-versions", [f"V{n}" for n in range(6)])
    watching = await connect(people[0].user, event.slug)
    await request(watching, 1, "booth.enter", booth=booth.pk)
    others = [await connect(person.user, event.slug) for person in people[1:]]
    await asyncio.gather(*(request(s, 1, "booth.enter", booth=booth.pk) for s in others))
    await asyncio.gather(*(s.disconnect() for s in others[:3]))
    seen = {}
    while not await watching.receive_nothing(timeout=0.2):
        frame = await receive(watching)
        seen[frame["data"]["version"]] = frame["data"]["count"]
    assert sorted(seen) == list(range(2, 10))  # 5 arrivals and 3 leaves after the watcher's own
    counts = [seen[version] for version in sorted(seen)]
    assert counts == [2, 3, 4, 5, 6, 5, 4, 3]
    await ticker.flush()
    assert (await receive(watching))["data"] | {"people": None} == {
        "booth": booth.pk,
        "count": 3,
        "version": 9,
        "anonymous": 0,
        "next": None,
        "people": None,
    }
    for socket in [watching, *others[3:]]:
        await socket.disconnect()


async def test_store_versions_order_the_counts_under_concurrency():
    store = MemoryStore()

    async def visit(user: int) -> list[tuple[int, object]]:
        joined = await store.join("booth:1", f"c{user}", user, {"person": user, "name": f"P{user}"})
        await asyncio.sleep(0)
        if user % 2:
            return [(1, joined), (-1, await store.part("booth:1", f"c{user}", user))]
        return [(1, joined)]

    changes = [step for steps in await asyncio.gather(*(visit(u) for u in range(40))) for step in steps]
    in_order = sorted(changes, key=lambda step: step[1].version)
    assert [change.version for _step, change in in_order] == list(range(1, 61))
    running = []
    for step, _change in in_order:  # replayed in version order, each change shows its own count
        running.append((running[-1] if running else 0) + step)
    assert [change.count for _step, change in in_order] == running
    assert running[-1] == 20


async def test_hall_view_hears_a_booth_emptied_with_no_push_at_all(settings):
    """The booth's leaves were announced by nobody (a push lost, or sent by a process that died):
    the hall page still sees the booth empty on the next tick, from the store."""
    settings.PRESENCE_TICK_SECONDS = 3600
    event, booth, (ada,) = await _booth_with("crowd-hall-quiet", ["Ada"])
    on_hall_page = await connect(ada.user, event.slug)
    await request(on_hall_page, 1, "hall.enter", hall=booth.hall_id)
    await ticker.flush()
    await receive(on_hall_page)
    store = places.get_store()
    for n in range(3):  # another process's visitors, straight into the shared store
        await store.add(f"booth:{booth.pk}", f"elsewhere-{n}", 10_000 + n, {"person": None, "name": None})
    await ticker.flush()
    assert (await receive(on_hall_page))["data"]["booths"] == {str(booth.pk): 3}
    for n in range(3):
        await store.remove(f"booth:{booth.pk}", f"elsewhere-{n}", 10_000 + n)
    await ticker.flush()
    assert await receive(on_hall_page) == {
        "type": "hall.count",
        "data": {
            "hall": booth.hall_id,
            "count": 1,
            "version": 1,
            "booths": {str(booth.pk): 0},
            "versions": {str(booth.pk): 6},
        },
    }
    await on_hall_page.disconnect()


async def test_a_push_to_a_closed_socket_is_dropped_quietly():
    consumer = EventConsumer()
    consumer.channel_name = "closed-socket"

    async def closed(message):  # daphne's send on a protocol the browser already closed
        raise Disconnected("Attempt to send on a closed protocol")

    consumer.base_send = closed
    assert await consumer.push("booth.count", {"booth": 1, "count": 0, "version": 2}) is None


async def test_a_crowds_frames_do_not_each_wait_for_the_database_thread(monkeypatch, small_crowd):
    # Channels hops to the one thread the handlers share for the database on every message, only
    # to close old connections; a thousand booth.enter frames then queued behind each other and
    # behind every query there. Handlers that use the database clean up in their own hop.
    import channels.consumer

    hops = []

    async def counting_hop():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting_hop)
    event, booth, _people = await _booth_with("crowd-hops", ["Ada"])
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    for n in range(5):
        assert (await request(socket, n + 1, "ping"))["type"] == "ok"
    assert (await request(socket, 6, "booth.enter", booth=booth.pk))["data"]["count"] == 1

    assert hops == []
    await socket.disconnect()


async def test_idle_sockets_share_their_permissions_and_keep_no_limiter_dicts(small_crowd):
    event, _booth, (ada, bo) = await _booth_with("crowd-idle", ["Ada", "Bo"])
    sockets = [await connect(person.user, event.slug) for person in (ada, bo)]
    assert (await request(sockets[0], 1, "ping"))["type"] == "ok"
    assert (await request(sockets[1], 1, "ping"))["type"] == "ok"
    # Only this test's sockets: another test's may linger in this process until its loop ends.
    mine = [c for c in places.local_connections() if c.event.pk == event.pk]
    first, second = sorted(mine, key=lambda c: c.attendee.pk)

    # Two visitors with the same rights: one dict of permissions between them, not one each.
    assert first.granted is second.granted
    assert first.granted == second.granted
    assert hasattr(first.limiter, "__dict__") is False
    assert hasattr(first.limiter.bucket, "__dict__") is False
    for socket in sockets:
        await socket.disconnect()


async def test_a_permission_asked_later_stays_with_the_socket_that_asked(small_crowd):
    event, _booth, (ada, bo) = await _booth_with("crowd-late-perm", ["Ada", "Bo"])
    sockets = [await connect(person.user, event.slug) for person in (ada, bo)]
    assert (await request(sockets[0], 1, "ping"))["type"] == "ok"
    assert (await request(sockets[1], 1, "ping"))["type"] == "ok"
    # Only this test's sockets: another test's may linger in this process until its loop ends.
    mine = [c for c in places.local_connections() if c.event.pk == event.pk]
    first, second = sorted(mine, key=lambda c: c.attendee.pk)
    shared = dict(first.granted)

    assert await first._may("events.view_event_analytics_probe") is False

    assert first.granted == {**shared, "events.view_event_analytics_probe": False}
    assert second.granted == shared  # the dict they shared was not changed under the other
    for socket in sockets:
        await socket.disconnect()

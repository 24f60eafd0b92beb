"""How many follow a booth's presentation (exhibits/services/presentation_followers.py), as socket
transcripts: the booth's staff are told the count in their doc.follow reply and by doc.followers
pushes with a rising version; a person counts once whatever their tabs do; staff are not counted;
nobody else hears the count. With REDIS_URL, a dead process's followers are swept."""

from __future__ import annotations

import os
import uuid

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from events.enums import EventStatus
from events.live.presence import ticker
from events.live.presence.store import MemoryStore, RedisStore
from exhibits.services import presentation_followers
from tests.events.presence_helpers import connect, fresh_presence, receive, request  # noqa: F401
from tests.events.test_presence_store import _forget_keys
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(autouse=True)
def fresh_tally():
    cache.clear()
    presentation_followers.use_tally(MemoryStore())
    yield
    presentation_followers.use_tally(None)
    cache.clear()


def _make_expo(slug: str):
    event = EventFactory(slug=slug, status=EventStatus.PUBLISHED)
    booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    colleague = StaffFactory(exhibitor=booth.exhibitor).user
    elsewhere = StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user
    visitor = AttendeeFactory(event=event).user
    other = AttendeeFactory(event=event).user
    return event, booth, staff, colleague, elsewhere, visitor, other


_expo = database_sync_to_async(_make_expo)


async def _quiet(communicator) -> bool:
    return await communicator.receive_nothing(timeout=0.2)


def _followers(booth, count: int, version: int) -> dict:
    return {"type": "doc.followers", "data": {"booth": booth.pk, "count": count, "version": version}}


async def test_staff_are_told_each_person_who_follows_and_leaves():
    event, booth, staff, _colleague, _elsewhere, visitor, other = await _expo("followers-count")
    desk = await connect(staff, event.slug)
    reply = await request(desk, 1, "doc.follow", booth=booth.pk)
    assert reply == {
        "id": 1,
        "type": "ok",
        "data": {
            "booth": booth.pk,
            "presenting": None,
            "followers": {"booth": booth.pk, "count": 0, "version": 0},
        },
    }
    first = await connect(visitor, event.slug)
    second = await connect(other, event.slug)

    assert (await request(first, 1, "doc.follow", booth=booth.pk))["data"] == {
        "booth": booth.pk,
        "presenting": None,
    }
    assert await receive(desk) == _followers(booth, 1, 1)
    await request(second, 1, "doc.follow", booth=booth.pk)
    assert await receive(desk) == _followers(booth, 2, 2)
    assert await request(first, 2, "doc.unfollow", booth=booth.pk) == {"id": 2, "type": "ok", "data": {}}
    assert await receive(desk) == _followers(booth, 1, 3)
    await second.disconnect()  # closing the tab uncounts it too
    assert await receive(desk) == _followers(booth, 0, 4)
    assert await _quiet(desk) is True
    await first.disconnect()
    await desk.disconnect()


async def test_a_person_counts_once_however_many_tabs_and_follows():
    event, booth, staff, _colleague, _elsewhere, visitor, _other = await _expo("followers-tabs")
    desk = await connect(staff, event.slug)
    await request(desk, 1, "doc.follow", booth=booth.pk)
    tab, another_tab = await connect(visitor, event.slug), await connect(visitor, event.slug)

    await request(tab, 1, "doc.follow", booth=booth.pk)
    assert await receive(desk) == _followers(booth, 1, 1)
    await request(tab, 2, "doc.follow", booth=booth.pk)  # the same socket again: still one
    await request(another_tab, 1, "doc.follow", booth=booth.pk)
    await request(tab, 3, "doc.unfollow", booth=booth.pk)  # the other tab still follows
    assert await _quiet(desk) is True
    assert await presentation_followers.followers_of(f"booth:{booth.pk}") == {
        "booth": booth.pk,
        "count": 1,
        "version": 1,
    }

    await another_tab.disconnect()
    assert await receive(desk) == _followers(booth, 0, 2)
    await tab.disconnect()
    await desk.disconnect()


async def test_the_booths_staff_are_not_counted_but_another_booths_staff_are():
    event, booth, staff, colleague, elsewhere, _visitor, _other = await _expo("followers-staff")
    desk = await connect(staff, event.slug)
    await request(desk, 1, "doc.follow", booth=booth.pk)
    second_desk = await connect(colleague, event.slug)

    reply = await request(second_desk, 1, "doc.follow", booth=booth.pk)

    assert reply["data"]["followers"] == {"booth": booth.pk, "count": 0, "version": 0}
    assert await _quiet(desk) is True
    stranger = await connect(elsewhere, event.slug)
    reply = await request(stranger, 1, "doc.follow", booth=booth.pk)
    assert "followers" not in reply["data"]
    assert await receive(desk) == _followers(booth, 1, 1)
    assert await receive(second_desk) == _followers(booth, 1, 1)
    for communicator in (desk, second_desk, stranger):
        await communicator.disconnect()


async def test_visitors_never_hear_the_count():
    event, booth, _staff, _colleague, elsewhere, visitor, other = await _expo("followers-private")
    watcher = await connect(visitor, event.slug)
    await request(watcher, 1, "doc.follow", booth=booth.pk)
    stranger = await connect(elsewhere, event.slug)  # another exhibitor's staff
    await request(stranger, 1, "doc.follow", booth=booth.pk)
    newcomer = await connect(other, event.slug)

    await request(newcomer, 1, "doc.follow", booth=booth.pk)
    await newcomer.disconnect()

    assert await _quiet(watcher) is True
    assert await _quiet(stranger) is True
    await watcher.disconnect()
    await stranger.disconnect()


@pytest.mark.parametrize("booth", ["12", None, True, -1])
async def test_unfollowing_with_a_bad_booth_changes_no_count(booth):
    event, real, staff, _colleague, _elsewhere, visitor, _other = await _expo(
        f"followers-bad-{uuid.uuid4().hex[:6]}"
    )
    desk = await connect(staff, event.slug)
    await request(desk, 1, "doc.follow", booth=real.pk)
    follower = await connect(visitor, event.slug)
    await request(follower, 1, "doc.follow", booth=real.pk)
    assert await receive(desk) == _followers(real, 1, 1)

    reply = await request(follower, 2, "doc.unfollow", booth=booth)

    assert reply == {"id": 2, "type": "ok", "data": {}}
    assert await _quiet(desk) is True
    assert (await presentation_followers.followers_of(f"booth:{real.pk}"))["count"] == 1
    await follower.disconnect()
    await desk.disconnect()


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the sweep needs a running Redis")
async def test_followers_of_a_dead_process_are_swept_and_staff_told(settings):
    settings.PRESENCE_PROCESS_TTL_SECONDS = 1
    prefix = f"test-followers-{uuid.uuid4().hex}:"
    mine, dead = RedisStore(REDIS_URL, prefix=prefix), RedisStore(REDIS_URL, prefix=prefix)
    try:
        presentation_followers.use_tally(mine)
        event, booth, staff, _colleague, _elsewhere, visitor, other = await _expo("followers-swept")
        desk = await connect(staff, event.slug)
        await request(desk, 1, "doc.follow", booth=booth.pk)
        follower = await connect(visitor, event.slug)
        await request(follower, 1, "doc.follow", booth=booth.pk)
        assert await receive(desk) == _followers(booth, 1, 1)
        # Someone followed on another daphne process, which then died without a word.
        await dead.heartbeat()
        await dead.join(f"follow:{booth.pk}", "dead-socket", other.pk, {"person": None, "name": None})
        await dead._redis.delete(f"{prefix}alive:{dead.process_id}")

        # The presence tick's chore, as registered (a sync wrapper run in a worker thread).
        chore = next(chore for chore in ticker.chores if chore.name == "presentation followers")
        assert await database_sync_to_async(chore.run)() == 1

        assert await receive(desk) == _followers(booth, 1, 3)
        await follower.disconnect()
        await desk.disconnect()
    finally:
        await dead.close()
        presentation_followers.use_tally(None)
        await mine.close()
        _forget_keys(prefix)

"""The organiser's live dashboard on the socket: counts per place, pushed on the tick they change."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus, TeamRole
from tests.factories import BoothFactory, EventFactory, SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

from .presence_helpers import TICK, connect, fresh_presence, receive, request, skip_ticks  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]

make = database_sync_to_async


async def _event_with_team(slug: str):
    event = await make(EventFactory)(slug=slug, status=EventStatus.PUBLISHED)
    member = await make(TeamMemberFactory)(event=event, role=TeamRole.MODERATOR)
    return event, member.user


async def test_dashboard_watch_replies_with_counts_per_place():
    event, organiser = await _event_with_team("dash-empty")
    booth = await make(BoothFactory)(event=event)
    session = await make(SessionFactory)(event=event)
    dashboard = await connect(organiser, event.slug)
    reply = await request(dashboard, 1, "dashboard.watch")
    assert reply == {
        "id": 1,
        "type": "ok",
        "data": {
            "online": 0,
            "lobby": 0,
            "halls": {str(booth.hall_id): 0},
            "booths": {str(booth.pk): 0},
            "sessions": {str(session.pk): 0},
        },
    }
    await dashboard.disconnect()


async def test_dashboard_gets_new_counts_on_the_next_tick_after_an_entry():
    event, organiser = await _event_with_team("dash-tick")
    booth = await make(BoothFactory)(event=event)
    visitor = await make(AttendeeFactory)(event=event)
    walker = await make(AttendeeFactory)(event=event)
    dashboard = await connect(organiser, event.slug)
    await request(dashboard, 1, "dashboard.watch")

    in_booth = await connect(visitor.user, event.slug)
    await request(in_booth, 1, "booth.enter", booth=booth.pk)
    assert await receive(dashboard) == {
        "type": "dashboard.counts",
        "data": {
            "online": 1,
            "lobby": 0,
            "halls": {str(booth.hall_id): 1},
            "booths": {str(booth.pk): 1},
            "sessions": {},
        },
    }

    in_lobby = await connect(walker.user, event.slug)
    await request(in_lobby, 1, "lobby.enter")
    assert (await receive(dashboard))["data"]["online"] == 2
    assert await dashboard.receive_nothing(timeout=TICK * 3) is True  # nothing changed: no push

    await in_booth.disconnect()
    counts = (await receive(dashboard))["data"]
    assert (counts["online"], counts["booths"], counts["lobby"]) == (1, {str(booth.pk): 0}, 1)
    await in_lobby.disconnect()
    await dashboard.disconnect()


async def test_dashboard_hears_nothing_of_another_event():
    event, organiser = await _event_with_team("dash-mine")
    other_booth = await make(BoothFactory)(event=await make(EventFactory)(slug="dash-other"))
    visitor = await make(AttendeeFactory)(event=other_booth.event)
    dashboard = await connect(organiser, event.slug)
    await request(dashboard, 1, "dashboard.watch")
    elsewhere = await connect(visitor.user, other_booth.event.slug)
    await request(elsewhere, 1, "booth.enter", booth=other_booth.pk)
    assert await dashboard.receive_nothing(timeout=TICK * 4) is True
    await elsewhere.disconnect()
    await dashboard.disconnect()


async def test_attendee_cannot_watch_the_dashboard():
    event, _organiser = await _event_with_team("dash-refused")
    booth = await make(BoothFactory)(event=event)
    visitor = await make(AttendeeFactory)(event=event)
    socket = await connect(visitor.user, event.slug)
    reply = await request(socket, 1, "dashboard.watch")
    assert (reply["type"], reply["code"]) == ("error", "auth.forbidden")
    # Not in the dashboard group either: their own entry brings them no dashboard push.
    await request(socket, 2, "booth.enter", booth=booth.pk)
    # Only the booth's own count comes (its tick frame), nothing from the dashboards.
    assert [frame["type"] for frame in await skip_ticks(socket)] == ["booth.count"]
    await socket.disconnect()

"""The live connection handlers are handed (events/live/connection.py), typed: what the consumer
works out at connect is there under its own name, and nothing is left as a bare tuple."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from events.enums import EventStatus
from events.live.connection import Admission, LiveConnection
from events.live.consumer import EventConsumer, admit
from events.live.presence import places
from events.registry import PresencePlace
from tests.events.presence_helpers import connect, fresh_presence, request  # noqa: F401
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_presence")]


def _connection_of(user) -> EventConsumer:
    """This test's socket among this process's (another test's may linger in the same worker)."""
    (connection,) = [c for c in places.local_connections() if c.user.pk == user.pk]
    return connection


async def test_attendee_socket_is_a_live_connection_with_its_event_and_attendee():
    event = await database_sync_to_async(EventFactory)(slug="typed", status=EventStatus.PUBLISHED)
    attendee = await database_sync_to_async(AttendeeFactory)(event=event)
    communicator = await connect(attendee.user, "typed")
    connection = _connection_of(attendee.user)
    assert isinstance(connection, LiveConnection)
    assert (connection.event.pk, connection.user.pk, connection.attendee.pk) == (
        event.pk,
        attendee.user.pk,
        attendee.pk,
    )
    assert (connection.is_team, connection.place, connection.connection_id) == (
        False,
        None,
        connection.channel_name,
    )
    reply = await request(communicator, 1, "lobby.enter")
    assert reply["type"] == "ok", reply
    assert connection.place == PresencePlace("lobby", event.pk)
    await communicator.disconnect()


async def test_team_socket_has_no_attendee_and_is_team():
    event = await database_sync_to_async(EventFactory)(slug="typed-team", status=EventStatus.PUBLISHED)
    member = await database_sync_to_async(TeamMemberFactory)(event=event)
    communicator = await connect(member.user, "typed-team")
    connection = _connection_of(member.user)
    assert (connection.attendee, connection.is_team) == (None, True)
    await communicator.disconnect()


async def test_admit_names_what_it_found_for_an_unknown_event():
    user = await database_sync_to_async(UserFactory)()
    admission = await admit("no-such-event", user)
    assert admission == Admission(event=None, allowed=False, attendee=None, is_team=False, granted={})


async def test_admit_refuses_a_stranger_but_names_the_event():
    event = await database_sync_to_async(EventFactory)(slug="typed-closed", status=EventStatus.PUBLISHED)
    stranger = await database_sync_to_async(UserFactory)()
    admission = await admit("typed-closed", stranger)
    assert (admission.event.pk, admission.allowed, admission.attendee, admission.granted) == (
        event.pk,
        False,
        None,
        {},
    )


async def test_admit_works_out_the_handlers_permissions_once_for_an_attendee():
    event = await database_sync_to_async(EventFactory)(slug="typed-in", status=EventStatus.PUBLISHED)
    attendee = await database_sync_to_async(AttendeeFactory)(event=event)
    admission = await admit("typed-in", attendee.user)
    assert (admission.allowed, admission.attendee.pk, admission.is_team) == (True, attendee.pk, False)
    assert (admission.granted["events.enter_event"], admission.granted["events.manage_event"]) == (
        True,
        False,
    )

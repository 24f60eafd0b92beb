"""Nobody has two overlapping confirmed meetings with other visitors, even when the answers come
at once: accepting locks both people's rows (exhibits/services/visitor_meetings.py).

Needs PostgreSQL (run with DATABASE_URL=postgres://...): SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.utils import timezone

from exhibits.models import AppointmentStatus, VisitorMeeting
from exhibits.services import visitor_meetings
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory

from .test_appointment_concurrency import needs_postgres, run_at_once

PEOPLE = 6
_busy = visitor_meetings._busy


def slow_busy(*args, **kwargs) -> bool:
    """The clash check, then a pause before the save: without the row locks every racer would
    pass the check before any of them saved, so the test fails if the locks go."""
    found = _busy(*args, **kwargs)
    time.sleep(0.05)
    return found


@pytest.fixture(autouse=True)
def wide_window():
    with mock.patch.object(visitor_meetings, "_busy", slow_busy):
        yield


def open_person(event):
    return AttendeeFactory(event=event, visible_to_others=True, open_to_meetings=True)


def same_time() -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)


def fresh(meeting: VisitorMeeting) -> VisitorMeeting:
    return VisitorMeeting.objects.select_related("event", "asker", "invitee").get(pk=meeting.pk)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_accepting_overlapping_meetings_at_once_gets_one():
    event = EventFactory()
    bob = open_person(event)
    askers = [open_person(event) for _ in range(PEOPLE)]
    meetings = [
        visitor_meetings.ask_for_meeting(
            event, bob.pk, starts_at=same_time(), length_minutes=30, by=asker.user
        )
        for asker in askers
    ]

    results = run_at_once(
        lambda number: visitor_meetings.accept_meeting(fresh(meetings[number]), by=bob.user), PEOPLE
    )

    assert results == ["appointment.busy"] * (PEOPLE - 1) + ["ok"]
    assert VisitorMeeting.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_the_same_askers_overlapping_meetings_at_once_confirm_one():
    event = EventFactory()
    ann = open_person(event)
    invitees = [open_person(event) for _ in range(PEOPLE)]
    meetings = [
        visitor_meetings.ask_for_meeting(
            event, invitee.pk, starts_at=same_time(), length_minutes=30, by=ann.user
        )
        for invitee in invitees
    ]

    results = run_at_once(
        lambda number: visitor_meetings.accept_meeting(fresh(meetings[number]), by=invitees[number].user),
        PEOPLE,
    )

    assert results == ["appointment.other_busy"] * (PEOPLE - 1) + ["ok"]
    assert VisitorMeeting.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 1


@pytest.mark.django_db
def test_accepting_one_after_another_confirms_one():
    """The same rule without concurrency, so SQLite runs check it too."""
    event = EventFactory()
    ann = open_person(event)
    bob, carl = open_person(event), open_person(event)
    first, second = (
        visitor_meetings.ask_for_meeting(event, who.pk, starts_at=same_time(), length_minutes=30, by=ann.user)
        for who in (bob, carl)
    )
    visitor_meetings.accept_meeting(fresh(first), by=bob.user)
    with pytest.raises(visitor_meetings.AppointmentError) as refused:
        visitor_meetings.accept_meeting(fresh(second), by=carl.user)
    assert refused.value.code == "appointment.other_busy"

"""Capacity and seats under concurrent registrations: never over-allocated.

The threaded tests need PostgreSQL (run with DATABASE_URL=postgres://...); SQLite serialises
writers anyway, so there the same rule is checked one registration after another.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from events.enums import PLACE_HOLDING_STATUSES, AttendeeStatus
from events.errors import RakwonError
from events.models import Attendee, Event
from events.services.institutions import create_institution, join_institution
from events.services.questions import get_registration_settings
from events.services.registration import register_individual
from tests.factories import EventFactory, UserFactory

THREADS = 20
PLACES = 5
ON_POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="real concurrency needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakwon",
)


def expo_with_capacity(capacity: int) -> Event:
    event = EventFactory()
    reg = get_registration_settings(event)  # settings and default questions exist before the rush
    reg.capacity = capacity
    reg.save()
    return event


def register(event_id: int, number: int) -> Attendee:
    return register_individual(
        Event.objects.get(pk=event_id),
        email=f"visitor{number}@example.org",
        answers={"name": f"Visitor {number}", "residence": "Seoul"},
        ip=f"10.1.0.{number}",
    ).attendee


def join(event_id: int, code: str, number: int) -> Attendee:
    return join_institution(
        Event.objects.get(pk=event_id), code=code, display_name=f"Member {number}", ip=f"10.2.0.{number}"
    )


def run_at_once(action, *args) -> list[str]:
    """Start THREADS callers together; each returns "ok" or its error code."""
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            barrier.wait()
            action(*args, number)
            outcome = "ok"
        except RakwonError as error:
            outcome = error.code
        finally:
            connections.close_all()  # each thread has its own connection: close it
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(results)


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_register_individual_concurrent_rush_never_exceeds_capacity():
    event = expo_with_capacity(PLACES)
    results = run_at_once(register, event.pk)
    assert results == ["ok"] * PLACES + ["registration.full"] * (THREADS - PLACES)
    # Each registration holds its place while its link waits to be clicked (double opt-in).
    held = Attendee.objects.filter(event=event, status__in=PLACE_HOLDING_STATUSES)
    assert held.count() == PLACES
    assert set(held.values_list("status", flat=True)) == {AttendeeStatus.UNCONFIRMED}


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_join_institution_concurrent_rush_never_exceeds_seats():
    event = EventFactory()
    institution, code = create_institution(event, name="KAIST", seats=PLACES, by=owner_of(event))
    results = run_at_once(join, event.pk, code)
    assert results == ["join.full"] * (THREADS - PLACES) + ["ok"] * PLACES
    assert Attendee.objects.filter(institution=institution).count() == PLACES


def owner_of(event: Event):
    from events.enums import TeamRole
    from events.models import EventTeamMember

    user = UserFactory()
    EventTeamMember.objects.create(event=event, user=user, role=TeamRole.OWNER)
    return user


# --- The same rules, one after another (any database) ------------------------------------------


@pytest.mark.django_db
def test_register_individual_one_after_another_stops_at_capacity():
    event = expo_with_capacity(PLACES)
    results = []
    for number in range(PLACES + 3):
        try:
            register(event.pk, number)
            results.append("ok")
        except RakwonError as error:
            results.append(error.code)
    assert results == ["ok"] * PLACES + ["registration.full"] * 3
    assert Attendee.objects.filter(event=event).count() == PLACES


@pytest.mark.django_db
def test_join_institution_one_after_another_stops_at_seats():
    event = EventFactory()
    _institution, code = create_institution(event, name="KAIST", seats=PLACES, by=owner_of(event))
    results = []
    for number in range(PLACES + 3):
        try:
            join(event.pk, code, number)
            results.append("ok")
        except RakwonError as error:
            results.append(error.code)
    assert results == ["ok"] * PLACES + ["join.full"] * 3
    assert Attendee.objects.filter(event=event).count() == PLACES

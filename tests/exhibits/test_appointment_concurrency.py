"""No double booking: many visitors ask for the same meeting time at once, exactly one gets it.

Needs PostgreSQL (run with DATABASE_URL=postgres://...): SQLite serialises writers anyway, so
there the same rule is checked one booking after another.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from events.errors import RakwonError
from exhibits.models import Appointment, MeetingSlot
from exhibits.services import appointments
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

THREADS = 12
ON_POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="real concurrency needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakwon_ci",
)


def a_slot_and_visitors():
    event = EventFactory()
    booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slot = appointments.publish_availability(
        booth, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff
    )[0]
    visitors = [AttendeeFactory(event=event) for _ in range(THREADS)]
    return slot, visitors, staff


def run_at_once(action, count: int) -> list[str]:
    """Start `count` callers together; each returns "ok" or its error code."""
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def worker(number: int) -> None:
        try:
            barrier.wait()
            action(number)
            outcome = "ok"
        except RakwonError as error:
            outcome = error.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(results)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_visitors_racing_for_one_time_get_it_once():
    slot, visitors, _staff = a_slot_and_visitors()

    def book(number: int) -> None:
        attendee = visitors[number]
        appointments.book_slot(
            MeetingSlot.objects.select_related("booth__event", "booth__exhibitor").get(pk=slot.pk),
            attendee,
            by=attendee.user,
        )

    results = run_at_once(book, THREADS)

    assert results == ["appointment.taken"] * (THREADS - 1) + ["ok"]
    assert Appointment.objects.filter(slot=slot).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_staff_publishing_overlapping_times_at_once_publish_once():
    slot, _visitors, staff = a_slot_and_visitors()
    booth = slot.booth
    day = timezone.localdate(timezone=booth.event.tz) + dt.timedelta(days=2)

    def publish(number: int) -> None:
        appointments.publish_availability(
            booth, day=day, start=dt.time(14), end=dt.time(15), length_minutes=30, by=staff
        )

    results = run_at_once(publish, 6)

    assert results == ["appointment.overlap"] * 5 + ["ok"]
    assert (
        MeetingSlot.objects.filter(booth=booth, starts_at__date__gte=day - dt.timedelta(days=1)).count() == 3
    )


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_meeting_in_one_slot():
    """The constraint under the service: even written past the service, a slot holds one."""
    from django.db import IntegrityError, transaction

    slot, visitors, _staff = a_slot_and_visitors()
    first = appointments.book_slot(slot, visitors[0], by=visitors[0].user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            booth=slot.booth,
            slot=slot,
            attendee=visitors[1],
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status="asked",
            asked_by="visitor",
        )
    assert list(Appointment.objects.values_list("pk", flat=True)) == [first.pk]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_visitor_booking_two_booths_at_the_same_time_at_once_gets_one():
    # Each booking locks its own slot, so only a lock on the person keeps them from holding two
    # meetings at one time (the same holds against a visitor meeting being accepted).
    event = EventFactory()
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    slots = []
    for _ in range(THREADS):
        booth = BoothFactory(event=event)
        staff = StaffFactory(exhibitor=booth.exhibitor).user
        slots += appointments.publish_availability(
            booth, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff
        )
    visitor = AttendeeFactory(event=event)

    def book(number: int) -> None:
        appointments.book_slot(
            MeetingSlot.objects.select_related("booth__event", "booth__exhibitor").get(pk=slots[number].pk),
            visitor,
            by=visitor.user,
        )

    results = run_at_once(book, THREADS)

    assert results.count("ok") == 1, results
    assert Appointment.objects.filter(attendee=visitor).count() == 1

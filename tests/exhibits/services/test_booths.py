"""Tests of exhibits.services.booths: unique numbers, no overlap, on the plan, in this event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus
from events.errors import EventClosed
from exhibits.models import Booth
from exhibits.services.booths import delete_booth, place_booth
from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)


def test_place_booth_new_booth_saved(event, hall, exhibitor_a):
    booth = place_booth(event, hall=hall, exhibitor=exhibitor_a, number="A-12", x=3, y=2, width=2, height=3)

    saved = Booth.objects.get(pk=booth.pk)
    assert (saved.event, saved.hall, saved.exhibitor, saved.number) == (
        event,
        hall,
        exhibitor_a,
        "A-12",
    )
    assert (saved.x, saved.y, saved.width, saved.height) == (3, 2, 2, 3)


def test_place_booth_move_existing_booth(event, hall, exhibitor_a):
    booth = BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1")

    place_booth(event, booth, x=6, y=4)

    booth.refresh_from_db()
    assert (booth.x, booth.y) == (6, 4)


def test_place_booth_duplicate_number_refused_and_nothing_saved(event, hall, exhibitor_a, exhibitor_b):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-12")

    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=hall, exhibitor=exhibitor_b, number="A-12", x=6, y=0)

    assert caught.value.messages == ["This booth number is already taken in this event."]
    assert list(Booth.objects.filter(event=event).values_list("exhibitor__name", flat=True)) == [
        "Alpha Systems"
    ]


def test_place_booth_overlap_refused_and_nothing_saved(event, hall, exhibitor_a, exhibitor_b):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=0, width=3, height=3)

    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=hall, exhibitor=exhibitor_b, number="B-1", x=2, y=2, width=2, height=2)

    assert caught.value.messages == [
        "This spot overlaps booth A-1 (Alpha Systems). Choose free cells on the plan."
    ]
    assert not Booth.objects.filter(number="B-1").exists()


def test_place_booth_touching_edges_is_not_an_overlap(event, hall, exhibitor_a, exhibitor_b):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=0, width=3, height=3)

    place_booth(event, hall=hall, exhibitor=exhibitor_b, number="B-1", x=3, y=0, width=2, height=3)

    assert Booth.objects.filter(event=event).count() == 2


def test_place_booth_moving_onto_another_booth_refused_and_not_moved(event, hall, exhibitor_a, exhibitor_b):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=0)
    mover = BoothFactory(event=event, hall=hall, exhibitor=exhibitor_b, number="B-1", x=6, y=0)

    with pytest.raises(ValidationError):
        place_booth(event, mover, x=1, y=1)

    mover.refresh_from_db()
    assert (mover.x, mover.y) == (6, 0)


def test_place_booth_off_the_right_edge_refused(event, hall, exhibitor_a):
    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=11, y=0, width=2, height=2)

    assert caught.value.message_dict == {
        "width": ["The booth runs off the right edge of the hall plan (12 cells wide)."]
    }
    assert Booth.objects.count() == 0


def test_place_booth_off_the_bottom_refused(event, hall, exhibitor_a):
    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=7, width=2, height=2)

    assert caught.value.message_dict == {
        "height": ["The booth runs off the bottom of the hall plan (8 cells deep)."]
    }
    assert Booth.objects.count() == 0


def test_place_booth_hall_of_another_event_refused(event, exhibitor_a):
    other_hall = HallFactory(event=EventFactory(slug="other"), name="Elsewhere")

    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=other_hall, exhibitor=exhibitor_a, number="A-1")

    assert caught.value.message_dict == {"hall": ["This hall belongs to another event."]}
    assert Booth.objects.count() == 0


def test_place_booth_hall_and_exhibitor_of_another_event_refused(event):
    other = EventFactory(slug="other")
    other_hall = HallFactory(event=other)
    other_exhibitor = ExhibitorFactory(event=other)

    with pytest.raises(ValidationError) as caught:
        place_booth(event, hall=other_hall, exhibitor=other_exhibitor, number="X-1")

    assert caught.value.message_dict == {
        "hall": ["This hall belongs to another event."],
        "exhibitor": ["This exhibitor belongs to another event."],
    }
    assert Booth.objects.count() == 0


def test_place_booth_closed_event_refused(event, hall, exhibitor_a):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed) as caught:
        place_booth(event, hall=hall, exhibitor=exhibitor_a, number="A-1")

    assert caught.value.message == "This event is closed; its booths can no longer change."
    assert Booth.objects.count() == 0


def test_delete_booth_deletes_it(booth_a):
    delete_booth(booth_a)

    assert not Booth.objects.filter(pk=booth_a.pk).exists()


def test_delete_booth_closed_event_refused(event, booth_a):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed):
        delete_booth(Booth.objects.get(pk=booth_a.pk))

    assert Booth.objects.filter(pk=booth_a.pk).exists()

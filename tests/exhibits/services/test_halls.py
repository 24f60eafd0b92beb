"""Tests of exhibits.services.halls: order of halls, reordering, refusing to orphan booths."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus
from events.errors import EventClosed, NotAllowed
from exhibits.errors import HallNotEmpty
from exhibits.models import Booth, Hall
from exhibits.services.halls import create_hall, delete_hall, move_hall
from tests.factories import BoothFactory, HallFactory

pytestmark = pytest.mark.django_db


def _order(event) -> list[str]:
    return list(Hall.objects.filter(event=event).order_by("position", "id").values_list("name", flat=True))


def test_create_hall_positions_follow_the_last_hall(event):
    first = create_hall(event, name="North")
    second = create_hall(event, name="South", plan_columns=20, plan_rows=10)

    assert (first.position, second.position) == (0, 1)
    assert (second.plan_columns, second.plan_rows) == (20, 10)
    assert _order(event) == ["North", "South"]


def test_create_hall_duplicate_name_refused_and_nothing_saved(event):
    create_hall(event, name="North")

    with pytest.raises(ValidationError) as caught:
        create_hall(event, name="North")

    assert caught.value.messages == ["Hall with this Event and Name already exists."]
    assert Hall.objects.filter(event=event).count() == 1


def test_create_hall_closed_event_refused(event):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed) as caught:
        create_hall(event, name="North")

    assert caught.value.message == "This event is closed; its halls can no longer change."
    assert Hall.objects.filter(event=event).count() == 0


def test_move_hall_up_swaps_with_the_previous_hall(event, owner):
    for name in ("A", "B", "C"):
        create_hall(event, name=name)

    move_hall(Hall.objects.get(event=event, name="C"), up=True, by=owner)

    assert _order(event) == ["A", "C", "B"]
    assert list(Hall.objects.filter(event=event).order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
    ]


def test_move_hall_down_swaps_with_the_next_hall(event, owner):
    for name in ("A", "B", "C"):
        create_hall(event, name=name)

    move_hall(Hall.objects.get(event=event, name="A"), up=False, by=owner)

    assert _order(event) == ["B", "A", "C"]


def test_move_hall_past_the_end_changes_nothing(event, owner):
    for name in ("A", "B"):
        create_hall(event, name=name)

    move_hall(Hall.objects.get(event=event, name="A"), up=True, by=owner)
    move_hall(Hall.objects.get(event=event, name="B"), up=False, by=owner)

    assert _order(event) == ["A", "B"]


def test_move_hall_by_someone_off_the_team_is_refused_and_nothing_moves(event, visitor):
    for name in ("A", "B"):
        create_hall(event, name=name)

    with pytest.raises(NotAllowed) as caught:
        move_hall(Hall.objects.get(event=event, name="B"), up=True, by=visitor)

    assert caught.value.message == "Only the event team can change its halls."
    assert _order(event) == ["A", "B"]


def test_delete_hall_with_booths_refused_and_nothing_deleted(event):
    hall = HallFactory(event=event, name="Main Hall")
    BoothFactory(event=event, hall=hall, number="A-1")
    BoothFactory(event=event, hall=hall, number="A-2", x=4)

    with pytest.raises(HallNotEmpty) as caught:
        delete_hall(hall)

    assert caught.value.message == (
        "“Main Hall” still has 2 booths. Move them to another hall or delete them first."
    )
    assert caught.value.code == "hall.not_empty"
    assert Hall.objects.filter(pk=hall.pk).exists()
    assert Booth.objects.filter(hall=hall).count() == 2


def test_delete_hall_with_one_booth_message_is_singular(event):
    hall = HallFactory(event=event, name="Main Hall")
    BoothFactory(event=event, hall=hall)

    with pytest.raises(HallNotEmpty) as caught:
        delete_hall(hall)

    assert caught.value.message == (
        "“Main Hall” still has 1 booth. Move it to another hall or delete it first."
    )


def test_delete_hall_empty_deletes_it(event):
    hall = HallFactory(event=event)

    delete_hall(hall)

    assert not Hall.objects.filter(pk=hall.pk).exists()

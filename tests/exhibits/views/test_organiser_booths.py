"""Tests of the organiser's booth pages (exhibits/views/organiser_booths.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import Booth
from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, HallFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo", **kwargs})


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)


def booth_data(hall, exhibitor, **overrides) -> dict:
    data = {
        "hall": hall.pk,
        "exhibitor": exhibitor.pk,
        "number": "A-12",
        "tagline_en": "Robots that sort parcels.",
        "x": 0,
        "y": 0,
        "width": 2,
        "height": 2,
    }
    data.update(overrides)
    return data


def test_booths_page_groups_booths_by_hall_with_plan(client, owner, event, hall, exhibitor_a, exhibitor_b):
    empty = HallFactory(event=event, name="Side Hall", position=hall.position + 1)
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_b, number="B-2", x=4, y=1, width=3, height=2)
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=0)
    client.force_login(owner)

    response = client.get(url("booths"))

    assert response.status_code == 200
    plans = response.context["plans"]
    assert [(plan.hall, [b.number for b in plan.booths]) for plan in plans] == [
        (hall, ["A-1", "B-2"]),
        (empty, []),
    ]
    assert plans[0].free_cells == 12 * 8 - 4 - 6
    page = response.content.decode()
    assert '<svg class="hall-plan" viewBox="0 0 12 8"' in page
    assert '<rect x="4" y="1" width="3" height="2" rx=".15"/>' in page
    assert "style=" not in page
    assert "Place a booth" in page


def test_booths_page_without_halls_explains_what_to_do(client, owner, event, exhibitor_a):
    client.force_login(owner)

    response = client.get(url("booths"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "To place a booth you need at least one hall and one exhibitor." in page
    assert "Place a booth</a>" not in page


def test_booth_create_page_lists_only_this_events_halls_and_exhibitors(
    client, owner, event, hall, exhibitor_a
):
    other = EventFactory(slug="other")
    HallFactory(event=other, name="Foreign Hall")
    ExhibitorFactory(event=other, name="Foreign Exhibitor")
    client.force_login(owner)

    response = client.get(url("booth_create"))

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.fields["hall"].queryset) == [hall]
    assert list(form.fields["exhibitor"].queryset) == [exhibitor_a]


def test_booth_create_places_the_booth(client, owner, event, hall, exhibitor_a):
    client.force_login(owner)

    response = client.post(url("booth_create"), booth_data(hall, exhibitor_a, x=3, y=4, width=3, height=2))

    assert response.status_code == 302
    assert response["Location"] == url("booths")
    booth = Booth.objects.get(event=event)
    assert (booth.hall, booth.exhibitor, booth.number, booth.tagline) == (
        hall,
        exhibitor_a,
        "A-12",
        "Robots that sort parcels.",
    )
    assert (booth.x, booth.y, booth.width, booth.height) == (3, 4, 3, 2)


def test_booth_create_duplicate_number_refused_inline_and_nothing_saved(
    client, owner, event, hall, exhibitor_a, exhibitor_b
):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-12")
    client.force_login(owner)

    response = client.post(url("booth_create"), booth_data(hall, exhibitor_b, x=6))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": ["Booth number A-12 is already taken in this event."]
    }
    assert Booth.objects.count() == 1


def test_booth_create_overlap_refused_inline_and_nothing_saved(
    client, owner, event, hall, exhibitor_a, exhibitor_b
):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=0, y=0, width=3, height=3)
    client.force_login(owner)

    response = client.post(url("booth_create"), booth_data(hall, exhibitor_b, number="B-1", x=2, y=2))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["This spot overlaps booth A-1 (Alpha Systems). Choose free cells on the plan."]
    }
    assert "This spot overlaps booth A-1 (Alpha Systems)." in response.content.decode()
    assert not Booth.objects.filter(number="B-1").exists()


def test_booth_create_off_the_plan_refused_inline(client, owner, event, hall, exhibitor_a):
    client.force_login(owner)

    response = client.post(url("booth_create"), booth_data(hall, exhibitor_a, x=11, y=7))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "width": ["The booth runs off the right edge of the hall plan (12 cells wide)."],
        "height": ["The booth runs off the bottom of the hall plan (8 cells deep)."],
    }
    assert Booth.objects.count() == 0


def test_booth_create_forged_hall_of_another_event_refused_inline(client, owner, event, hall, exhibitor_a):
    other = EventFactory(slug="other")
    foreign_hall = HallFactory(event=other)
    foreign_exhibitor = ExhibitorFactory(event=other)
    client.force_login(owner)

    response = client.post(url("booth_create"), booth_data(foreign_hall, foreign_exhibitor))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "hall": ["Choose one of this event's entries from the list."],
        "exhibitor": ["Choose one of this event's entries from the list."],
    }
    assert Booth.objects.count() == 0


def test_booth_create_missing_fields_refused_inline(client, owner, event, hall, exhibitor_a):
    client.force_login(owner)

    response = client.post(
        url("booth_create"), {"number": "", "x": "", "y": "0", "width": "0", "height": "2"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"hall", "exhibitor", "number", "x", "width"}
    assert Booth.objects.count() == 0


def test_booth_create_closed_event_403(client, owner, event, hall, exhibitor_a):
    close(event)
    client.force_login(owner)

    assert client.post(url("booth_create"), booth_data(hall, exhibitor_a)).status_code == 403
    assert Booth.objects.count() == 0


def test_booth_edit_moves_the_booth(client, owner, event, booth_a):
    client.force_login(owner)

    response = client.post(
        url("booth_edit", booth_id=booth_a.pk),
        booth_data(booth_a.hall, booth_a.exhibitor, number="A-1", x=5, y=3, width=1, height=1),
    )

    assert response.status_code == 302
    booth_a.refresh_from_db()
    assert (booth_a.number, booth_a.x, booth_a.y, booth_a.width, booth_a.height) == (
        "A-1",
        5,
        3,
        1,
        1,
    )


def test_booth_edit_overlap_refused_inline_and_not_moved(client, owner, event, booth_a, exhibitor_b):
    BoothFactory(event=event, hall=booth_a.hall, exhibitor=exhibitor_b, number="B-1", x=4, y=0)
    client.force_login(owner)

    response = client.post(
        url("booth_edit", booth_id=booth_a.pk),
        booth_data(booth_a.hall, booth_a.exhibitor, number="A-1", x=3),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["This spot overlaps booth B-1 (Beta Networks). Choose free cells on the plan."]
    }
    assert "Edit booth A-1" in response.content.decode()
    booth_a.refresh_from_db()
    assert booth_a.x == 0


def test_booth_edit_number_taken_refused_inline(client, owner, event, booth_a, exhibitor_b):
    BoothFactory(event=event, hall=booth_a.hall, exhibitor=exhibitor_b, number="B-1", x=4, y=0)
    client.force_login(owner)

    response = client.post(
        url("booth_edit", booth_id=booth_a.pk),
        booth_data(booth_a.hall, booth_a.exhibitor, number="B-1"),
    )

    assert response.context["form"].errors == {"number": ["Booth number B-1 is already taken in this event."]}
    booth_a.refresh_from_db()
    assert booth_a.number == "A-1"


def test_booth_edit_booth_of_another_event_404(client, owner, event):
    foreign = BoothFactory(event=EventFactory(slug="other"), number="X-1")
    client.force_login(owner)

    assert client.get(url("booth_edit", booth_id=foreign.pk)).status_code == 404
    assert client.post(url("booth_delete", booth_id=foreign.pk)).status_code == 404
    assert Booth.objects.filter(pk=foreign.pk).exists()


def test_booth_edit_staff_of_the_exhibitor_gets_404(client, event, booth_a, staff_a):
    client.force_login(staff_a)

    assert client.get(url("booth_edit", booth_id=booth_a.pk)).status_code == 404


def test_booth_delete_confirm_then_deleted(client, owner, event, booth_a):
    client.force_login(owner)

    assert client.get(url("booth_delete", booth_id=booth_a.pk)).status_code == 200
    response = client.post(url("booth_delete", booth_id=booth_a.pk), follow=True)

    assert response.redirect_chain == [(url("booths"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Booth A-1 deleted."]
    assert not Booth.objects.filter(pk=booth_a.pk).exists()


def test_booth_delete_closed_event_403(client, owner, event, booth_a):
    close(event)
    client.force_login(owner)

    assert client.post(url("booth_delete", booth_id=booth_a.pk)).status_code == 403
    assert Booth.objects.filter(pk=booth_a.pk).exists()

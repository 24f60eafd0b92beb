"""Tests of the organiser's hall pages (exhibits/views/organiser_halls.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import Hall
from tests.factories import BoothFactory, EventFactory, HallFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo", **kwargs})


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


def test_halls_page_lists_halls_in_order_with_booth_counts(client, owner, event):
    second = HallFactory(event=event, name="South", position=1)
    HallFactory(event=event, name="North", position=0)
    BoothFactory(event=event, hall=second, number="S-1")
    client.force_login(owner)

    response = client.get(url("halls"))

    assert response.status_code == 200
    assert [(hall.name, hall.booth_count) for hall in response.context["halls"]] == [
        ("North", 0),
        ("South", 1),
    ]
    page = response.content.decode()
    assert page.index("North") < page.index("South")
    assert "Add a hall" in page
    assert 'name="direction" value="up"' in page


def test_halls_page_anonymous_sent_to_log_in(client, event):
    response = client.get(url("halls"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_halls_page_someone_outside_the_team_gets_404(client, event, visitor):
    client.force_login(visitor)

    assert client.get(url("halls")).status_code == 404


def test_halls_page_closed_event_readable_without_change_buttons(client, owner, event):
    HallFactory(event=event, name="North")
    close(event)
    client.force_login(owner)

    response = client.get(url("halls"))

    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert "Add a hall" not in response.content.decode()


def test_hall_create_saves_at_the_end(client, owner, event):
    HallFactory(event=event, name="North", position=0)
    client.force_login(owner)

    response = client.post(
        url("hall_create"),
        {"name_en": "South", "description_en": "", "plan_columns": 20, "plan_rows": 10},
    )

    assert response.status_code == 302
    assert response["Location"] == url("halls")
    hall = Hall.objects.get(event=event, name="South")
    assert (hall.position, hall.plan_columns, hall.plan_rows) == (1, 20, 10)


def test_hall_create_page_shows_the_form(client, owner, event):
    client.force_login(owner)

    response = client.get(url("hall_create"))

    assert response.status_code == 200
    assert '<label for="id_name_en">Name in English' in response.content.decode()


def test_hall_create_duplicate_name_refused_inline_and_nothing_saved(client, owner, event):
    HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.post(url("hall_create"), {"name_en": "north", "plan_columns": 12, "plan_rows": 8})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name_en": ["This event already has a hall called “north”. Choose another name."]
    }
    assert Hall.objects.filter(event=event).count() == 1


def test_hall_create_plan_too_small_refused_inline(client, owner, event):
    client.force_login(owner)

    response = client.post(url("hall_create"), {"name_en": "Tiny", "plan_columns": 1, "plan_rows": 8})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "plan_columns": ["Ensure this value is greater than or equal to 2."]
    }
    assert Hall.objects.count() == 0


def test_hall_create_same_name_as_another_events_hall_allowed(client, owner, event):
    HallFactory(event=EventFactory(slug="other"), name="North")
    client.force_login(owner)

    response = client.post(url("hall_create"), {"name_en": "North", "plan_columns": 12, "plan_rows": 8})

    assert response.status_code == 302
    assert Hall.objects.filter(event=event, name="North").count() == 1


def test_hall_create_closed_event_403_and_nothing_saved(client, owner, event):
    close(event)
    client.force_login(owner)

    response = client.post(url("hall_create"), {"name_en": "North", "plan_columns": 12, "plan_rows": 8})

    assert response.status_code == 403
    assert Hall.objects.count() == 0


def test_hall_create_moderator_may_add(client, moderator, event):
    client.force_login(moderator)

    response = client.post(url("hall_create"), {"name_en": "North", "plan_columns": 12, "plan_rows": 8})

    assert response.status_code == 302
    assert Hall.objects.filter(event=event).count() == 1


def test_hall_edit_saves_changes(client, owner, event):
    hall = HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk),
        {"name_en": "North Hall", "description_en": "By the door.", "plan_columns": 30, "plan_rows": 12},
    )

    assert response.status_code == 302
    hall.refresh_from_db()
    assert (hall.name, hall.description, hall.plan_columns, hall.plan_rows) == (
        "North Hall",
        "By the door.",
        30,
        12,
    )


def test_hall_edit_keeping_its_own_name_allowed(client, owner, event):
    hall = HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk), {"name_en": "North", "plan_columns": 14, "plan_rows": 8}
    )

    assert response.status_code == 302


def test_hall_edit_name_of_another_hall_refused_inline(client, owner, event):
    HallFactory(event=event, name="South")
    hall = HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk), {"name_en": "South", "plan_columns": 12, "plan_rows": 8}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name_en": ["This event already has a hall called “South”. Choose another name."]
    }
    hall.refresh_from_db()
    assert hall.name == "North"


def test_hall_edit_shrinking_past_a_booth_refused_inline_naming_it(client, owner, event, exhibitor_a):
    hall = HallFactory(event=event, name="North", plan_columns=12, plan_rows=8)
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-12", x=8, y=5, width=2, height=2)
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk), {"name_en": "North", "plan_columns": 9, "plan_rows": 6}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "plan_columns": [
            "Booth A-12 (Alpha Systems) reaches column 10: make the plan at least 10 cells wide, "
            "or move the booth first."
        ],
        "plan_rows": [
            "Booth A-12 (Alpha Systems) reaches row 7: make the plan at least 7 cells deep, "
            "or move the booth first."
        ],
    }
    hall.refresh_from_db()
    assert (hall.plan_columns, hall.plan_rows) == (12, 8)


def test_hall_edit_shrinking_to_just_fit_the_booths_allowed(client, owner, event):
    hall = HallFactory(event=event, name="North", plan_columns=12, plan_rows=8)
    BoothFactory(event=event, hall=hall, x=8, y=5, width=2, height=2)
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk), {"name_en": "North", "plan_columns": 10, "plan_rows": 7}
    )

    assert response.status_code == 302
    hall.refresh_from_db()
    assert (hall.plan_columns, hall.plan_rows) == (10, 7)


def test_hall_edit_hall_of_another_event_404(client, owner, event):
    other_hall = HallFactory(event=EventFactory(slug="other"), name="Elsewhere")
    client.force_login(owner)

    assert client.get(url("hall_edit", hall_id=other_hall.pk)).status_code == 404
    response = client.post(
        url("hall_edit", hall_id=other_hall.pk),
        {"name_en": "Mine", "plan_columns": 12, "plan_rows": 8},
    )
    assert response.status_code == 404
    other_hall.refresh_from_db()
    assert other_hall.name == "Elsewhere"


def test_hall_edit_closed_event_403(client, owner, event):
    hall = HallFactory(event=event, name="North")
    close(event)
    client.force_login(owner)

    response = client.post(
        url("hall_edit", hall_id=hall.pk), {"name_en": "Renamed", "plan_columns": 12, "plan_rows": 8}
    )

    assert response.status_code == 403
    hall.refresh_from_db()
    assert hall.name == "North"


def test_hall_move_up_swaps_with_previous(client, owner, event):
    north = HallFactory(event=event, name="North", position=0)
    south = HallFactory(event=event, name="South", position=1)
    client.force_login(owner)

    response = client.post(url("hall_move", hall_id=south.pk), {"direction": "up"})

    assert response.status_code == 302
    assert response["Location"] == url("halls")
    north.refresh_from_db()
    south.refresh_from_db()
    assert (south.position, north.position) == (0, 1)


def test_hall_move_unknown_direction_refused_and_nothing_moved(client, owner, event):
    north = HallFactory(event=event, name="North", position=0)
    south = HallFactory(event=event, name="South", position=1)
    client.force_login(owner)

    response = client.post(url("hall_move", hall_id=north.pk), {"direction": "sideways"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Use the “Move up” or “Move down” button to reorder halls."
    ]
    assert list(Hall.objects.order_by("position").values_list("pk", flat=True)) == [
        north.pk,
        south.pk,
    ]


def test_hall_move_get_not_allowed(client, owner, event):
    hall = HallFactory(event=event)
    client.force_login(owner)

    assert client.get(url("hall_move", hall_id=hall.pk)).status_code == 405


def test_hall_move_closed_event_403(client, owner, event):
    HallFactory(event=event, name="North", position=0)
    south = HallFactory(event=event, name="South", position=1)
    close(event)
    client.force_login(owner)

    assert client.post(url("hall_move", hall_id=south.pk), {"direction": "up"}).status_code == 403
    south.refresh_from_db()
    assert south.position == 1


def test_hall_delete_confirm_page(client, owner, event):
    hall = HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.get(url("hall_delete", hall_id=hall.pk))

    assert response.status_code == 200
    assert "Delete hall North?" in response.content.decode()


def test_hall_delete_empty_hall_deleted(client, owner, event):
    hall = HallFactory(event=event, name="North")
    client.force_login(owner)

    response = client.post(url("hall_delete", hall_id=hall.pk), follow=True)

    assert response.redirect_chain == [(url("halls"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Hall “North” deleted."]
    assert not Hall.objects.filter(pk=hall.pk).exists()


def test_hall_delete_with_booths_refused_with_message_and_nothing_deleted(client, owner, event):
    hall = HallFactory(event=event, name="North")
    BoothFactory(event=event, hall=hall)
    client.force_login(owner)

    response = client.post(url("hall_delete", hall_id=hall.pk), follow=True)

    assert response.redirect_chain == [(url("halls"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "“North” still has 1 booth. Move it to another hall or delete it first."
    ]
    assert Hall.objects.filter(pk=hall.pk).exists()


def test_hall_delete_hall_of_another_event_404(client, owner, event):
    other_hall = HallFactory(event=EventFactory(slug="other"))
    client.force_login(owner)

    assert client.post(url("hall_delete", hall_id=other_hall.pk)).status_code == 404
    assert Hall.objects.filter(pk=other_hall.pk).exists()


def test_hall_pages_organiser_of_another_event_gets_404(client, event):
    stranger = UserFactory()
    other = EventFactory(slug="other")
    TeamMemberFactory(event=other, user=stranger)
    hall = HallFactory(event=event)
    client.force_login(stranger)

    assert client.get(url("halls")).status_code == 404
    assert client.get(url("hall_edit", hall_id=hall.pk)).status_code == 404

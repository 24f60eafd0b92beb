"""Tests of the exhibitor staff pages (exhibits/views/exhibitor.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import EventStatus
from exhibits.models import Exhibitor
from tests.factories import EventFactory, ExhibitorFactory, StaffFactory, png_upload

pytestmark = pytest.mark.django_db


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


def profile_data(**overrides) -> dict:
    data = {
        "description": "We build routers.",
        "website": "https://alpha.example.org",
        "contact_email": "hello@alpha.example.org",
    }
    data.update(overrides)
    # The description has a box per event language; English is the first one here.
    return {(f"{key}_en" if key == "description" else key): value for key, value in data.items()}


def test_home_anonymous_sent_to_log_in(client):
    response = client.get(reverse("exhibitor:home"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_lists_my_exhibitors_across_events_with_booths(client, staff_a, booth_a, exhibitor_b):
    elsewhere = ExhibitorFactory(event=EventFactory(slug="other", name="Other Fair"), name="Alpha Abroad")
    StaffFactory(exhibitor=elsewhere, user=staff_a)
    client.force_login(staff_a)

    response = client.get(reverse("exhibitor:home"))

    assert response.status_code == 200
    assert sorted(each.name for each in response.context["exhibitors"]) == [
        "Alpha Abroad",
        "Alpha Systems",
    ]
    page = response.content.decode()
    assert "Beta Networks" not in page
    edit_url = reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": booth_a.exhibitor_id})
    assert f'href="{edit_url}"' in page
    assert f'href="{reverse("exhibitor:booth_editor", kwargs={"booth_id": booth_a.pk})}"' in page


def test_home_without_exhibitors_explains_invitations(client, visitor):
    client.force_login(visitor)

    response = client.get(reverse("exhibitor:home"))

    assert response.status_code == 200
    assert list(response.context["exhibitors"]) == []
    assert "An event's organiser invites exhibitor staff by e-mail." in response.content.decode()


def test_home_closed_event_shows_no_edit_links(client, event, staff_a, booth_a):
    close(event)
    client.force_login(staff_a)

    response = client.get(reverse("exhibitor:home"))

    page = response.content.decode()
    assert reverse("exhibitor:booth_editor", kwargs={"booth_id": booth_a.pk}) not in page
    assert "This event is closed and can no longer be changed." in page


def test_exhibitor_edit_staff_saves_profile(client, staff_a, exhibitor_a):
    client.force_login(staff_a)
    url = reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, profile_data(logo=png_upload()))

    assert response.status_code == 302
    assert response["Location"] == reverse("exhibitor:home")
    exhibitor_a.refresh_from_db()
    assert (exhibitor_a.description, exhibitor_a.website, exhibitor_a.contact_email) == (
        "We build routers.",
        "https://alpha.example.org",
        "hello@alpha.example.org",
    )
    assert exhibitor_a.logo.name.startswith("exhibitors/logos/logo")


def test_exhibitor_edit_cannot_change_the_name(client, staff_a, exhibitor_a):
    client.force_login(staff_a)

    client.post(
        reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}),
        profile_data(name="Renamed By Staff"),
    )

    exhibitor_a.refresh_from_db()
    assert exhibitor_a.name == "Alpha Systems"


def test_exhibitor_edit_bad_input_refused_inline_and_nothing_saved(client, staff_a, exhibitor_a):
    client.force_login(staff_a)

    response = client.post(
        reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}),
        profile_data(description="Changed", contact_email="not-an-address"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"contact_email": ["Enter a valid email address."]}
    exhibitor_a.refresh_from_db()
    assert exhibitor_a.description == "We make things."


def test_exhibitor_edit_event_team_may_edit(client, owner, exhibitor_a):
    client.force_login(owner)

    response = client.post(
        reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}), profile_data()
    )

    assert response.status_code == 302


def test_exhibitor_edit_staff_of_another_exhibitor_gets_404(client, staff_a, exhibitor_b):
    client.force_login(staff_a)
    url = reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_b.pk})

    assert client.get(url).status_code == 404
    assert client.post(url, profile_data()).status_code == 404
    exhibitor_b.refresh_from_db()
    assert exhibitor_b.description == "We make things."


def test_exhibitor_edit_someone_without_a_role_gets_404(client, visitor, exhibitor_a):
    client.force_login(visitor)

    response = client.get(reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}))

    assert response.status_code == 404


def test_exhibitor_edit_unknown_exhibitor_404(client, staff_a):
    client.force_login(staff_a)

    assert client.get(reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": 999999})).status_code == 404


def test_exhibitor_edit_anonymous_sent_to_log_in(client, exhibitor_a):
    response = client.get(reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_exhibitor_edit_closed_event_403_and_nothing_saved(client, event, staff_a, exhibitor_a):
    close(event)
    client.force_login(staff_a)
    url = reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk})

    assert client.get(url).status_code == 403
    assert client.post(url, profile_data()).status_code == 403
    assert Exhibitor.objects.get(pk=exhibitor_a.pk).description == "We make things."

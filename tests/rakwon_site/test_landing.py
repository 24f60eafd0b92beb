"""After logging in, each person lands on the pages of what they do here, and the site header
offers only the back offices they have: a visitor is not sent to "Create an event"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import AttendeeStatus
from tests.factories import PASSWORD, EventFactory, StaffFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def _log_in(client, user, **query):
    response = client.post(
        reverse("accounts:login") + ("?next=" + query["next"] if query else ""),
        {"username": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302, response.content[:400]
    return response["Location"]


def _header_links(client) -> set[str]:
    page = client.get(reverse("public:home")).content.decode()
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return {name for name in ("Organiser", "Exhibitor", "Log out") if f">{name}<" in header}


def _visitor_with_password(**attendee):
    visitor = AttendeeFactory(**attendee)
    visitor.user.set_password(PASSWORD)  # like the demo visitor: a password as well as links
    visitor.user.save()
    return visitor


def test_a_visitor_lands_in_the_lobby_of_their_event_and_sees_no_back_office(client):
    visitor = _visitor_with_password()
    location = _log_in(client, visitor.user)
    assert client.get(location).status_code == 302  # through the landing page...
    assert client.get(location)["Location"] == reverse("attendee:lobby", args=[visitor.event.slug])
    assert client.get(reverse("attendee:lobby", args=[visitor.event.slug])).status_code == 200
    assert _header_links(client) == {"Log out"}


def test_a_visitor_awaiting_approval_lands_where_they_are_told_so(client):
    visitor = _visitor_with_password(status=AttendeeStatus.PENDING, confirmed_at=None)
    client.force_login(visitor.user)
    lobby = client.get(reverse("landing"))["Location"]
    assert lobby == reverse("attendee:lobby", args=[visitor.event.slug])
    refused = client.get(lobby)
    assert refused.status_code == 403
    assert "waiting for the organisers" in refused.content.decode()


def test_a_visitor_of_several_events_lands_on_the_list_of_events(client):
    visitor = AttendeeFactory()
    AttendeeFactory(user=visitor.user, email=visitor.email)  # another event, same person
    client.force_login(visitor.user)
    assert client.get(reverse("landing"))["Location"] == reverse("public:home")


def test_exhibitor_staff_land_on_their_exhibitor_pages(client):
    staff = StaffFactory()
    client.force_login(staff.user)
    assert client.get(reverse("landing"))["Location"] == reverse("exhibitor:home")
    assert _header_links(client) == {"Exhibitor", "Log out"}


def test_the_event_team_lands_on_the_organiser_pages_even_when_also_staff(client):
    member = TeamMemberFactory()
    StaffFactory(user=member.user)
    client.force_login(member.user)
    assert client.get(reverse("landing"))["Location"] == reverse("organiser:home")
    assert _header_links(client) == {"Organiser", "Exhibitor", "Log out"}


def test_a_new_account_with_no_role_is_offered_to_create_an_event(client):
    user = UserFactory()
    assert _log_in(client, user) == reverse("landing")
    assert client.get(reverse("landing"))["Location"] == reverse("organiser:home")
    assert _header_links(client) == {"Organiser", "Log out"}


def test_where_the_person_was_going_wins_over_the_landing(client):
    visitor = _visitor_with_password()
    agenda = reverse("visit:agenda", args=[visitor.event.slug])
    assert _log_in(client, visitor.user, next=agenda) == agenda


def test_the_landing_page_sends_strangers_to_log_in(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logging_in_with_a_wrong_password_says_so_and_lands_nowhere(client):
    visitor = _visitor_with_password(event=EventFactory())
    response = client.post(reverse("accounts:login"), {"username": visitor.email, "password": "wrong one"})
    assert response.status_code == 200
    assert "landing" not in response.headers.get("Location", "")
    assert response.context["form"].errors

"""Registration never hands over an existing account (issue 10, parts 2 and 7).

An attacker registers with someone else's address; the mailed link or code must not sign in as an
account that logs in with a password, the stranger's answers must not become the owner's, and the
pages answer the same whether or not the address is known.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from events.enums import AttendeeStatus, TeamRole
from events.models import Attendee, User
from tests.factories import PASSWORD, EventFactory, TeamMemberFactory, UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

STRANGER = {"q_name": "Mallory Stranger", "q_residence": "Nowhere"}


def register(client, capture, email: str, answers=None):
    with capture(execute=True):
        return client.post("/expo/register/", {"email": email, **(answers or STRANGER)})


def links_in(message) -> list[str]:
    return re.findall(r"http://127\.0\.0\.1:8000(/signin/[\w-]+/)", message.body)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def admin(db):
    return UserFactory(email="admin@example.org", display_name="Ada Admin", is_staff=True, is_superuser=True)


def test_register_with_the_superusers_address_never_signs_in_as_the_superuser(
    client, event, admin, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, "Admin@Example.org")

    assert [message.to for message in mail.outbox] == [["admin@example.org"]]
    assert links_in(mail.outbox[0]) == []
    assert "Log in with your password" in mail.outbox[0].body
    attendee = Attendee.objects.get(email="admin@example.org")
    assert (attendee.user, attendee.status, attendee.confirmed_at) == (
        admin,
        AttendeeStatus.UNCONFIRMED,
        None,
    )
    admin.refresh_from_db()
    assert (admin.display_name, admin.is_superuser, admin.check_password(PASSWORD)) == (
        "Ada Admin",
        True,
        True,
    )
    assert signed_in_user_id(client) is None
    # Even an old link of the account (from before it had a password) does not sign in.
    from events.services.signin import issue_signin_link

    _link, token, _code = issue_signin_link(attendee)
    response = client.get(f"/signin/{token}/")
    assert response.status_code == 403
    assert "This account logs in with its password." in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.fixture
def organiser(db):
    """The owner of another event: an account with a password and a team role."""
    user = UserFactory(email="org@example.org", display_name="Oscar Organiser")
    TeamMemberFactory(event=EventFactory(slug="fair", name="Fair"), user=user, role=TeamRole.OWNER)
    return user


def test_register_with_an_organisers_address_waits_for_the_password_login(
    client, event, organiser, django_capture_on_commit_callbacks
):
    register(Client(), django_capture_on_commit_callbacks, "org@example.org")
    assert links_in(mail.outbox[0]) == []
    attendee = Attendee.objects.get(event=event, email="org@example.org")
    assert attendee.status == AttendeeStatus.UNCONFIRMED

    # The code from a mail is never asked for; guessing one is refused like any wrong code.
    response = client.post("/expo/signin/", {"email": "org@example.org", "code": "ABCD-EFGH"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This e-mail address and code do not match. Use the code from your latest mail, or ask for a new one."
    ]
    assert signed_in_user_id(client) is None

    # The owner logs in with the password, sees the pending registration and confirms it.
    assert client.login(username="org@example.org", password=PASSWORD)
    lobby = client.get("/expo/lobby/")
    assert lobby.status_code == 403
    html = lobby.content.decode()
    assert "Someone registered this address for this event" in html
    assert "Mallory Stranger" in html
    confirmed = client.post("/expo/register/confirm/", {"decision": "confirm"})
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/expo/lobby/")
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CONFIRMED
    organiser.refresh_from_db()
    assert organiser.display_name == "Oscar Organiser"


def test_pending_registration_on_a_password_account_can_be_declined(
    client, event, organiser, django_capture_on_commit_callbacks
):
    register(Client(), django_capture_on_commit_callbacks, "org@example.org")
    client.login(username="org@example.org", password=PASSWORD)
    declined = client.post("/expo/register/confirm/", {"decision": "decline"})
    assert (declined.status_code, declined["Location"]) == (302, "/expo/")
    assert messages_of(declined) == ["The registration was deleted; nothing about it is kept."]
    assert Attendee.objects.filter(email="org@example.org").exists() is False


def test_confirm_page_refuses_anonymous_and_changes_nothing(
    client, event, organiser, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, "org@example.org")
    response = client.post("/expo/register/confirm/", {"decision": "confirm"})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/expo/register/confirm/",
    )
    assert Attendee.objects.get(email="org@example.org").status == AttendeeStatus.UNCONFIRMED


def test_register_with_an_attendees_address_is_confirmed_only_by_the_mailed_link(
    client, event, django_capture_on_commit_callbacks
):
    visitor = User.objects.create_user("minji@example.org", display_name="Kim Minji")
    register(client, django_capture_on_commit_callbacks, "minji@example.org")
    attendee = Attendee.objects.get(email="minji@example.org")
    assert (attendee.user, attendee.status) == (visitor, AttendeeStatus.UNCONFIRMED)
    visitor.refresh_from_db()
    assert visitor.display_name == "Kim Minji"
    assert signed_in_user_id(client) is None

    (link,) = links_in(mail.outbox[0])
    response = client.get(link)
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CONFIRMED


def test_register_again_keeps_the_owners_link_working(client, event, django_capture_on_commit_callbacks):
    register(
        client,
        django_capture_on_commit_callbacks,
        "minji@example.org",
        {"q_name": "Kim Minji", "q_residence": "Busan"},
    )
    (first_link,) = links_in(mail.outbox[0])

    register(client, django_capture_on_commit_callbacks, "minji@example.org")

    assert len(mail.outbox) == 2
    assert links_in(mail.outbox[1]) == []
    assert "already registered" in mail.outbox[1].body
    attendee = Attendee.objects.get(email="minji@example.org")
    assert attendee.display_name == "Kim Minji"
    assert [answer.value for answer in attendee.answers.order_by("question__position")] == [
        "Kim Minji",
        "Busan",
    ]
    response = client.get(first_link)
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")


def test_register_known_and_unknown_addresses_get_the_same_answer(
    event, owner, django_capture_on_commit_callbacks
):
    answers = []
    for email in ("owner@example.org", "nobody@example.org"):
        response = register(Client(), django_capture_on_commit_callbacks, email)
        answers.append(
            (
                response.status_code,
                response["Location"],
                [text.replace(email, "ADDRESS") for text in messages_of(response)],
            )
        )
    assert answers[0] == answers[1]
    assert answers[0] == (
        302,
        "/expo/signin/sent/",
        ["We have sent a mail to ADDRESS. Open it to confirm your registration."],
    )

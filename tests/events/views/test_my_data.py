"""The attendee's "My data" pages: seeing, downloading, visibility, and deleting the registration."""

from __future__ import annotations

import json

import pytest

from events.enums import AttendeeStatus, AuditAction, EventStatus
from events.models import Attendee, AuditLogEntry, User
from tests.registration_factories import (
    AnswerFactory,
    AttendeeFactory,
    MemberFactory,
    QuestionFactory,
)

from .helpers import messages_of

pytestmark = pytest.mark.django_db

MY_DATA = "/expo/me/"


@pytest.fixture
def minji(event):
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    city = QuestionFactory(event=event, identifier="city", label={"en": "City", "ko": "도시"})
    AnswerFactory(attendee=attendee, question=city, value="Busan")
    return attendee


@pytest.fixture
def jun(event):
    attendee = AttendeeFactory(event=event, display_name="Lee Jun", email="jun@example.org")
    AnswerFactory(attendee=attendee, value="Seoul")
    return attendee


# --- Who gets in ------------------------------------------------------------------------------


def test_my_data_anonymous_is_sent_to_sign_in(client, event):
    response = client.get(MY_DATA)

    assert response.status_code == 302
    assert response["Location"] == "/expo/signin/?next=/expo/me/"


def test_my_data_without_registration_is_404(client, event, visitor):
    client.force_login(visitor)

    assert client.get(MY_DATA).status_code == 404


def test_my_data_draft_event_is_404(client, event, minji):
    event.status = EventStatus.DRAFT
    event.save()
    client.force_login(minji.user)

    assert client.get(MY_DATA).status_code == 404


# --- Seeing -----------------------------------------------------------------------------------


def test_my_data_page_lists_what_is_stored(client, event, minji, jun):
    client.force_login(minji.user)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    assert response.context["attendee"] == minji
    assert response.context["answers"] == [("City", "Busan")]
    assert response.context["account_email"] == "minji@example.org"
    body = response.content.decode()
    assert "Kim Minji" in body
    assert "Lee Jun" not in body
    assert 'action="/expo/me/visibility/"' in body


def test_my_data_page_of_member_shows_no_placeholder_address(client, event):
    member = MemberFactory(event=event, display_name="Park", institution__name="Seoul University")
    client.force_login(member.user)

    response = client.get(MY_DATA)

    assert response.context["account_email"] == ""
    assert "attendees.rakwon.invalid" not in response.content.decode()
    assert "Seoul University" in response.content.decode()


def test_my_data_still_open_on_closed_event(client, event, minji):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(minji.user)

    assert client.get(MY_DATA).status_code == 200


# --- Downloading ------------------------------------------------------------------------------


def test_download_gives_only_my_data_as_attachment(client, event, minji, jun):
    client.force_login(minji.user)

    response = client.get("/expo/me/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="expo-my-data.json"'
    data = json.loads(response.content)
    assert data["registration"]["id"] == minji.pk
    assert data["registration"]["name"] == "Kim Minji"
    assert [answer["answer"] for answer in data["answers"]] == ["Busan"]
    assert "jun@example.org" not in response.content.decode()
    assert "Lee Jun" not in response.content.decode()


def test_download_is_audited(client, event, minji):
    client.force_login(minji.user)

    client.get("/expo/me/download/")

    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.subject, entry.rows) == (
        AuditAction.OWN_DATA_DOWNLOADED,
        f"attendee:{minji.pk}",
        1,
    )


# --- Visibility -------------------------------------------------------------------------------


def test_visibility_turns_on(client, event, minji):
    client.force_login(minji.user)

    response = client.post("/expo/me/visibility/", {"visible_to_others": "on"})

    assert response.status_code == 302
    assert response["Location"] == MY_DATA
    assert messages_of(response) == ["Others can now see your name in “who's here”."]
    minji.refresh_from_db()
    assert minji.visible_to_others is True


def test_visibility_turns_off(client, event, minji):
    Attendee.objects.filter(pk=minji.pk).update(visible_to_others=True)
    client.force_login(minji.user)

    response = client.post("/expo/me/visibility/", {})

    assert messages_of(response) == ["Others no longer see your name; you are counted anonymously."]
    minji.refresh_from_db()
    assert minji.visible_to_others is False


def test_visibility_get_is_not_allowed(client, event, minji):
    client.force_login(minji.user)

    assert client.get("/expo/me/visibility/").status_code == 405


# --- Deleting ---------------------------------------------------------------------------------


def test_delete_asks_first(client, event, minji):
    client.force_login(minji.user)

    response = client.get("/expo/me/delete/")

    assert response.status_code == 200
    assert "Delete your registration?" in response.content.decode()
    minji.refresh_from_db()
    assert minji.display_name == "Kim Minji"


def test_delete_anonymises_and_signs_out(client, event, minji, jun):
    client.force_login(minji.user)
    user_id = minji.user_id

    response = client.post("/expo/me/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/expo/me/deleted/"
    row = Attendee.objects.get(pk=minji.pk)
    assert (row.display_name, row.email, row.user_id, row.status) == ("", "", None, AttendeeStatus.CANCELLED)
    assert row.answers.count() == 0
    assert User.objects.get(pk=user_id).is_active is False
    jun.refresh_from_db()
    assert (jun.display_name, jun.email, jun.answers.count()) == ("Lee Jun", "jun@example.org", 1)
    # Signed out: the data page now asks to sign in.
    assert client.get(MY_DATA).status_code == 302
    confirmation = client.get("/expo/me/deleted/")
    assert confirmation.status_code == 200
    assert "Your registration is deleted" in confirmation.content.decode()
    assert "You are signed out." in confirmation.content.decode()


def test_delete_cannot_be_repeated(client, event, minji, owner):
    # An organiser who registered keeps the account; the registration is gone all the same.
    attendee = AttendeeFactory(event=event, user=owner, email="owner@example.org")
    client.force_login(owner)
    client.post("/expo/me/delete/")

    response = client.post("/expo/me/delete/")

    assert response.status_code == 404
    attendee.refresh_from_db()
    assert (attendee.user_id, attendee.email) == (None, "")
    owner.refresh_from_db()
    assert owner.is_active is True


@pytest.mark.parametrize("page", ["me/", "me/delete/"])
def test_my_data_pages_lead_back_to_the_lobby(client, event, minji, page):
    client.force_login(minji.user)

    html = client.get(f"/expo/{page}").content.decode()

    assert '<p class="back"><a href="/expo/lobby/">Back to the lobby</a></p>' in html

"""Visitor pages: register, join by code, sign in by link or code, new link, lobby."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import AttendeeStatus, EventStatus, QuestionKind
from events.models import Attendee, SignInLink
from events.services.institutions import create_institution
from events.services.questions import get_registration_settings, save_question
from tests.factories import EventFactory, UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

FORM = {"email": "minji@example.org", "q_name": "Kim Minji", "q_residence": "Busan"}


def link_from(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/signin/[\w-]+/)", message.body).group(1)


def code_from(message) -> str:
    return re.search(r"^([A-Z2-9]{4}-[A-Z2-9]{4})$", message.body, re.MULTILINE).group(1)


def register(client, data=None, capture=None):
    if capture is None:
        return client.post("/expo/register/", data or FORM)
    with capture(execute=True):
        return client.post("/expo/register/", data or FORM)


# --- Register ---------------------------------------------------------------------------------


def test_register_page_shows_questions_and_what_is_stored(client, event):
    response = client.get("/expo/register/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [f.name for f in response.context["form"]] == [
        "email",
        "q_name",
        "q_residence",
        "visible_to_others",
    ]
    assert response.context["form"]["visible_to_others"].value() is False
    assert response.context["notice"]["fields"] == [
        "Your e-mail address (to send your sign-in link)",
        "Name",
        "Place of residence",
        "Whether others may see your name",
    ]
    assert "90 days after the event ends; then they are deleted." in html
    assert "Exhibitors see your details only if you choose to share them at their booth." in html
    assert 'style="' not in html and "<script" not in html


def test_register_page_of_draft_event_is_hidden_from_visitors(client, owner):
    EventFactory(slug="draft", status=EventStatus.DRAFT)
    assert client.get("/draft/register/").status_code == 404
    assert client.get("/draft/join/").status_code == 404
    assert client.get("/nope/signin/").status_code == 404


def test_register_then_open_the_mailed_link_reaches_the_lobby(
    client, event, django_capture_on_commit_callbacks
):
    response = register(client, {**FORM, "visible_to_others": "on"}, django_capture_on_commit_callbacks)
    assert (response.status_code, response["Location"]) == (302, "/expo/signin/sent/")
    assert messages_of(response) == [
        "We have sent a mail to minji@example.org. Open it to confirm your registration."
    ]
    attendee = Attendee.objects.get()
    assert (attendee.status, attendee.visible_to_others, attendee.language) == (
        AttendeeStatus.UNCONFIRMED,
        True,
        "en",
    )
    response = client.get(link_from(mail.outbox[0]))
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")
    attendee.refresh_from_db()
    assert attendee.status == AttendeeStatus.CONFIRMED
    lobby = client.get("/expo/lobby/")
    assert lobby.status_code == 200
    assert "Welcome, Kim Minji." in lobby.content.decode()
    assert 'href="/expo/"' in lobby.content.decode()


def test_register_malformed_email_shows_inline_error_and_saves_nothing(client, event):
    response = register(client, {**FORM, "email": "minji@@example"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter a valid e-mail address, for example name@example.org."]
    }
    assert (Attendee.objects.count(), len(mail.outbox)) == (0, 0)


def test_register_oversized_and_missing_answers_show_inline_errors(client, event):
    response = register(client, {**FORM, "q_name": "x" * 5000, "q_residence": ""})
    assert response.context["form"].errors == {
        "q_name": ["This answer is too long: 200 characters at most (it has 5000). Shorten it."],
        "q_residence": ["Please answer this question."],
    }
    assert 'id="id_q_name_error"' in response.content.decode()
    assert Attendee.objects.count() == 0


def test_register_forged_choice_value_is_refused(client, event, owner):
    save_question(
        event,
        by=owner,
        kind=QuestionKind.SINGLE_CHOICE,
        identifier="topic",
        label={"en": "Topic", "ko": "주제"},
        options=[{"key": "ai", "labels": {"en": "AI", "ko": "AI"}}],
    )
    response = register(client, {**FORM, "q_topic": "<script>"})
    assert response.context["form"].errors == {"q_topic": ["Choose from the options offered."]}
    assert Attendee.objects.count() == 0


def test_register_same_email_again_answers_as_before_and_mails_without_duplicate(
    client, event, django_capture_on_commit_callbacks
):
    register(client, capture=django_capture_on_commit_callbacks)
    response = register(client, {**FORM, "q_name": "Impostor"}, django_capture_on_commit_callbacks)
    assert messages_of(response)[-1:] == [
        "We have sent a mail to minji@example.org. Open it to confirm your registration."
    ]
    assert (Attendee.objects.count(), Attendee.objects.get().display_name, len(mail.outbox)) == (
        1,
        "Kim Minji",
        2,
    )


def test_register_after_closing_shows_the_reason_and_saves_nothing(client, event):
    reg = get_registration_settings(event)
    reg.closes_at = timezone.now() - dt.timedelta(minutes=1)
    reg.save()
    page = client.get("/expo/register/")
    assert page.context["refusal"].startswith("Registration closed on ")
    assert 'name="email"' not in page.content.decode()
    response = register(client)
    assert response.context["form"].non_field_errors()[0].startswith("Registration closed on ")
    assert Attendee.objects.count() == 0


def test_register_when_full_is_refused(client, event):
    reg = get_registration_settings(event)
    reg.capacity = 0
    reg.save()
    response = register(client)
    assert response.context["form"].non_field_errors() == [
        "Sorry, the event is full: all 0 places are taken."
    ]
    assert Attendee.objects.count() == 0


def test_register_rate_limited_address_gets_a_clear_message_and_no_mail(
    client, event, settings, django_capture_on_commit_callbacks
):
    settings.SIGNIN_MAILS_PER_ADDRESS = 1
    register(client, capture=django_capture_on_commit_callbacks)
    response = register(client, capture=django_capture_on_commit_callbacks)
    assert response.context["form"].non_field_errors() == [
        "We have already sent several sign-in mails to this address. Check your inbox and spam "
        "folder. Try again in 60 minutes."
    ]
    assert len(mail.outbox) == 1


# --- Sign-in ----------------------------------------------------------------------------------


@pytest.fixture
def registered(client, event, django_capture_on_commit_callbacks):
    register(client, capture=django_capture_on_commit_callbacks)
    client.logout()
    return mail.outbox[0]


def test_signin_with_code_on_another_device_reaches_the_lobby(client, event, registered):
    response = client.post(
        "/expo/signin/", {"email": "minji@example.org", "code": code_from(registered).lower()}
    )
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")
    assert client.get("/expo/lobby/").status_code == 200


def test_signin_with_wrong_code_shows_error(client, event, registered):
    response = client.post("/expo/signin/", {"email": "minji@example.org", "code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This e-mail address and code do not match. Use the code from your latest mail, or ask for a new one."
    ]
    assert "_auth_user_id" not in client.session


def test_signin_with_codes_locks_out_after_too_many_guesses(client, event, registered, settings):
    settings.SIGNIN_CODE_FAILURES_PER_ADDRESS = 2
    for _guess in range(2):
        client.post("/expo/signin/", {"email": "minji@example.org", "code": "AAAA-AAAA"})
    response = client.post("/expo/signin/", {"email": "minji@example.org", "code": code_from(registered)})
    assert response.context["form"].non_field_errors() == ["Too many wrong codes. Try again in 15 minutes."]
    assert "_auth_user_id" not in client.session


def test_signin_link_works_twice_and_on_several_devices(client, event, registered):
    link = link_from(registered)
    assert client.get(link).status_code == 302
    client.logout()
    assert client.get(link)["Location"] == "/expo/lobby/"
    assert SignInLink.objects.get().use_count == 2


def test_signin_link_expired_shows_a_page_to_get_a_new_one(client, event, registered):
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(link_from(registered))
    assert response.status_code == 410
    html = response.content.decode()
    assert "This sign-in link has expired." in html
    assert 'href="/expo/signin/new-link/"' in html
    assert "_auth_user_id" not in client.session


def test_signin_link_replaced_by_a_new_one_is_refused(
    client, event, registered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/expo/signin/new-link/", {"email": "minji@example.org"})
    assert messages_of(response) == [
        "If minji@example.org is registered for this event, a new sign-in link is on its way."
    ]
    assert client.get(link_from(registered)).status_code == 410
    assert client.get(link_from(mail.outbox[1])).status_code == 302


def test_signin_link_unknown_token_is_404_with_instructions(client, db):
    response = client.get("/signin/not-a-real-token/")
    assert response.status_code == 404
    assert "This sign-in link is not valid." in response.content.decode()


def test_new_link_for_unknown_address_says_the_same_and_sends_nothing(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/expo/signin/new-link/", {"email": "ghost@example.org"})
    assert messages_of(response) == [
        "If ghost@example.org is registered for this event, a new sign-in link is on its way."
    ]
    assert mail.outbox == []


# --- Join with a code -------------------------------------------------------------------------


def test_join_with_code_signs_in_and_reaches_the_lobby(client, event, owner):
    institution, code = create_institution(event, name="KAIST", seats=3, by=owner)
    page = client.get("/expo/join/")
    assert "The institution whose code you used" in page.content.decode()
    response = client.post("/expo/join/", {"code": code, "display_name": "Park Jisoo"})
    # Joining shows the member's recovery code once (tests/events/views/test_member_recovery.py).
    assert (response.status_code, response.templates[0].name) == (
        200,
        "events/registration/recovery_code.html",
    )
    assert messages_of(response) == ["Welcome, Park Jisoo. You joined through KAIST."]
    member = Attendee.objects.get()
    assert (member.institution, member.visible_to_others) == (institution, False)
    assert client.get("/expo/lobby/").status_code == 200


def test_join_with_wrong_code_shows_inline_error_and_locks_out(client, event, owner, settings):
    settings.ACCESS_CODE_FAILURES_PER_IP = 2
    _institution, code = create_institution(event, name="KAIST", seats=3, by=owner)
    response = client.post("/expo/join/", {"code": "WRONG", "display_name": "Park"})
    assert response.context["form"].errors == {
        "code": [
            "This code is not valid for this event. "
            "Check it with your institution: codes look like ABCDE-FGH23."
        ]
    }
    client.post("/expo/join/", {"code": "WRONG", "display_name": "Park"})
    response = client.post("/expo/join/", {"code": code, "display_name": "Park"})
    assert response.context["form"].non_field_errors() == [
        "Too many wrong codes were tried. Try again in 15 minutes."
    ]
    assert Attendee.objects.count() == 0


def test_join_full_institution_gets_a_clear_message(client, event, owner):
    _institution, code = create_institution(event, name="KAIST", seats=1, by=owner)
    client.post("/expo/join/", {"code": code, "display_name": "One"})
    client.logout()
    response = client.post("/expo/join/", {"code": code, "display_name": "Two"})
    assert response.context["form"].non_field_errors() == [
        "All 1 seats of KAIST are taken. Ask your institution's contact person for help."
    ]
    assert Attendee.objects.count() == 1


# --- Lobby ------------------------------------------------------------------------------------


def test_lobby_anonymous_is_sent_to_sign_in(client, event):
    response = client.get("/expo/lobby/")
    assert (response.status_code, response["Location"]) == (302, "/expo/signin/")


def test_lobby_pending_attendee_is_told_to_wait(client, event, registered):
    Attendee.objects.update(status=AttendeeStatus.PENDING)
    client.get(link_from(registered))
    response = client.get("/expo/lobby/")
    assert response.status_code == 403
    assert str(response.context["reason"]).startswith(
        "Your registration is waiting for the organisers' approval."
    )
    assert "Your registration is waiting for the organisers&#x27; approval." in response.content.decode()


def test_lobby_cancelled_attendee_is_refused(client, event, registered):
    Attendee.objects.update(status=AttendeeStatus.CANCELLED)
    client.get(link_from(registered))
    response = client.get("/expo/lobby/")
    assert response.status_code == 403
    assert "Your registration was cancelled" in response.content.decode()


def test_lobby_user_without_registration_is_offered_to_register(client, event):
    client.force_login(UserFactory())
    response = client.get("/expo/lobby/")
    assert response.status_code == 403
    assert 'href="/expo/register/"' in response.content.decode()


def test_lobby_team_and_exhibitor_staff_enter(client, event, owner, staff_a):
    for user in (owner, staff_a):
        client.force_login(user)
        assert client.get("/expo/lobby/").status_code == 200


def test_register_page_leads_back_to_the_event(client, event):
    html = client.get("/expo/register/").content.decode()

    assert '<p class="back"><a href="/expo/">Back to the event</a></p>' in html

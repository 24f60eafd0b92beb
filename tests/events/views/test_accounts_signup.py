"""Organiser sign-up answers the same for any address (issue 10, part 7): the account is created
only from the link mailed to the address, and a stranger signing up with a known address changes
nothing about that account."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import translation

from events.models import User
from tests.factories import PASSWORD, UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _anyone_may_create_events(settings):
    """These tests are about the pages themselves, with sign-up open to anyone (ORGANISER_SIGNUP):
    who may sign up and create events is tested in test_accounts_organiser_invitation.py."""
    settings.ORGANISER_SIGNUP = "open"


CHOSEN = "a long enough pass phrase 42"
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/signup/confirm/[\w=-]+/)")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def korean_client(client):
    """A client whose pages are in Korean. The test client leaves the request's language active
    in the thread, so it is put back afterwards: later tests must not run in Korean."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ko"
    with translation.override(django_settings.LANGUAGE_CODE):
        yield client


def sign_up(client, capture, email: str, *, next_url: str = "", password: str = CHOSEN):
    data = {"display_name": "Mallory Stranger", "email": email, "password": password, "next": next_url}
    with capture(execute=True):
        return client.post("/accounts/signup/", data)


def confirm_link(message) -> str:
    found = CONFIRM_LINK.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def answer_and_page(client, capture, email: str) -> tuple:
    response = sign_up(client, capture, email)
    page = client.get(response["Location"])
    return response.status_code, response["Location"], page.status_code, CSRF.sub(b"CSRF", page.content)


def test_signup_known_and_unknown_address_get_byte_identical_answers(django_capture_on_commit_callbacks):
    owner = UserFactory(email="owner@example.org", display_name="Olga Owner")
    known = answer_and_page(Client(), django_capture_on_commit_callbacks, "owner@example.org")
    owner.delete()
    unknown = answer_and_page(Client(), django_capture_on_commit_callbacks, "owner@example.org")

    assert known == unknown
    assert known[:3] == (302, "/accounts/signup/sent/", 200)
    assert b"We have sent a mail to owner@example.org. Open it to go on." in known[3]


def test_signup_of_an_unknown_address_creates_nothing_until_the_link_is_used(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, "new@example.org")

    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    assert User.objects.filter(email="new@example.org").exists() is False
    assert signed_in_user_id(client) is None
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
    assert mail.outbox[0].subject == "Confirm your new account"
    assert CHOSEN not in mail.outbox[0].body


def test_signup_confirmation_link_creates_the_account_and_logs_in(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "New@Example.org", next_url="/organiser/")
    link = confirm_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm and log in" in page.content.decode()
    assert (
        User.objects.filter(email="new@example.org").exists() is False
    )  # a GET (a mail scanner) creates nothing

    response = client.post(link)
    user = User.objects.get(email="new@example.org")
    assert (response.status_code, response["Location"]) == (302, "/organiser/")
    assert (user.display_name, user.is_active, user.check_password(CHOSEN)) == (
        "Mallory Stranger",
        True,
        True,
    )
    assert signed_in_user_id(client) == str(user.pk)
    assert messages_of(response) == ["Welcome, Mallory Stranger. Your account is ready."]


def test_signup_confirmation_link_used_twice_is_refused_with_what_to_do(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    link = confirm_link(mail.outbox[0])
    client.post(link)
    other = Client()

    again = other.post(link)

    assert again.status_code == 410
    assert (
        "This link was used already: the account exists. Log in, or set a new password if you forgot it."
        in again.content.decode()
    )
    assert 'href="/accounts/password/reset/"' in again.content.decode()
    assert signed_in_user_id(other) is None
    assert User.objects.filter(email="new@example.org").count() == 1


def test_signup_forged_or_cut_link_is_refused_with_what_to_do(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    link = confirm_link(mail.outbox[0])

    for forged in (link[:-10] + "/", "/accounts/signup/confirm/gAAAAABforged/"):
        response = client.post(forged)
        assert response.status_code == 404
        assert (
            "This link is not valid. Copy the whole link from the mail, or sign up again."
            in response.content.decode()
        )
    assert User.objects.filter(email="new@example.org").exists() is False
    assert signed_in_user_id(client) is None


def test_signup_link_expires(client, django_capture_on_commit_callbacks, settings):
    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    link = confirm_link(mail.outbox[0])
    settings.SIGNIN_LINK_VALID_DAYS = 0

    response = client.post(link)

    assert response.status_code == 410
    assert (
        "This link has expired. Sign up again: a new mail arrives in a minute." in response.content.decode()
    )
    assert User.objects.filter(email="new@example.org").exists() is False


def test_signup_with_a_known_address_changes_nothing_and_mails_the_owner_a_way_in(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="owner@example.org", display_name="Olga Owner")
    before = User.objects.filter(pk=owner.pk).values().get()

    response = sign_up(client, django_capture_on_commit_callbacks, "Owner@Example.org")

    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    assert User.objects.filter(pk=owner.pk).values().get() == before
    owner.refresh_from_db()
    assert (owner.check_password(PASSWORD), owner.check_password(CHOSEN)) == (True, False)
    assert signed_in_user_id(client) is None
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "You already have an account"
    assert CONFIRM_LINK.findall(body) == []
    assert "http://127.0.0.1:8000/accounts/login/" in body
    assert "http://127.0.0.1:8000/accounts/password/reset/" in body


def test_signup_link_of_an_address_taken_since_is_refused(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    link = confirm_link(mail.outbox[0])
    owner = UserFactory(email="new@example.org")

    response = client.post(link)

    assert response.status_code == 410
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) is True
    assert signed_in_user_id(client) is None


def test_signup_mails_per_address_are_limited_the_same_for_any_address(
    django_capture_on_commit_callbacks, settings
):
    settings.SIGNIN_MAILS_PER_ADDRESS = 2
    UserFactory(email="owner@example.org")
    answers = {}
    for email in ("owner@example.org", "nobody@example.org"):
        client = Client()
        for _attempt in range(2):
            sign_up(client, django_capture_on_commit_callbacks, email)
        third = sign_up(client, django_capture_on_commit_callbacks, email)
        answers[email] = (third.status_code, CSRF.sub(b"CSRF", third.content).replace(email.encode(), b"X"))
    assert answers["owner@example.org"] == answers["nobody@example.org"]
    assert answers["owner@example.org"][0] == 200
    assert (
        "We have already sent several mails to this address. Check your inbox and spam folder. "
        "Try again in 60 minutes."
    ) in answers["owner@example.org"][1].decode()
    assert len(mail.outbox) == 4


def test_signup_with_a_weak_password_keeps_the_form_and_says_why(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "new@example.org", password="short")

    assert response.status_code == 200
    body = response.content.decode()
    assert "This password is too short." in body
    assert 'value="new@example.org"' in body
    assert mail.outbox == []


def test_signup_sealed_link_does_not_carry_the_password_readably(client, django_capture_on_commit_callbacks):
    import base64

    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    token = confirm_link(mail.outbox[0]).split("/")[-2]
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"new@example.org" not in raw
    assert b"pbkdf2" not in raw and b"md5" not in raw


def test_signup_mail_is_in_the_language_of_the_page(korean_client, django_capture_on_commit_callbacks):
    UserFactory(email="owner@example.org")

    sign_up(korean_client, django_capture_on_commit_callbacks, "new@example.org")
    sign_up(korean_client, django_capture_on_commit_callbacks, "owner@example.org")

    assert [message.subject for message in mail.outbox] == ["새 계정 확인", "이미 계정이 있습니다"]
    assert "이 링크를 열어 Rakwon 계정 만들기를 마치세요." in mail.outbox[0].body
    assert "이 주소에는 이미 계정이 있으며, 계정에는 아무것도 바뀌지 않았습니다." in mail.outbox[1].body

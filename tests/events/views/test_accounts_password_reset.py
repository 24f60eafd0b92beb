"""Setting a new password from a mailed link: the same answer for any address, and the way in for
a password-less visitor who was later given a role (links no longer sign them in)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import translation

from events.enums import TeamRole
from tests.factories import PASSWORD, EventFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "another long pass phrase 77"
RESET_LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/password/reset/[\w-]+/[\w-]+/)")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def korean_client(client):
    """A client whose pages are in Korean. The test client leaves the request's language active
    in the thread, so it is put back afterwards: later tests must not run in Korean."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ko"
    with translation.override(django_settings.LANGUAGE_CODE):
        yield client


def ask(client, capture, email: str):
    with capture(execute=True):
        return client.post("/accounts/password/reset/", {"email": email})


def reset_link(message) -> str:
    found = RESET_LINK.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def set_new_password(client, link: str):
    form = client.get(link)  # Django moves the token into the session and redirects
    assert form.status_code == 302
    return client.post(form["Location"], {"new_password1": NEW, "new_password2": NEW})


def test_login_page_links_to_password_reset(client):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()


def test_password_reset_known_and_unknown_address_get_byte_identical_answers(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="owner@example.org")
    answers = []
    for known in (True, False):
        client = Client()
        response = ask(client, django_capture_on_commit_callbacks, "owner@example.org")
        page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], page.status_code, CSRF.sub(b"", page.content))
        )
        if known:
            owner.delete()
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, "/accounts/password/reset/sent/", 200)
    assert (
        b"If owner@example.org has an account, a mail with a link to set a new password is on its way."
        in answers[0][3]
    )
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]


def test_password_reset_link_sets_the_password_once(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="owner@example.org")
    ask(client, django_capture_on_commit_callbacks, "Owner@Example.org")
    link = reset_link(mail.outbox[0])
    assert mail.outbox[0].subject == "Set a new password"

    done = set_new_password(client, link)

    assert (done.status_code, done["Location"]) == (302, "/accounts/password/reset/done/")
    user.refresh_from_db()
    assert (user.check_password(NEW), user.check_password(PASSWORD)) == (True, False)
    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert (
        "This link is not valid, was used already or has expired. Ask for a new one: it arrives in a minute."
        in again.content.decode()
    )


def test_password_less_visitor_given_a_role_sets_a_password_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    visitor = UserFactory(email="vis@example.org")
    visitor.set_unusable_password()
    visitor.save()
    TeamMemberFactory(event=EventFactory(slug="fair"), user=visitor, role=TeamRole.MODERATOR)

    ask(client, django_capture_on_commit_callbacks, "vis@example.org")
    set_new_password(client, reset_link(mail.outbox[0]))

    logged_in = client.post("/accounts/login/", {"username": "vis@example.org", "password": NEW})
    assert (logged_in.status_code, logged_in["Location"]) == (302, "/accounts/landing/")


def test_password_reset_never_mails_an_institution_placeholder(client, django_capture_on_commit_callbacks):
    UserFactory(email="m-1@attendees.rakwon.invalid")
    response = ask(client, django_capture_on_commit_callbacks, "m-1@attendees.rakwon.invalid")
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/sent/")
    assert mail.outbox == []


def test_password_reset_bad_address_keeps_the_form_and_says_why(client, django_capture_on_commit_callbacks):
    response = ask(client, django_capture_on_commit_callbacks, "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_password_reset_pages_in_korean(korean_client):
    body = korean_client.get("/accounts/password/reset/").content.decode()
    assert "<h1>새 비밀번호 설정</h1>" in body
    assert "Set a new password" not in body
    login = korean_client.get("/accounts/login/").content.decode()
    assert "비밀번호를 잊으셨나요?" in login

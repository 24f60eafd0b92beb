"""Who may create events, in pages: organiser invitations sent by a superuser, sign-up that needs
an invitation by default, and the create-event page for those without the right."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event, User
from tests.factories import PASSWORD, UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

INVITE_LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/invitations/organiser/[\w-]+/)")
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/signup/confirm/[\w-]+/)")
REFUSED = (
    "Accounts on this server are made by invitation. Ask the organisers of your event, or the "
    "server&#x27;s administrator, to invite you; the mail they send has a link that brings you here."
)


@pytest.fixture
def root(db):
    return UserFactory(email="root@example.org", is_superuser=True)


def _event_data() -> dict:
    return {
        "name_en": "Harbour Fair",
        "slug": "harbour",
        "starts_on": "2027-05-10",
        "ends_on": "2027-05-11",
        "time_zone": "Asia/Seoul",
        "languages": ["en"],
        "colour": "#aa3300",
    }


def _sign_up(client, capture, email: str, **extra):
    data = {"display_name": "Nam Newcomer", "email": email, "password": PASSWORD, "next": "", **extra}
    with capture(execute=True):
        return client.post("/accounts/signup/", data)


def test_signup_without_invitation_is_refused_and_nothing_is_mailed(
    client, django_capture_on_commit_callbacks
):
    page = client.get("/accounts/signup/")
    assert "Accounts on this server are made by invitation." in page.content.decode()

    response = _sign_up(client, django_capture_on_commit_callbacks, "stranger@example.org")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert mail.outbox == []


def test_signup_open_mode_needs_no_invitation(client, settings, django_capture_on_commit_callbacks):
    settings.ORGANISER_SIGNUP = "open"

    response = _sign_up(client, django_capture_on_commit_callbacks, "stranger@example.org")

    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    assert len(mail.outbox) == 1


def test_superuser_invites_an_organiser_who_signs_up_and_creates_an_event(
    client, root, django_capture_on_commit_callbacks
):
    client.force_login(root)
    assert client.get(reverse("accounts:invite_organiser")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("accounts:invite_organiser"), {"email": "nam@example.org"})
    assert messages_of(sent) == ["An invitation to organise events is on its way to nam@example.org."]
    client.logout()
    path = INVITE_LINK.search(mail.outbox[0].body).group(1)

    page = client.get(path)
    signup_href = re.search(r'href="(/accounts/signup/\?invitation=[^"]+)"', page.content.decode()).group(1)
    assert "This invitation was sent to n•••@e•••.org." in page.content.decode()
    signup_page = client.get(signup_href.replace("&amp;", "&"))
    assert 'name="invitation"' in signup_page.content.decode()
    token = signup_page.context["invitation"]
    response = _sign_up(client, django_capture_on_commit_callbacks, "nam@example.org", invitation=token)
    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    client.post(CONFIRM_LINK.search(mail.outbox[-1].body).group(1))

    created = client.post(reverse("organiser:event_create"), _event_data())

    assert (created.status_code, created["Location"]) == (302, "/organiser/harbour/")
    assert Event.objects.get().team.get().user == User.objects.get(email="nam@example.org")


def test_organiser_invitation_signup_with_another_address_is_refused(
    client, root, django_capture_on_commit_callbacks
):
    from events.services.signup import organiser_invitation_token

    token = organiser_invitation_token("nam@example.org")

    response = _sign_up(client, django_capture_on_commit_callbacks, "mallory@example.org", invitation=token)

    assert response.status_code == 200
    assert (
        "This invitation was sent to another address. Sign up with the address the invitation was sent to."
        in response.content.decode()
    )
    assert mail.outbox == []


def test_logged_in_user_accepts_an_organiser_invitation_to_their_address(client, root):
    from events.services.signup import organiser_invitation_token

    nam = UserFactory(email="nam@example.org")
    client.force_login(nam)
    path = reverse(
        "accounts:accept_organiser_invitation", args=[organiser_invitation_token("nam@example.org")]
    )
    assert client.get(reverse("organiser:event_create")).status_code == 403

    accepted = client.post(path)

    assert (accepted.status_code, accepted["Location"]) == (302, "/organiser/events/new/")
    assert messages_of(accepted) == ["You can now create events on this server."]
    assert client.get(reverse("organiser:event_create")).status_code == 200


def test_event_create_without_the_right_says_whom_to_ask(client):
    client.force_login(UserFactory())

    page = client.get(reverse("organiser:home"))
    refused = client.post(reverse("organiser:event_create"), _event_data())

    assert reverse("organiser:event_create") not in page.content.decode()
    assert refused.status_code == 403
    assert (
        "On this server, only people the administrator invited as organisers create events."
        in refused.content.decode()
    )
    assert Event.objects.count() == 0


def test_only_superusers_open_the_invite_page(client, owner):
    client.force_login(owner)

    assert client.get(reverse("accounts:invite_organiser")).status_code == 403
    assert client.post(reverse("accounts:invite_organiser"), {"email": "x@example.org"}).status_code == 403
    assert mail.outbox == []


def test_invite_page_bad_address_is_refused_inline(client, root):
    client.force_login(root)

    response = client.post(reverse("accounts:invite_organiser"), {"email": "not an address"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert mail.outbox == []


def test_superuser_mode_refuses_event_owners_and_lets_the_superuser(client, settings, owner, root):
    settings.ORGANISER_SIGNUP = "superuser"
    client.force_login(owner)
    assert client.get(reverse("organiser:event_create")).status_code == 403

    client.force_login(root)
    assert client.get(reverse("organiser:event_create")).status_code == 200
    assert client.get(reverse("accounts:invite_organiser")).status_code == 403


def test_signup_refusal_in_korean(client, settings, django_capture_on_commit_callbacks):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    with translation.override(settings.LANGUAGE_CODE):
        response = _sign_up(client, django_capture_on_commit_callbacks, "stranger@example.org")

    assert "이 서버의 계정은 초대로만 만들어집니다." in response.content.decode()

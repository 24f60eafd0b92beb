"""Who may create events (ORGANISER_SIGNUP) and organiser invitations (events/services/signup.py)."""

from __future__ import annotations

import time

import pytest

from events.enums import TeamRole
from events.errors import InvitationError, NotAllowed
from events.services.signup import (
    SignupError,
    accept_organiser_invitation,
    check_signup_allowed,
    invite_organiser,
    may_create_events,
    organiser_invitation_token,
)
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(email="root@example.org", is_superuser=True)


def test_default_is_by_invitation():
    from rakwon_site import settings as project  # the module itself: pytest-settings are a copy

    assert project.ORGANISER_SIGNUP == "invitation"


@pytest.mark.parametrize(
    ("mode", "stranger", "owner", "invited", "superuser"),
    [
        ("open", True, True, True, True),
        ("invitation", False, True, True, True),
        ("superuser", False, False, False, True),
    ],
)
def test_may_create_events_by_mode(settings, root, mode, stranger, owner, invited, superuser):
    settings.ORGANISER_SIGNUP = mode
    someone = UserFactory()
    an_owner = UserFactory()
    TeamMemberFactory(event=EventFactory(), user=an_owner, role=TeamRole.OWNER)
    guest = UserFactory(email="guest@example.org")
    accept_organiser_invitation(organiser_invitation_token("guest@example.org"), by=guest)
    guest = type(guest).objects.get(pk=guest.pk)  # permissions are cached on the instance

    assert [may_create_events(u) for u in (someone, an_owner, guest, root)] == [
        stranger,
        owner,
        invited,
        superuser,
    ]


def test_a_moderator_of_an_event_may_not_create_events(settings):
    settings.ORGANISER_SIGNUP = "invitation"
    moderator = UserFactory()
    TeamMemberFactory(event=EventFactory(), user=moderator, role=TeamRole.MODERATOR)

    assert may_create_events(moderator) is False


def test_invite_organiser_only_by_a_superuser(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.ORGANISER_SIGNUP = "invitation"
    owner = UserFactory()
    TeamMemberFactory(event=EventFactory(), user=owner, role=TeamRole.OWNER)

    with pytest.raises(NotAllowed) as refused:
        invite_organiser("new@example.org", by=owner, language="en")

    assert refused.value.message == "Only the server's administrators (superusers) invite organisers."
    assert mailoutbox == []


def test_invite_organiser_refused_when_only_superusers_create_events(settings, root, mailoutbox):
    settings.ORGANISER_SIGNUP = "superuser"

    with pytest.raises(NotAllowed) as refused:
        invite_organiser("new@example.org", by=root, language="en")

    assert refused.value.code == "signup.no_invitations"
    assert mailoutbox == []


def test_invite_organiser_mails_a_link_to_the_address(
    settings, root, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ORGANISER_SIGNUP = "invitation"

    with django_capture_on_commit_callbacks(execute=True):
        invite_organiser(" New@Example.org ", by=root, language="en")

    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    assert mailoutbox[0].subject == "You are invited to organise events on Rakwon"
    assert "http://127.0.0.1:8000/accounts/invitations/organiser/" in mailoutbox[0].body


def test_accept_organiser_invitation_of_another_address_is_refused(settings):
    settings.ORGANISER_SIGNUP = "invitation"
    mallory = UserFactory(email="mallory@example.org")

    with pytest.raises(InvitationError) as refused:
        accept_organiser_invitation(organiser_invitation_token("new@example.org"), by=mallory)

    assert refused.value.code == "invitation.other_address"
    assert may_create_events(type(mallory).objects.get(pk=mallory.pk)) is False


def test_organiser_invitation_forged_or_expired_is_refused(settings, monkeypatch):
    settings.ORGANISER_SIGNUP = "invitation"
    settings.INVITATION_VALID_DAYS = 1
    guest = UserFactory(email="guest@example.org")
    token = organiser_invitation_token("guest@example.org")

    with pytest.raises(InvitationError) as forged:
        accept_organiser_invitation(token[:-3] + "AAA", by=guest)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86400 + 5)
    with pytest.raises(InvitationError) as expired:
        accept_organiser_invitation(token, by=guest)

    assert (forged.value.code, expired.value.code) == ("invitation.invalid", "invitation.expired")


def test_signup_without_an_invitation_is_refused_with_what_to_do(settings):
    settings.ORGANISER_SIGNUP = "invitation"

    with pytest.raises(SignupError) as refused:
        check_signup_allowed(email="new@example.org", invitation="", invited_elsewhere=False)

    assert refused.value.code == "signup.invitation_required"
    assert refused.value.message == (
        "Accounts on this server are made by invitation. Ask the organisers of your event, or the "
        "server's administrator, to invite you; the mail they send has a link that brings you here."
    )


def test_signup_with_an_organiser_invitation_for_another_address_is_refused(settings):
    settings.ORGANISER_SIGNUP = "invitation"
    token = organiser_invitation_token("new@example.org")

    with pytest.raises(SignupError) as refused:
        check_signup_allowed(email="mallory@example.org", invitation=token, invited_elsewhere=False)

    assert refused.value.code == "signup.other_address"


def test_signup_with_an_organiser_invitation_makes_an_organiser(settings):
    settings.ORGANISER_SIGNUP = "invitation"
    token = organiser_invitation_token("new@example.org")

    assert check_signup_allowed(email="new@example.org", invitation=token, invited_elsewhere=False) is True


def test_signup_open_needs_nothing(settings):
    settings.ORGANISER_SIGNUP = "open"

    assert check_signup_allowed(email="new@example.org", invitation="", invited_elsewhere=False) is False


def test_signup_for_a_team_or_staff_invitation_needs_no_organiser_invitation(settings):
    settings.ORGANISER_SIGNUP = "superuser"

    assert check_signup_allowed(email="new@example.org", invitation="", invited_elsewhere=True) is False

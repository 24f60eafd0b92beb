"""Organiser pages for the team: the list, inviting by e-mail, accepting, removing, withdrawing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from events.enums import EventStatus, TeamRole
from events.models import EventTeamMember, TeamInvitation, User
from tests.factories import PASSWORD, EventFactory, TeamMemberFactory, UserFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

TEAM_URL = "/organiser/expo/team/"


def _member(event, user) -> EventTeamMember:
    return EventTeamMember.objects.get(event=event, user=user)


# --- The team page ------------------------------------------------------------------------


def test_team_page_owner_sees_members_invitations_and_the_invite_form(client, event, owner, moderator):
    TeamInvitation.objects.create(event=event, email="pending@example.org", role=TeamRole.OWNER)
    client.force_login(owner)
    response = client.get(TEAM_URL)
    assert response.status_code == 200
    assert [(m.user.email, m.role) for m in response.context["members"]] == [
        ("mod@example.org", TeamRole.MODERATOR),
        ("owner@example.org", TeamRole.OWNER),
    ]
    assert [(i.email, i.role) for i in response.context["invitations"]] == [
        ("pending@example.org", TeamRole.OWNER)
    ]
    assert (response.context["can_manage_team"], "form" in response.context) == (True, True)
    html = response.content.decode()
    assert 'name="email"' in html
    assert 'action="/organiser/expo/team/invitations/' in html


def test_team_page_moderator_reads_it_without_any_form(client, event, owner, moderator):
    TeamInvitation.objects.create(event=event, email="pending@example.org")
    client.force_login(moderator)
    response = client.get(TEAM_URL)
    assert response.status_code == 200
    assert (response.context["can_manage_team"], "form" in response.context) == (False, False)
    html = response.content.decode()
    assert "pending@example.org" in html
    assert (
        '<form method="post" class="stacked"' in html,
        "/remove/" in html,
        "/withdraw/" in html,
    ) == (
        False,
        False,
        False,
    )


def test_team_page_outsider_gets_404(client, event):
    client.force_login(UserFactory())
    assert client.get(TEAM_URL).status_code == 404


# --- Inviting -----------------------------------------------------------------------------


def test_team_invite_sends_one_mail_with_the_acceptance_link(
    client, event, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TEAM_URL, {"email": "New@Example.org", "role": "moderator"})
    invitation = TeamInvitation.objects.get()
    assert (response.status_code, response["Location"]) == (302, TEAM_URL)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new@example.org",
        TeamRole.MODERATOR,
        owner,
    )
    assert messages_of(response) == ["An invitation is on its way to new@example.org. It works for 14 days."]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert f"http://127.0.0.1:8000/accounts/invitations/team/{invitation.token}/" not in mail.outbox[0].body
    link = re.search(r"http://127\.0\.0\.1:8000/accounts/invitations/team/([\w-]+)/", mail.outbox[0].body)
    assert TeamInvitation.by_token(link.group(1)).get() == invitation


def test_team_invite_by_a_moderator_is_refused_with_403(client, event, moderator):
    client.force_login(moderator)
    response = client.post(TEAM_URL, {"email": "new@example.org", "role": "owner"})
    assert (response.status_code, TeamInvitation.objects.count(), len(mail.outbox)) == (403, 0, 0)


def test_team_invite_on_a_closed_event_is_refused_with_403(client, event, owner):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    response = client.post(TEAM_URL, {"email": "new@example.org", "role": "moderator"})
    assert (response.status_code, TeamInvitation.objects.count()) == (403, 0)
    assert client.get(TEAM_URL).status_code == 200


def test_team_invite_someone_already_on_the_team_is_refused_inline(client, event, owner, moderator):
    client.force_login(owner)
    response = client.post(TEAM_URL, {"email": "mod@example.org", "role": "owner"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["mod@example.org is already on the team."]}
    assert TeamInvitation.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"email": "not-an-address", "role": "moderator"},
            {"email": ["Enter a valid email address."]},
        ),
        (
            {"email": "x@example.org", "role": "king"},
            {"role": ["Select a valid choice. king is not one of the available choices."]},
        ),
    ],
)
def test_team_invite_bad_input_is_refused_inline(client, event, owner, data, errors):
    client.force_login(owner)
    response = client.post(TEAM_URL, data)
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert TeamInvitation.objects.count() == 0


# --- Accepting ----------------------------------------------------------------------------


def test_team_invitation_link_lets_a_new_user_sign_up_and_join(
    client, event, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(TEAM_URL, {"email": "newcomer@example.org", "role": "moderator"})
    client.logout()
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/invitations/team/[\w-]+/)", mail.outbox[0].body)
    path = link.group(1)

    page = client.get(path)
    assert page.status_code == 200
    # The page names the invited address masked, and does not fill it in for whoever has the link.
    assert "This invitation was sent to n•••@e•••.org." in page.content.decode()
    signup_href = f'/accounts/signup/?next={path}"'
    assert signup_href in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(
            f"/accounts/signup/?next={path}",
            {
                "display_name": "Nam Newcomer",
                "email": "newcomer@example.org",
                "password": PASSWORD,
                "next": path,
            },
        )
    # Sign-up answers alike for any address; the account is made from the mailed link.
    assert (signed_up.status_code, signed_up["Location"]) == (302, "/accounts/signup/sent/")
    assert client.get(signed_up["Location"]).status_code == 200  # the browser follows to "check your mail"
    confirm = re.search(r"http://127\.0\.0\.1:8000(/accounts/signup/confirm/[\w-]+/)", mail.outbox[-1].body)
    confirmed = client.post(confirm.group(1))
    assert (confirmed.status_code, confirmed["Location"]) == (302, path)

    accepted = client.post(path)
    newcomer = User.objects.get(email="newcomer@example.org")
    assert (accepted.status_code, accepted["Location"]) == (302, "/organiser/expo/")
    assert _member(event, newcomer).role == TeamRole.MODERATOR
    assert "You are now on the team of Expo." in messages_of(accepted)
    assert client.get("/organiser/expo/").status_code == 200


def test_team_invitation_accepted_by_a_logged_in_user_sends_them_to_the_dashboard(client, event):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org", role=TeamRole.OWNER)
    user = UserFactory(email="x@example.org")
    client.force_login(user)
    response = client.post(reverse("accounts:accept_team_invitation", args=[invitation.token]))
    assert (response.status_code, response["Location"]) == (302, "/organiser/expo/")
    assert _member(event, user).role == TeamRole.OWNER


# --- Removing and withdrawing -------------------------------------------------------------


def test_team_remove_a_moderator_by_the_owner(client, event, owner, moderator):
    client.force_login(owner)
    member = _member(event, moderator)
    response = client.post(reverse("organiser:team_remove", args=["expo", member.pk]))
    assert (response.status_code, response["Location"]) == (302, TEAM_URL)
    assert EventTeamMember.objects.filter(pk=member.pk).exists() is False
    assert messages_of(response) == [f"{moderator} is no longer on the team."]


def test_team_remove_the_last_owner_is_refused_with_the_reason(client, event, owner):
    client.force_login(owner)
    member = _member(event, owner)
    response = client.post(reverse("organiser:team_remove", args=["expo", member.pk]))
    assert (response.status_code, response["Location"]) == (302, TEAM_URL)
    assert EventTeamMember.objects.filter(pk=member.pk).exists() is True
    assert messages_of(response) == [
        "An event needs at least one owner. Make someone else owner before removing this one."
    ]


def test_team_remove_myself_when_another_owner_remains_sends_me_home(client, event, owner):
    TeamMemberFactory(event=event, role=TeamRole.OWNER)
    client.force_login(owner)
    response = client.post(reverse("organiser:team_remove", args=["expo", _member(event, owner).pk]))
    assert (response.status_code, response["Location"]) == (302, "/organiser/")
    assert event.team.filter(user=owner).exists() is False


def test_team_remove_by_a_moderator_is_refused_with_403(client, event, owner, moderator):
    client.force_login(moderator)
    member = _member(event, owner)
    response = client.post(reverse("organiser:team_remove", args=["expo", member.pk]))
    assert (response.status_code, EventTeamMember.objects.filter(pk=member.pk).exists()) == (
        403,
        True,
    )


def test_team_remove_get_is_not_allowed(client, event, owner, moderator):
    client.force_login(owner)
    response = client.get(reverse("organiser:team_remove", args=["expo", _member(event, moderator).pk]))
    assert response.status_code == 405


def test_team_remove_a_member_of_another_event_gets_404(client, event, owner):
    stranger = TeamMemberFactory(event=EventFactory(), role=TeamRole.MODERATOR)
    client.force_login(owner)
    response = client.post(reverse("organiser:team_remove", args=["expo", stranger.pk]))
    assert (response.status_code, EventTeamMember.objects.filter(pk=stranger.pk).exists()) == (
        404,
        True,
    )


def test_team_invitation_withdraw_by_the_owner_stops_the_link(client, event, owner):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org")
    client.force_login(owner)
    response = client.post(reverse("organiser:team_invitation_withdraw", args=["expo", invitation.pk]))
    assert (response.status_code, response["Location"]) == (302, TEAM_URL)
    assert TeamInvitation.objects.count() == 0
    assert messages_of(response) == ["The invitation to x@example.org is withdrawn."]


def test_team_invitation_withdraw_by_a_moderator_is_refused_with_403(client, event, moderator):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org")
    client.force_login(moderator)
    response = client.post(reverse("organiser:team_invitation_withdraw", args=["expo", invitation.pk]))
    assert (response.status_code, TeamInvitation.objects.count()) == (403, 1)


def test_team_invitation_withdraw_an_accepted_one_gets_404(client, event, owner):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org")
    invitation.accepted_by = UserFactory()
    invitation.accepted_at = invitation.created_at
    invitation.save()
    client.force_login(owner)
    response = client.post(reverse("organiser:team_invitation_withdraw", args=["expo", invitation.pk]))
    assert (response.status_code, TeamInvitation.objects.count()) == (404, 1)

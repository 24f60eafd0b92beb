"""events.services.team: inviting, accepting and removing members of an event's team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import TeamRole
from events.errors import InvitationError, NotAllowed, TeamError
from events.models import EventTeamMember, TeamInvitation
from events.services.team import accept_team_invitation, invite_team_member, remove_team_member
from tests.factories import TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invite_team_member_mails_the_link_once_committed(event, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_team_member(event, " New.Mod@Example.org ", TeamRole.MODERATOR, by=owner)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.mod@example.org",
        TeamRole.MODERATOR,
        owner,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.mod@example.org"]
    assert mail.outbox[0].subject == "You are invited to the team of Expo"
    token = mail.outbox[0].body.split("http://127.0.0.1:8000/accounts/invitations/team/")[1].split("/")[0]
    assert TeamInvitation.by_token(token).get() == invitation


def test_invite_team_member_by_a_moderator_is_refused(event, moderator):
    with pytest.raises(NotAllowed) as caught:
        invite_team_member(event, "someone@example.org", TeamRole.OWNER, by=moderator)
    assert caught.value.message == "Only an owner of the event can change its team."
    assert TeamInvitation.objects.count() == 0


def test_invite_team_member_already_on_the_team_is_refused(event, owner, moderator):
    with pytest.raises(TeamError) as caught:
        invite_team_member(event, "MOD@example.org", TeamRole.OWNER, by=owner)
    assert (caught.value.code, caught.value.message) == (
        "team.already_member",
        "mod@example.org is already on the team.",
    )
    assert TeamInvitation.objects.count() == 0


def test_accept_team_invitation_adds_the_user_with_the_invited_role(event, owner):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org", role=TeamRole.OWNER)
    newcomer = UserFactory(email="x@example.org")
    member = accept_team_invitation(invitation.token, by=newcomer)
    invitation.refresh_from_db()
    assert (member.event, member.user, member.role) == (event, newcomer, TeamRole.OWNER)
    assert invitation.accepted_by == newcomer
    assert invitation.accepted_at is not None


def test_accept_team_invitation_used_twice_is_refused(event):
    invitation = TeamInvitation.objects.create(event=event, email="x@example.org")
    accept_team_invitation(invitation.token, by=UserFactory(email="x@example.org"))
    latecomer = UserFactory()
    with pytest.raises(InvitationError) as caught:
        accept_team_invitation(invitation.token, by=latecomer)
    assert (caught.value.code, caught.value.message) == (
        "invitation.invalid",
        "This invitation link is not valid or has already been used.",
    )
    assert EventTeamMember.objects.filter(user=latecomer).exists() is False


def test_accept_team_invitation_expired_is_refused(event):
    invitation = TeamInvitation.objects.create(
        event=event, email="x@example.org", expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    user = UserFactory()
    with pytest.raises(InvitationError) as caught:
        accept_team_invitation(invitation.token, by=user)
    assert (caught.value.code, caught.value.message) == (
        "invitation.expired",
        "This invitation has expired. Ask the event owner to send a new one.",
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_at, EventTeamMember.objects.filter(user=user).exists()) == (
        None,
        False,
    )


def test_accept_team_invitation_unknown_token_is_refused(event):
    with pytest.raises(InvitationError) as caught:
        accept_team_invitation("no-such-token", by=UserFactory())
    assert caught.value.code == "invitation.invalid"


def test_remove_team_member_the_last_owner_is_refused(event, owner, moderator):
    member = EventTeamMember.objects.get(event=event, user=owner)
    with pytest.raises(TeamError) as caught:
        remove_team_member(member, by=owner)
    assert (caught.value.code, caught.value.message) == (
        "team.last_owner",
        "An event needs at least one owner. Make someone else owner before removing this one.",
    )
    assert EventTeamMember.objects.filter(pk=member.pk).exists() is True


def test_remove_team_member_an_owner_when_another_remains(event, owner):
    second = TeamMemberFactory(event=event, role=TeamRole.OWNER)
    remove_team_member(second, by=owner)
    assert list(event.team.values_list("user", flat=True)) == [owner.pk]


def test_remove_team_member_by_a_moderator_is_refused(event, owner, moderator):
    member = EventTeamMember.objects.get(event=event, user=owner)
    with pytest.raises(NotAllowed):
        remove_team_member(member, by=moderator)
    assert event.team.count() == 2


# --- Bound to the invited address, stored hashed (issue 10, part 9b) ---------------------------


def test_accept_team_invitation_by_another_account_is_refused(event):
    invitation = TeamInvitation.objects.create(event=event, email="invited@example.org", role=TeamRole.OWNER)
    intruder = UserFactory(email="intruder@example.org")
    with pytest.raises(InvitationError) as caught:
        accept_team_invitation(invitation.token, by=intruder)
    assert (caught.value.code, caught.value.message) == (
        "invitation.wrong_account",
        "This invitation was sent to i•••@e•••.org, but you are logged in as intruder@example.org. "
        "Log out, then log in (or create a log-in) with the invited address to accept it.",
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_at, EventTeamMember.objects.filter(user=intruder).exists()) == (None, False)
    # The invited address, in any case, still accepts.
    member = accept_team_invitation(invitation.token, by=UserFactory(email="Invited@Example.org"))
    assert member.role == TeamRole.OWNER


def test_team_invitation_database_holds_only_the_hash_of_the_mailed_token(
    event, owner, django_capture_on_commit_callbacks
):
    import hashlib
    import re

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_team_member(event, "new@example.org", TeamRole.MODERATOR, by=owner)
    token = re.search(r"/accounts/invitations/team/([\w-]+)/", mail.outbox[0].body).group(1)
    stored = TeamInvitation.objects.filter(pk=invitation.pk).values()[0]
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert [key for key, value in stored.items() if token in str(value)] == []
    member = accept_team_invitation(token, by=UserFactory(email="new@example.org"))
    assert member.role == TeamRole.MODERATOR

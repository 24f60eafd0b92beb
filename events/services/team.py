"""The event team: inviting owners and moderators, accepting, removing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import TeamRole
from ..errors import InvitationError, NotAllowed, TeamError
from ..models import Event, EventTeamMember, TeamInvitation, User
from ..queue import enqueue_after_commit


def invite_team_member(event: Event, email: str, role: str, *, by: User) -> TeamInvitation:
    if not by.has_perm("events.manage_team", event):
        raise NotAllowed(_("Only an owner of the event can change its team."))
    email = email.strip().lower()
    if event.team.filter(user__email=email).exists():
        raise TeamError(_("%(email)s is already on the team.") % {"email": email}, code="team.already_member")
    invitation = TeamInvitation.objects.create(event=event, email=email, role=role, invited_by=by)
    enqueue_after_commit("events.tasks.send_team_invitation", invitation.pk)
    return invitation


def check_invited_address(invitation, *, by: User) -> None:
    """InvitationError unless the accepting account's address is the invited one (shown masked: the page may
    be open on someone else's screen)."""
    if not invitation.is_for(by):
        raise InvitationError(
            _(
                "This invitation was sent to %(invited)s, but you are logged in as %(me)s. "
                "Log out, then log in (or create a log-in) with the invited address to accept it."
            )
            % {"invited": invitation.masked_email, "me": by.email},
            code="invitation.wrong_account",
        )


@transaction.atomic
def accept_team_invitation(token: str, *, by: User) -> EventTeamMember:
    """Only the account with the invited address accepts: a forwarded or leaked link is no key."""
    invitation = TeamInvitation.by_token(token).select_for_update().first()
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationError(_("This invitation link is not valid or has already been used."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the event owner to send a new one."),
            code="invitation.expired",
        )
    check_invited_address(invitation, by=by)
    member, _created = EventTeamMember.objects.update_or_create(
        event=invitation.event, user=by, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


@transaction.atomic
def remove_team_member(member: EventTeamMember, *, by: User) -> None:
    if not by.has_perm("events.manage_team", member.event):
        raise NotAllowed(_("Only an owner of the event can change its team."))
    owners = EventTeamMember.objects.select_for_update().filter(event=member.event, role=TeamRole.OWNER)
    if member.role == TeamRole.OWNER and owners.count() <= 1:
        raise TeamError(
            _("An event needs at least one owner. Make someone else owner before removing this one."),
            code="team.last_owner",
        )
    member.delete()


def withdraw_team_invitation(invitation: TeamInvitation, *, by: User) -> None:
    """Withdrawing deletes the invitation: its link stops working and a queued mail is skipped."""
    if not by.has_perm("events.manage_team", invitation.event):
        raise NotAllowed(_("Only an owner of the event can change its team."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation was already accepted."), code="invitation.used")
    invitation.delete()

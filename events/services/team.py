"""The event team: inviting owners and moderators, accepting, removing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import TeamRole
from ..errors import InvitationError, NotAllowed, TeamError
from ..models import Event, EventTeamMember, TeamInvitation, User


def invite_team_member(event: Event, email: str, role: str, *, by: User) -> TeamInvitation:
    if not by.has_perm("events.manage_team", event):
        raise NotAllowed(_("Only an owner of the event can change its team."))
    email = email.strip().lower()
    if event.team.filter(user__email=email).exists():
        raise TeamError(_("%(email)s is already on the team.") % {"email": email}, code="team.already_member")
    invitation = TeamInvitation.objects.create(event=event, email=email, role=role, invited_by=by)
    from ..tasks import send_team_invitation

    transaction.on_commit(lambda: send_team_invitation.delay(invitation.pk))
    return invitation


@transaction.atomic
def accept_team_invitation(token: str, *, user: User) -> EventTeamMember:
    invitation = TeamInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationError(_("This invitation link is not valid or has already been used."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the event owner to send a new one."),
            code="invitation.expired",
        )
    member, _created = EventTeamMember.objects.update_or_create(
        event=invitation.event, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
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

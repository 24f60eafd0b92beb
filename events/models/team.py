"""The event team: one or more owners and their moderators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import TeamRole
from .event import Event
from .invitation import InvitationBase


class EventTeamMember(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teams")
    role = models.CharField(_("role"), max_length=16, choices=TeamRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_role_per_event")]
        ordering = ["role", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) @ {self.event}"


class TeamInvitation(InvitationBase):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team_invitations")
    role = models.CharField(_("role"), max_length=16, choices=TeamRole.choices, default=TeamRole.MODERATOR)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

"""Organiser pages for an event's team: who is on it, inviting, removing, withdrawing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from ..errors import NotAllowed, TeamError
from ..forms import TeamInvitationForm
from ..permissions import MANAGE_TEAM
from ..services.team import invite_team_member, remove_team_member, withdraw_team_invitation
from .mixins import FormRefusalMixin, OrganiserMixin


class TeamView(FormRefusalMixin, OrganiserMixin, FormView):
    """Everyone on the team reads this page; only owners (of an open event) post the invite form."""

    template_name = "events/organiser/team.html"
    form_class = TeamInvitationForm

    write_permission = MANAGE_TEAM

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_manage = self.request.user.has_perm(MANAGE_TEAM, self.event)
        context["can_manage_team"] = can_manage
        if not can_manage:
            context.pop("form", None)
        context["members"] = self.event.team.select_related("user").order_by("role", "user__email")
        context["invitations"] = self.event.team_invitations.filter(accepted_at__isnull=True).order_by(
            "email", "-created_at"
        )
        return context

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            invitation = invite_team_member(
                self.event, email, form.cleaned_data["role"], by=self.request.user
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except TeamError as error:
            return self.form_refused(form, error, "email")
        messages.success(
            self.request,
            _("An invitation is on its way to %(email)s. It works for %(days)s days.")
            % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
        )
        return redirect("organiser:team", slug=self.event.slug)


class TeamMemberRemoveView(OrganiserMixin, View):
    page_permission = MANAGE_TEAM
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(self.event.team.select_related("user"), pk=kwargs["member_id"])
        try:
            remove_team_member(member, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except TeamError as error:
            messages.error(request, error.message)
            return redirect("organiser:team", slug=self.event.slug)
        if member.user_id == request.user.pk:
            messages.success(request, _("You have left the team of %(event)s.") % {"event": self.event})
            return redirect("organiser:home")
        messages.success(request, _("%(person)s is no longer on the team.") % {"person": member.user})
        return redirect("organiser:team", slug=self.event.slug)


class TeamInvitationWithdrawView(OrganiserMixin, View):
    page_permission = MANAGE_TEAM
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            self.event.team_invitations, pk=kwargs["invitation_id"], accepted_at__isnull=True
        )
        withdraw_team_invitation(invitation, by=request.user)
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
        return redirect("organiser:team", slug=self.event.slug)

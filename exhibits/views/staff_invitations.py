"""Accepting an invitation to staff an exhibitor."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from events.views.accounts import AcceptInvitationBase

from ..models import StaffInvitation
from ..services.exhibitors import accept_staff_invitation


class AcceptStaffInvitationView(AcceptInvitationBase):
    invitation_model = StaffInvitation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = context["invitation"]
        if invitation:
            context["what"] = _("staff the booth of %(exhibitor)s at %(event)s") % {
                "exhibitor": invitation.exhibitor.name,
                "event": invitation.exhibitor.event.name,
            }
        return context

    def accept(self, user):
        staff = accept_staff_invitation(self.kwargs["token"], by=user)
        messages.success(
            self.request, _("You are now staff of %(exhibitor)s.") % {"exhibitor": staff.exhibitor.name}
        )
        return redirect("exhibitor:home").url

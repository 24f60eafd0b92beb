"""Accepting an exhibitor staff invitation (under /accounts/, namespace "staff_invitations")."""

from django.urls import path

from ..views import staff_invitations

app_name = "staff_invitations"
urlpatterns = [
    path(
        "invitations/staff/<str:token>/", staff_invitations.AcceptStaffInvitationView.as_view(), name="accept"
    ),
]

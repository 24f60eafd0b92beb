"""Sign-up, log-in, log-out and accepting team invitations."""

from django.urls import path

from ..views import accounts

app_name = "accounts"
urlpatterns = [
    path("signup/", accounts.SignupView.as_view(), name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "invitations/team/<str:token>/",
        accounts.AcceptTeamInvitationView.as_view(),
        name="accept_team_invitation",
    ),
]

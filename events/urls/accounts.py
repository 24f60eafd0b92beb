"""Sign-up (confirmed by mail), log-in, log-out, password reset and accepting team invitations."""

from django.urls import path

from ..views import accounts

app_name = "accounts"
urlpatterns = [
    path("signup/", accounts.SignupView.as_view(), name="signup"),
    path("signup/sent/", accounts.SignupSentView.as_view(), name="signup_sent"),
    path("signup/confirm/<str:token>/", accounts.SignupConfirmView.as_view(), name="signup_confirm"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("organisers/invite/", accounts.InviteOrganiserView.as_view(), name="invite_organiser"),
    path(
        "invitations/organiser/<str:token>/",
        accounts.AcceptOrganiserInvitationView.as_view(),
        name="accept_organiser_invitation",
    ),
    path(
        "invitations/team/<str:token>/",
        accounts.AcceptTeamInvitationView.as_view(),
        name="accept_team_invitation",
    ),
]

"""Visitors' way in: register, join by access code, sign in, and the lobby.

Mounted before the public catch-all, so "signin/<token>/" must come before "<slug>/...".
"""

from django.urls import path

from ..views import recovery, registration

app_name = "attendee"
urlpatterns = [
    path("signin/<str:token>/", registration.SignInLinkView.as_view(), name="signin_link"),
    path("<slug:slug>/register/", registration.RegisterView.as_view(), name="register"),
    path(
        "<slug:slug>/register/confirm/",
        registration.ConfirmRegistrationView.as_view(),
        name="confirm_registration",
    ),
    path("<slug:slug>/join/", registration.JoinView.as_view(), name="join"),
    path("<slug:slug>/join/recover/", recovery.RecoverSeatView.as_view(), name="recover"),
    path("<slug:slug>/signin/", registration.SignInView.as_view(), name="signin"),
    path("<slug:slug>/signin/new-link/", registration.NewLinkView.as_view(), name="new_link"),
    path("<slug:slug>/signin/sent/", registration.LinkSentView.as_view(), name="link_sent"),
    path("<slug:slug>/lobby/", registration.LobbyView.as_view(), name="lobby"),
]

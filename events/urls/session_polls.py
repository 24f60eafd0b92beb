"""A session's polls without JavaScript: the forms on the session's page post here."""

from django.urls import path

from ..views import session_polls as views

app_name = "polls"
base = "<slug:slug>/sessions/<int:session_id>/polls/"
urlpatterns = [
    path(f"{base}new/", views.CreatePollView.as_view(), name="create"),
    path(f"{base}<int:poll_id>/vote/", views.VoteView.as_view(), name="vote"),
    path(f"{base}<int:poll_id>/state/", views.PollStateView.as_view(), name="state"),
]

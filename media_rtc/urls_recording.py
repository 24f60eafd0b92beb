"""Pages of recordings (namespace "recordings"): the organiser's Start and Stop for a session's
stage and a booth's room, and a replay's files and progress."""

from django.urls import path

from . import views_recording as views

app_name = "recordings"
urlpatterns = [
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/recording/",
        views.RecordingPageView.as_view(),
        name="session",
    ),
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/recording/start/",
        views.StartRecordingView.as_view(),
        name="session_start",
    ),
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/recording/stop/",
        views.StopRecordingView.as_view(),
        name="session_stop",
    ),
    path(
        "organiser/<slug:slug>/booths/<int:booth_id>/recording/",
        views.RecordingPageView.as_view(),
        name="booth",
    ),
    path(
        "organiser/<slug:slug>/booths/<int:booth_id>/recording/start/",
        views.StartRecordingView.as_view(),
        name="booth_start",
    ),
    path(
        "organiser/<slug:slug>/booths/<int:booth_id>/recording/stop/",
        views.StopRecordingView.as_view(),
        name="booth_stop",
    ),
    path(
        "<slug:slug>/recordings/<int:recording_id>/progress/",
        views.ReplayProgressView.as_view(),
        name="progress",
    ),
    path(
        "<slug:slug>/recordings/<int:recording_id>/<str:variant>/",
        views.ReplayFileView.as_view(),
        name="file",
    ),
]

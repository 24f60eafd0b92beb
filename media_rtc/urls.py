"""Pages of live video (namespace "rtc_meetings"): joining a meeting booked ahead, and the
meeting page of a meeting between two visitors."""

from django.urls import path

from . import views

app_name = "rtc_meetings"
urlpatterns = [
    path(
        "<slug:slug>/meetings/<int:appointment_id>/join/",
        views.JoinBookedMeetingView.as_view(),
        name="join",
    ),
    path(
        "<slug:slug>/visitor-meetings/<int:meeting_id>/join/",
        views.JoinVisitorMeetingView.as_view(),
        name="join_visitor",
    ),
    path("<slug:slug>/meeting-room/", views.MeetingPageView.as_view(), name="room"),
]

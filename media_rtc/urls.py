"""Pages of live video (namespace "rtc_meetings"): joining a meeting booked ahead."""

from django.urls import path

from . import views

app_name = "rtc_meetings"
urlpatterns = [
    path(
        "<slug:slug>/meetings/<int:appointment_id>/join/",
        views.JoinBookedMeetingView.as_view(),
        name="join",
    ),
]

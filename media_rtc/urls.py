"""Pages of live video (namespace "rtc_meetings"): joining a meeting booked ahead, the meeting page
of a meeting between two visitors, and conference rooms (the organiser's and the sites' pages)."""

from django.urls import path

from . import views, views_conference

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
    # Conferences (many organisations on one screen): the organiser's pages, then the sites'.
    path(
        "organiser/<slug:slug>/conferences/",
        views_conference.OrganiserConferencesView.as_view(),
        name="conferences",
    ),
    path(
        "organiser/<slug:slug>/conferences/new/",
        views_conference.CreateConferenceView.as_view(),
        name="conference_create",
    ),
    path(
        "organiser/<slug:slug>/conferences/<int:conference_id>/",
        views_conference.OrganiserConferenceView.as_view(),
        name="conference_edit",
    ),
    path(
        "organiser/<slug:slug>/conferences/<int:conference_id>/invite-exhibitors/",
        views_conference.InviteExhibitorsView.as_view(),
        name="conference_invite_exhibitors",
    ),
    path(
        "organiser/<slug:slug>/conferences/<int:conference_id>/invite-person/",
        views_conference.InvitePersonView.as_view(),
        name="conference_invite_person",
    ),
    path(
        "organiser/<slug:slug>/conferences/<int:conference_id>/uninvite/",
        views_conference.UninviteView.as_view(),
        name="conference_uninvite",
    ),
    path(
        "organiser/<slug:slug>/conferences/<int:conference_id>/delete/",
        views_conference.DeleteConferenceView.as_view(),
        name="conference_delete",
    ),
    path("<slug:slug>/conferences/", views_conference.MyConferencesView.as_view(), name="my_conferences"),
    path(
        "<slug:slug>/conferences/<int:conference_id>/",
        views_conference.ConferencePageView.as_view(),
        name="conference",
    ),
    path(
        "<slug:slug>/conferences/<int:conference_id>/thumbnails/<str:site>.jpg",
        views_conference.ThumbnailView.as_view(),
        name="conference_thumbnail",
    ),
]

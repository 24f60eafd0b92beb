"""The visitor's tour of an event (namespace "visit"): halls, booths, finding booths, the agenda,
bookmarks and calendar files."""

from django.urls import path

from ..views import (
    agenda,
    analytics,
    appointments,
    bookmarks,
    documents,
    leads,
    public,
    sessions,
    visitor_meetings,
)

app_name = "visit"
urlpatterns = [
    path("<slug:slug>/halls/<int:hall_id>/", public.HallView.as_view(), name="hall"),
    path("<slug:slug>/booths/<int:booth_id>/", public.BoothView.as_view(), name="booth"),
    path(
        "<slug:slug>/exhibitors/<int:exhibitor_id>/plan-logo/<str:version>.webp",
        public.PlanLogoView.as_view(),
        name="plan_logo",
    ),
    path(
        "<slug:slug>/booths/<int:booth_id>/documents/<int:asset_id>/",
        documents.DocumentView.as_view(),
        name="document",
    ),
    path("<slug:slug>/find/", public.SearchView.as_view(), name="search"),
    path("<slug:slug>/agenda/", agenda.AgendaView.as_view(), name="agenda"),
    path("<slug:slug>/sessions/<int:session_id>/", sessions.SessionView.as_view(), name="session"),
    path(
        "<slug:slug>/agenda/<int:session_id>/calendar.ics",
        agenda.SessionCalendarView.as_view(),
        name="session_calendar",
    ),
    path("<slug:slug>/calendar/<str:token>.ics", agenda.CalendarFeedView.as_view(), name="calendar_feed"),
    path("<slug:slug>/bookmarks/", bookmarks.BookmarksView.as_view(), name="bookmarks"),
    path(
        "<slug:slug>/bookmarks/calendar/renew/",
        bookmarks.RenewCalendarFeedView.as_view(),
        name="calendar_feed_renew",
    ),
    path(
        "<slug:slug>/booths/<int:booth_id>/bookmark/",
        bookmarks.BoothBookmarkView.as_view(),
        name="bookmark_booth",
    ),
    path(
        "<slug:slug>/agenda/<int:session_id>/bookmark/",
        bookmarks.SessionBookmarkView.as_view(),
        name="bookmark_session",
    ),
    path("<slug:slug>/booths/<int:booth_id>/share/", leads.ShareContactView.as_view(), name="share_contact"),
    path(
        "<slug:slug>/booths/<int:booth_id>/withdraw/",
        leads.WithdrawContactView.as_view(),
        name="withdraw_contact",
    ),
    path(
        "<slug:slug>/booths/<int:booth_id>/asset-event/",
        analytics.AssetEventView.as_view(),
        name="asset_event",
    ),
    # Meetings by appointment (exhibits/views/appointments.py): booked at a booth, kept in "My
    # meetings"; confirming, cancelling and moving are for either side of the meeting.
    path(
        "<slug:slug>/booths/<int:booth_id>/meetings/",
        appointments.BookMeetingView.as_view(),
        name="book_meeting",
    ),
    path("<slug:slug>/meetings/", appointments.MyMeetingsView.as_view(), name="meetings"),
    path(
        "<slug:slug>/meetings/<int:appointment_id>/confirm/",
        appointments.ConfirmMeetingView.as_view(),
        name="meeting_confirm",
    ),
    path(
        "<slug:slug>/meetings/<int:appointment_id>/cancel/",
        appointments.CancelMeetingView.as_view(),
        name="meeting_cancel",
    ),
    path(
        "<slug:slug>/meetings/<int:appointment_id>/move/",
        appointments.MoveMeetingView.as_view(),
        name="meeting_move",
    ),
    # Meetings between two visitors, by consent (exhibits/views/visitor_meetings.py).
    path("<slug:slug>/people/", visitor_meetings.PeopleOpenToMeetingsView.as_view(), name="people"),
    path(
        "<slug:slug>/people/<int:attendee_id>/meet/",
        visitor_meetings.AskForMeetingView.as_view(),
        name="ask_meeting",
    ),
    path(
        "<slug:slug>/visitor-meetings/<int:visitor_meeting_id>/accept/",
        visitor_meetings.AcceptVisitorMeetingView.as_view(),
        name="visitor_meeting_accept",
    ),
    path(
        "<slug:slug>/visitor-meetings/<int:visitor_meeting_id>/decline/",
        visitor_meetings.DeclineVisitorMeetingView.as_view(),
        name="visitor_meeting_decline",
    ),
    path(
        "<slug:slug>/visitor-meetings/<int:visitor_meeting_id>/cancel/",
        visitor_meetings.CancelVisitorMeetingView.as_view(),
        name="visitor_meeting_cancel",
    ),
    path(
        "<slug:slug>/visitor-meetings/<int:visitor_meeting_id>/move/",
        visitor_meetings.ProposeVisitorMeetingTimeView.as_view(),
        name="visitor_meeting_move",
    ),
]

"""Organiser pages of the events app: my events, each event's settings, team and schedule."""

from django.urls import path

from ..views import (
    organiser_api,
    organiser_charts,
    organiser_event,
    organiser_live,
    organiser_moderation,
    organiser_schedule,
    organiser_team,
)

app_name = "organiser"
urlpatterns = [
    path("", organiser_event.HomeView.as_view(), name="home"),
    path("events/new/", organiser_event.EventCreateView.as_view(), name="event_create"),
    path("<slug:slug>/", organiser_event.DashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/edit/", organiser_event.EventEditView.as_view(), name="event_edit"),
    path("<slug:slug>/status/", organiser_event.EventStatusView.as_view(), name="event_status"),
    path("<slug:slug>/delete/", organiser_event.EventDeleteView.as_view(), name="event_delete"),
    path("<slug:slug>/live/", organiser_live.LiveView.as_view(), name="live"),
    # The dashboard's charts as data (JSON) and for spreadsheets (CSV).
    path(
        "<slug:slug>/charts/<slug:chart>.json",
        organiser_charts.DashboardChartView.as_view(fmt="json"),
        name="dashboard_chart_json",
    ),
    path(
        "<slug:slug>/charts/<slug:chart>.csv",
        organiser_charts.DashboardChartView.as_view(fmt="csv"),
        name="dashboard_chart_csv",
    ),
    path("<slug:slug>/moderation/", organiser_moderation.ModerationView.as_view(), name="moderation"),
    path(
        "<slug:slug>/moderation/<int:sanction_id>/lift/",
        organiser_moderation.SanctionLiftView.as_view(),
        name="sanction_lift",
    ),
    path("<slug:slug>/team/", organiser_team.TeamView.as_view(), name="team"),
    path(
        "<slug:slug>/team/<int:member_id>/remove/",
        organiser_team.TeamMemberRemoveView.as_view(),
        name="team_remove",
    ),
    path(
        "<slug:slug>/team/invitations/<int:invitation_id>/withdraw/",
        organiser_team.TeamInvitationWithdrawView.as_view(),
        name="team_invitation_withdraw",
    ),
    path("<slug:slug>/schedule/", organiser_schedule.ScheduleView.as_view(), name="schedule"),
    path(
        "<slug:slug>/schedule/new/",
        organiser_schedule.SessionCreateView.as_view(),
        name="session_create",
    ),
    path(
        "<slug:slug>/schedule/<int:session_id>/edit/",
        organiser_schedule.SessionEditView.as_view(),
        name="session_edit",
    ),
    path(
        "<slug:slug>/schedule/<int:session_id>/delete/",
        organiser_schedule.SessionDeleteView.as_view(),
        name="session_delete",
    ),
    # The API's tokens and webhooks (docs/api.md)
    path("<slug:slug>/api/tokens/", organiser_api.ApiTokensView.as_view(), name="api_tokens"),
    path(
        "<slug:slug>/api/tokens/<int:event_token_id>/revoke/",
        organiser_api.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path("<slug:slug>/api/webhooks/", organiser_api.WebhooksView.as_view(), name="webhooks"),
    path(
        "<slug:slug>/api/webhooks/<int:event_webhook_id>/delete/",
        organiser_api.WebhookChangeView.as_view(action="delete"),
        name="webhook_delete",
    ),
    path(
        "<slug:slug>/api/webhooks/<int:event_webhook_id>/enable/",
        organiser_api.WebhookChangeView.as_view(action="enable"),
        name="webhook_enable",
    ),
]

"""Exhibitor staff pages (mounted at /exhibitor/, namespace "exhibitor")."""

from django.urls import path

from ..views import analytics, appointments, exhibitor, exhibitor_api, leads, staff_calendar
from ..views import booth_editor as editor

urlpatterns = [
    path("", exhibitor.HomeView.as_view(), name="home"),
    path("<int:exhibitor_id>/edit/", exhibitor.ExhibitorEditView.as_view(), name="exhibitor_edit"),
    path("<int:exhibitor_id>/leads/", leads.LeadListView.as_view(), name="leads"),
    path("<int:exhibitor_id>/leads/export/", leads.LeadExportView.as_view(), name="leads_export"),
    path("<int:exhibitor_id>/leads/<int:lead_id>/", leads.LeadEditView.as_view(), name="lead_edit"),
    # The exhibitor's API tokens (its leads) and lead webhooks (docs/api.md)
    path("<int:exhibitor_id>/api/tokens/", exhibitor_api.ExhibitorTokensView.as_view(), name="api_tokens"),
    path(
        "<int:exhibitor_id>/api/tokens/<int:staff_token_id>/revoke/",
        exhibitor_api.ExhibitorTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path("<int:exhibitor_id>/api/webhooks/", exhibitor_api.ExhibitorWebhooksView.as_view(), name="webhooks"),
    path(
        "<int:exhibitor_id>/api/webhooks/<int:staff_webhook_id>/delete/",
        exhibitor_api.ExhibitorWebhookChangeView.as_view(action="delete"),
        name="webhook_delete",
    ),
    path(
        "<int:exhibitor_id>/api/webhooks/<int:staff_webhook_id>/enable/",
        exhibitor_api.ExhibitorWebhookChangeView.as_view(action="enable"),
        name="webhook_enable",
    ),
    # Meetings by appointment: the day's agenda, publishing times, inviting a lead.
    path("<int:exhibitor_id>/meetings/", appointments.AgendaView.as_view(), name="meetings"),
    path(
        "<int:exhibitor_id>/meetings/publish/",
        appointments.PublishSlotsView.as_view(),
        name="meetings_publish",
    ),
    path(
        "<int:exhibitor_id>/meetings/invite/", appointments.InviteLeadView.as_view(), name="meetings_invite"
    ),
    path(
        "<int:exhibitor_id>/meetings/slots/<int:slot_id>/withdraw/",
        appointments.WithdrawSlotView.as_view(),
        name="meeting_slot_withdraw",
    ),
    # The staff member's own calendar feed of these meetings: a secret address, no log-in.
    path(
        "<int:exhibitor_id>/meetings/calendar/<str:token>.ics",
        staff_calendar.StaffCalendarFeedView.as_view(),
        name="meetings_calendar_feed",
    ),
    path(
        "<int:exhibitor_id>/meetings/calendar/renew/",
        staff_calendar.RenewStaffCalendarFeedView.as_view(),
        name="meetings_calendar_renew",
    ),
    path("booths/<int:booth_id>/analytics/", analytics.BoothAnalyticsView.as_view(), name="booth_analytics"),
    path(
        "booths/<int:booth_id>/analytics/<slug:booth_chart>.json",
        analytics.BoothChartView.as_view(fmt="json"),
        name="booth_chart_json",
    ),
    path(
        "booths/<int:booth_id>/analytics/<slug:booth_chart>.csv",
        analytics.BoothChartView.as_view(fmt="csv"),
        name="booth_chart_csv",
    ),
    # The booth editor: words and topics, links, files (H1).
    path("booths/<int:booth_id>/editor/", editor.BoothContentView.as_view(), name="booth_editor"),
    path(
        "booths/<int:booth_id>/editor/preview/",
        editor.BoothTextPreviewView.as_view(),
        name="booth_text_preview",
    ),
    path("booths/<int:booth_id>/editor/links/", editor.BoothLinksView.as_view(), name="booth_links"),
    path(
        "booths/<int:booth_id>/editor/links/<int:link_id>/move/",
        editor.BoothLinkMoveView.as_view(),
        name="booth_link_move",
    ),
    path(
        "booths/<int:booth_id>/editor/links/<int:link_id>/edit/",
        editor.BoothLinkEditView.as_view(),
        name="booth_link_edit",
    ),
    path(
        "booths/<int:booth_id>/editor/links/<int:link_id>/delete/",
        editor.BoothLinkDeleteView.as_view(),
        name="booth_link_delete",
    ),
    path("booths/<int:booth_id>/editor/files/", editor.BoothMediaView.as_view(), name="booth_media"),
    path(
        "booths/<int:booth_id>/editor/files/progress.json",
        editor.BoothMediaProgressView.as_view(),
        name="booth_media_progress",
    ),
    path(
        "booths/<int:booth_id>/editor/files/<int:asset_id>/move/",
        editor.BoothAssetMoveView.as_view(),
        name="booth_asset_move",
    ),
    path(
        "booths/<int:booth_id>/editor/files/<int:asset_id>/again/",
        editor.BoothAssetRetryView.as_view(),
        name="booth_asset_retry",
    ),
    path(
        "booths/<int:booth_id>/editor/files/<int:asset_id>/edit/",
        editor.BoothAssetEditView.as_view(),
        name="booth_asset_edit",
    ),
    path(
        "booths/<int:booth_id>/editor/files/<int:asset_id>/delete/",
        editor.BoothAssetDeleteView.as_view(),
        name="booth_asset_delete",
    ),
]

"""Organiser pages of personal data: exports, the audit log, the shredder.

Mounted under organiser/<slug>/ as namespace "privacy_admin".
"""

from django.urls import path

from ..views import organiser_privacy as views

urlpatterns = [
    path("exports/", views.ExportsView.as_view(), name="exports"),
    path("exports/new/", views.ExportCreateView.as_view(), name="export_create"),
    path("exports/<int:job_id>/", views.ExportView.as_view(), name="export"),
    path(
        "exports/<int:job_id>/progress.json",
        views.ExportProgressView.as_view(),
        name="export_progress",
    ),
    path("exports/<int:job_id>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
    path("shred/", views.ShredView.as_view(), name="shred"),
]

"""Organiser pages for the floor of one event (mounted at /organiser/<slug>/, namespace "floor")."""

from django.urls import path

from ..views import appointments, stage_documents
from ..views import organiser_booths as booths
from ..views import organiser_exhibitors as exhibitors
from ..views import organiser_floor_import as floor_import
from ..views import organiser_halls as halls

urlpatterns = [
    path("halls/", halls.HallListView.as_view(), name="halls"),
    path("halls/new/", halls.HallCreateView.as_view(), name="hall_create"),
    path("halls/<int:hall_id>/edit/", halls.HallEditView.as_view(), name="hall_edit"),
    path("halls/<int:hall_id>/move/", halls.HallMoveView.as_view(), name="hall_move"),
    path("halls/<int:hall_id>/delete/", halls.HallDeleteView.as_view(), name="hall_delete"),
    path("exhibitors/", exhibitors.ExhibitorListView.as_view(), name="exhibitors"),
    path("exhibitors/new/", exhibitors.ExhibitorCreateView.as_view(), name="exhibitor_create"),
    path(
        "exhibitors/<int:exhibitor_id>/",
        exhibitors.ExhibitorDetailView.as_view(),
        name="exhibitor_detail",
    ),
    path(
        "exhibitors/<int:exhibitor_id>/edit/",
        exhibitors.ExhibitorEditView.as_view(),
        name="exhibitor_edit",
    ),
    path(
        "exhibitors/<int:exhibitor_id>/delete/",
        exhibitors.ExhibitorDeleteView.as_view(),
        name="exhibitor_delete",
    ),
    path(
        "exhibitors/<int:exhibitor_id>/staff/<int:staff_id>/remove/",
        exhibitors.StaffRemoveView.as_view(),
        name="staff_remove",
    ),
    path("booths/", booths.BoothListView.as_view(), name="booths"),
    path("booths/import/", floor_import.FloorImportView.as_view(), name="import"),
    path(
        "booths/import/template.csv", floor_import.FloorImportTemplateView.as_view(), name="import_template"
    ),
    path("booths/new/", booths.BoothCreateView.as_view(), name="booth_create"),
    path("booths/<int:booth_id>/edit/", booths.BoothEditView.as_view(), name="booth_edit"),
    path("booths/<int:booth_id>/delete/", booths.BoothDeleteView.as_view(), name="booth_delete"),
    path("meetings/", appointments.MeetingCountsView.as_view(), name="meeting_counts"),  # counts only
    # The documents a main-stage session's presenters show (a session at a booth shows the booth's).
    path(
        "schedule/<int:session_id>/stage/documents/",
        stage_documents.StageDocumentsView.as_view(),
        name="stage_documents",
    ),
    path(
        "schedule/<int:session_id>/stage/documents/<int:asset_id>/remove/",
        stage_documents.StageDocumentRemoveView.as_view(),
        name="stage_document_remove",
    ),
    path(
        "schedule/<int:session_id>/stage/documents/progress.json",
        stage_documents.StageDocumentProgressView.as_view(),
        name="stage_document_progress",
    ),
    path(
        "schedule/<int:session_id>/stage/documents/<int:asset_id>/again/",
        stage_documents.StageDocumentRetryView.as_view(),
        name="stage_document_retry",
    ),
]

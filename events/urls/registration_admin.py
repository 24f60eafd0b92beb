"""Organiser pages of registration, mounted under organiser/<slug>/ as "registration_admin"."""

from django.urls import path

from ..views import organiser_registration as views

urlpatterns = [
    path("registration/", views.SettingsView.as_view(), name="settings"),
    path("registration/questions/", views.QuestionsView.as_view(), name="questions"),
    path("registration/questions/new/", views.QuestionCreateView.as_view(), name="question_create"),
    path("registration/questions/<int:pk>/", views.QuestionEditView.as_view(), name="question_edit"),
    path(
        "registration/questions/<int:pk>/archive/",
        views.QuestionArchiveView.as_view(),
        name="question_archive",
    ),
    path(
        "registration/questions/<int:pk>/restore/",
        views.QuestionRestoreView.as_view(),
        name="question_restore",
    ),
    path(
        "registration/questions/<int:pk>/move/",
        views.QuestionMoveView.as_view(),
        name="question_move",
    ),
    path("registration/preview/", views.PreviewView.as_view(), name="preview"),
    path("institutions/", views.InstitutionsView.as_view(), name="institutions"),
    path("institutions/<int:pk>/", views.InstitutionEditView.as_view(), name="institution_edit"),
    path(
        "institutions/<int:pk>/revoke/",
        views.InstitutionRevokeView.as_view(),
        name="institution_revoke",
    ),
    path(
        "institutions/<int:pk>/seats/revoke/",
        views.SeatRevokeView.as_view(),
        name="seat_revoke",
    ),
    path(
        "institutions/<int:pk>/new-code/",
        views.InstitutionNewCodeView.as_view(),
        name="institution_new_code",
    ),
    path("institutions/new-codes/", views.AllNewCodesView.as_view(), name="institutions_new_codes"),
    path("institutions/codes.csv", views.CodesCsvView.as_view(), name="institutions_codes_csv"),
    path("attendees/", views.AttendeesView.as_view(), name="attendees"),
    path("attendees/<int:pk>/", views.AttendeeView.as_view(), name="attendee"),
    path(
        "attendees/<int:pk>/approve/",
        views.AttendeeDecisionView.as_view(action="approve"),
        name="attendee_approve",
    ),
    path(
        "attendees/<int:pk>/reject/",
        views.AttendeeDecisionView.as_view(action="reject"),
        name="attendee_reject",
    ),
    path(
        "attendees/<int:pk>/cancel/",
        views.AttendeeDecisionView.as_view(action="cancel"),
        name="attendee_cancel",
    ),
]

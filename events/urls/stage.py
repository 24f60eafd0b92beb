"""A session's stage: the speakers' page, a speaker's invitation link, and the hands' forms."""

from django.urls import path

from ..views import organiser_stage as views

app_name = "stage"
hands = "<slug:slug>/sessions/<int:session_id>/stage/"
urlpatterns = [
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/stage/",
        views.StageSpeakersView.as_view(),
        name="speakers",
    ),
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/stage/<int:speaker_id>/remove/",
        views.StageSpeakerRemoveView.as_view(),
        name="speaker_remove",
    ),
    path(
        "organiser/<slug:slug>/schedule/<int:session_id>/stage/<int:speaker_id>/send-again/",
        views.StageSpeakerResendView.as_view(),
        name="speaker_resend",
    ),
    path("accounts/invitations/stage/<str:token>/", views.AcceptStageInvitationView.as_view(), name="accept"),
    path(f"{hands}hand/", views.RaiseHandView.as_view(), name="hand"),
    path(
        f"{hands}hands/<int:hand_id>/bring-on/",
        views.ModerateHandView.as_view(action="bring_on"),
        name="bring_on",
    ),
    path(
        f"{hands}hands/<int:hand_id>/take-off/",
        views.ModerateHandView.as_view(action="take_off"),
        name="take_off",
    ),
]

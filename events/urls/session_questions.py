"""Q&A on a session without JavaScript: the forms on the session's page post here."""

from django.urls import path

from ..views import session_questions as views

app_name = "questions"
base = "<slug:slug>/sessions/<int:session_id>/questions/"
urlpatterns = [
    path(f"{base}ask/", views.AskQuestionView.as_view(), name="ask"),
    path(f"{base}approval/", views.QuestionApprovalView.as_view(), name="approval"),
    path(f"{base}<int:question_id>/vote/", views.VoteForQuestionView.as_view(), name="vote"),
    path(f"{base}<int:question_id>/moderate/", views.ModerateQuestionView.as_view(), name="moderate"),
]

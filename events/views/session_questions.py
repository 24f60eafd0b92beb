"""Q&A on a session without JavaScript: plain forms to ask, vote and moderate, each a POST that
goes back to the session's page; what changed is pushed to the live pages as the socket would."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from ..live import qa_handlers
from ..services import session_questions as qa
from .mixins import SessionPageFormMixin


class SessionQuestionsMixin(SessionPageFormMixin):
    """A POST about a session's questions, by someone in the live event."""

    back_anchor = "#questions"

    def refused(self, error: qa.QuestionError, *, text: str = ""):
        """The refusal on a page of its own, with what was typed and the way back: nothing is lost."""
        context = {"event": self.event, "session": self.session, "error": error.message, "text": text}
        context["back"], context["max_chars"] = self.back_url(), settings.QA_QUESTION_MAX_CHARS
        return render(self.request, "events/live/qa_refused.html", context, status=400)

    def question(self):
        try:
            return qa.find_question(self.session, int(self.kwargs["question_id"]))
        except qa.QuestionError as missing:
            raise Http404(missing.message) from None


class AskQuestionView(SessionQuestionsMixin, View):
    def post(self, request, *args, **kwargs):
        text = request.POST.get("text", "")
        anonymous = request.POST.get("anonymous") == "on"
        try:
            question = qa.ask_question(self.session, text, anonymous=anonymous, by=request.user)
        except qa.QuestionError as error:
            return self.refused(error, text=text)
        qa_handlers.announce(question)
        if question.status == qa.QuestionStatus.PENDING:
            messages.success(
                request, _("Your question was sent. Others see it once a moderator approves it.")
            )
        else:
            messages.success(request, _("Your question was sent."))
        return self.back()


class VoteForQuestionView(SessionQuestionsMixin, View):
    def post(self, request, *args, **kwargs):
        up = request.POST.get("action") != "withdraw"
        try:
            question = qa.vote_for_question(self.question(), up=up, by=request.user)
        except qa.QuestionError as error:
            return self.refused(error)
        qa_handlers.announce_votes(question)
        messages.success(request, _("Your vote is counted.") if up else _("Your vote was taken back."))
        return self.back()


MODERATION = {
    "approve": (qa.approve_question, {}),
    "hide": (qa.hide_question, {}),
    "answer": (qa.mark_answered, {}),
    "unanswer": (qa.mark_answered, {"answered": False}),
    "pin": (qa.pin_question, {}),
    "unpin": (qa.pin_question, {"pin": False}),
}


class ModerateQuestionView(SessionQuestionsMixin, View):
    def post(self, request, *args, **kwargs):
        question = self.question()
        if not qa.may_moderate(request.user, question):
            raise PermissionDenied(
                _("Only the organisers and the staff of this session moderate its questions.")
            )
        action = MODERATION.get(request.POST.get("action", ""))
        if action is None:
            error = qa.QuestionError(
                _("Choose Approve, Hide, Mark answered or Pin for the question, then send again."),
                code="qa.no_action",
            )
            return self.refused(error)
        change, options = action
        qa_handlers.announce(change(question, by=request.user, **options))
        messages.success(request, _("The question was changed."))
        return self.back()


class QuestionApprovalView(SessionQuestionsMixin, View):
    def post(self, request, *args, **kwargs):
        if not qa.may_moderate(request.user, self.session):
            raise PermissionDenied(
                _("Only the organisers and the staff of this session moderate its questions.")
            )
        needs = request.POST.get("needs_approval") != "off"
        qa.set_needs_approval(self.session, needs, by=request.user)
        if needs:
            messages.success(request, _("New questions now wait for your approval."))
        else:
            messages.success(request, _("New questions are now shown at once, without approval."))
        return self.back()

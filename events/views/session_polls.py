"""A session's polls without JavaScript: plain forms to vote and, for its moderators, to write,
open and close a poll; each a POST that goes back to the session's page. What changed is pushed to
the live pages as the socket would push it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ..live import poll_handlers
from ..models import SessionPoll
from ..services import session_polls as polls
from .mixins import SessionPageFormMixin

NOT_A_MODERATOR = gettext_lazy("Only the organisers and the staff of this session run its polls.")


class SessionPollsMixin(SessionPageFormMixin):
    """A POST about a session's polls, by someone in the live event."""

    back_anchor = "#polls"

    def refused(self, error: polls.PollError, **typed):
        """The refusal on a page of its own, with the way back (and, for a new poll, what was typed)."""
        context = {
            "event": self.event,
            "session": self.session,
            "error": error.message,
            "back": self.back_url(),
        }
        return render(self.request, "events/live/polls_refused.html", {**context, **typed}, status=400)

    def poll(self) -> SessionPoll:
        try:
            return polls.find_poll(self.session, self.kwargs["poll_id"])
        except polls.PollError as missing:
            raise Http404(missing.message) from None

    def require_moderator(self) -> None:
        if not polls.may_run_polls(self.request.user, self.session):
            raise PermissionDenied(str(NOT_A_MODERATOR))


class VoteView(SessionPollsMixin, View):
    def post(self, request, *args, **kwargs):
        poll = self.poll()
        try:
            polls.cast_vote(poll, request.POST.getlist("option"), by=request.user)
        except polls.PollError as error:
            return self.refused(error)
        poll_handlers.announce_vote(poll)
        messages.success(request, _("Your vote is counted. You may change it while the poll is open."))
        return self.back()


class CreatePollView(SessionPollsMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_moderator()
        question = request.POST.get("question", "")
        options = request.POST.getlist("option")
        results_while_open = request.POST.get("results_while_open") == "on"
        try:
            poll = polls.create_poll(
                self.session, question, options, results_while_open=results_while_open, by=request.user
            )
            if request.POST.get("action") == "open":
                poll = polls.open_poll(poll, by=request.user)
        except polls.PollError as error:
            typed = {"question": question, "options": options, "results_while_open": results_while_open}
            return self.refused(error, draft=typed, max_options=settings.POLL_MAX_OPTIONS)
        poll_handlers.announce(poll)
        if poll.state == polls.PollState.OPEN:
            messages.success(request, _("The poll is open: everyone on the session's page can vote."))
        else:
            messages.success(
                request, _("The poll is saved as a draft: only moderators see it until you open it.")
            )
        return self.back()


class PollStateView(SessionPollsMixin, View):
    """Open a draft or close an open poll (the button's `action`)."""

    def post(self, request, *args, **kwargs):
        self.require_moderator()
        poll = self.poll()
        change = {"open": polls.open_poll, "close": polls.close_poll}.get(request.POST.get("action", ""))
        try:
            if change is None:
                raise polls.PollError(
                    _("Choose “Open the poll” or “Close the poll”, then send again."), code="poll.no_action"
                )
            poll = change(poll, by=request.user)
        except polls.PollError as error:
            return self.refused(error)
        poll_handlers.announce(poll)
        if poll.state == polls.PollState.OPEN:
            messages.success(request, _("The poll is open: everyone on the session's page can vote."))
        else:
            messages.success(request, _("The poll is closed; everyone sees its results."))
        return self.back()

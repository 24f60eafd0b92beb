"""The organisers' chat moderation page: who is muted or banned, and lifting it.

Muting, banning and deleting happen in the chat itself (chat.js shows the buttons to those who
may); this page is where a moderator reviews the sanctions in force and lifts them.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..enums import SanctionKind
from ..errors import ChatError
from ..services import chat
from .mixins import OrganiserMixin


class ModerationView(OrganiserMixin, TemplateView):
    template_name = "events/organiser/moderation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sanctions"] = chat.active_sanctions(self.event)
        context["ban"] = SanctionKind.BAN
        return context


class SanctionLiftView(OrganiserMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            record = chat.lift_sanction(self.event, kwargs["sanction_id"], by=request.user)
        except ChatError as error:
            messages.error(request, error.message)
        else:
            if record.kind == SanctionKind.BAN:
                messages.success(request, _("The ban is lifted: they can join the live event again."))
            else:
                messages.success(request, _("The mute is lifted: they can write in the chat again."))
        return redirect("organiser:moderation", slug=self.event.slug)

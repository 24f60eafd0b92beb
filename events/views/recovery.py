"""Institution members' way back: the page that shows a recovery code once, and signing in
again with it on another device (services.recovery)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView

from ..interfaces.recovery_forms import RecoveryCodeForm
from ..services.recovery import recover_seat
from .registration import BACKEND, VisitorMixin, client_ip, run_service


def recovery_code_page(request, event, member, code: str, *, renewed: bool = False):
    """The code in clear, this once: rendered into the response (never stored, never cached),
    so the page can be printed or saved; a reload does not show it again."""
    context = {"event": event, "member": member, "code": code, "renewed": renewed}
    response = render(request, "events/registration/recovery_code.html", context)
    response["Cache-Control"] = "no-store"
    return response


class RecoverSeatView(VisitorMixin, FormView):
    """ "Continue on another device / I lost my access": the recovery code signs the member in
    to the seat they already hold."""

    template_name = "events/registration/recover.html"
    form_class = RecoveryCodeForm

    def form_valid(self, form):
        member = run_service(
            form, recover_seat, self.event, code=form.cleaned_data["code"], ip=client_ip(self.request)
        )
        if form.errors:
            return self.form_invalid(form)
        login(self.request, member.user, backend=BACKEND)
        messages.success(
            self.request,
            _("Welcome back, %(name)s. You are on your seat of %(institution)s.")
            % {"name": member.display_name, "institution": member.institution.name},
        )
        return redirect("attendee:lobby", slug=self.event.slug)

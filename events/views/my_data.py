"""The attendee's "My data": everything stored about them, a JSON download, whether others see
their name, and deleting their registration. Only for the signed-in attendee themselves.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..errors import NotAllowed, RakwonError
from ..interfaces.privacy_forms import VisibilityForm
from ..models.registration import is_placeholder_email
from ..services.privacy import (
    answers_in,
    attendee_language,
    change_visibility,
    delete_registration,
    download_attendee_data,
    language_name,
    personal_data_deleted_on,
)
from ..services.recovery import renew_recovery_code
from .mixins import EventPageMixin, SignedInAttendeeMixin
from .recovery import recovery_code_page


class MyRegistrationMixin(SignedInAttendeeMixin):
    """The signed-in attendee's own pages, `self.attendee` loaded (mixins.SignedInAttendeeMixin)."""


class MyDataView(MyRegistrationMixin, TemplateView):
    template_name = "events/privacy/my_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendee, language = self.attendee, attendee_language(self.attendee)
        links = attendee.signin_links.all()
        user_email = attendee.user.email if attendee.user else ""
        context.update(
            attendee=attendee,
            answers=answers_in(attendee, language),
            links_count=len(links),
            latest_link=links[0] if links else None,
            # An individual's account carries the same address; members have none to show.
            account_email="" if is_placeholder_email(user_email) else user_email,
            language_name=language_name(attendee.language) if attendee.language else "",
            deleted_on=personal_data_deleted_on(self.event),
            visibility_form=VisibilityForm(
                initial={
                    "visible_to_others": attendee.visible_to_others,
                    "open_to_meetings": attendee.open_to_meetings,
                }
            ),
        )
        return context


class DownloadView(MyRegistrationMixin, View):
    """Everything stored about the attendee as a JSON file (written to the audit log)."""

    def get(self, request, *args, **kwargs):
        try:
            data = download_attendee_data(self.attendee, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.event.slug}-my-data.json"'
        response["Cache-Control"] = "no-store"
        return response


class VisibilityView(MyRegistrationMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = VisibilityForm(request.POST)
        form.is_valid()  # a checkbox: absent means "no", nothing else can be wrong
        visible = bool(form.cleaned_data.get("visible_to_others"))
        meetings = bool(form.cleaned_data.get("open_to_meetings"))
        try:
            change_visibility(self.attendee, visible=visible, open_to_meetings=meetings, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        if visible:
            messages.success(request, _("Others can now see your name in “who's here”."))
        else:
            messages.success(request, _("Others no longer see your name; you are counted anonymously."))
        return redirect("privacy:my_data", slug=self.event.slug)


class RecoveryCodeView(MyRegistrationMixin, View):
    """An institution member makes a new recovery code; it is shown once, on this response."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            code = renew_recovery_code(self.attendee, by=request.user)
        except RakwonError as error:
            messages.error(request, error.message)
            return redirect("privacy:my_data", slug=self.event.slug)
        return recovery_code_page(request, self.event, self.attendee, code, renewed=True)


class DeleteView(MyRegistrationMixin, TemplateView):
    """Asks first; POST deletes the registration (anonymised in place) and signs the person out."""

    template_name = "events/privacy/delete.html"

    def post(self, request, *args, **kwargs):
        try:
            deletion = delete_registration(self.attendee, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        if deletion.account_closed:
            logout(request)
        return redirect("privacy:deleted", slug=self.event.slug)


class DeletedView(EventPageMixin, TemplateView):
    """The confirmation after deleting: reachable signed out, shows nothing personal."""

    template_name = "events/privacy/deleted.html"

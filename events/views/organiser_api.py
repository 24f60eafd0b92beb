"""Organiser pages of the API: the event's tokens (made, shown once, revoked) and its webhooks
with their delivery log. The team reads them; only owners of an open event change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from ..errors import ApiTokenError, NotAllowed, WebhookError
from ..interfaces.api_forms import TokenForm, WebhookForm
from ..permissions import MANAGE_TEAM
from ..services import api_tokens, webhooks
from .mixins import FormRefusalMixin, OrganiserMixin

OWNER_CHANGE = MANAGE_TEAM  # owners, while the event is open


class ApiTokensView(FormRefusalMixin, OrganiserMixin, FormView):
    template_name = "events/organiser/api_tokens.html"
    form_class = TokenForm
    write_permission = OWNER_CHANGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scopes": api_tokens.EVENT_SCOPES}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm(OWNER_CHANGE, self.event)
        context["tokens"] = api_tokens.event_tokens(self.event)
        context["revoke_url"], context["owner_arg"] = "organiser:api_token_revoke", self.event.slug
        return context

    def form_valid(self, form):
        try:
            made = api_tokens.create_event_token(
                self.event,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                by=self.request.user,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ApiTokenError as error:
            return self.form_refused(form, error, "days" if error.code == "api_token.bad_expiry" else None)
        # Shown on this answer only: it is stored hashed and cannot be shown again.
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(scopes=api_tokens.EVENT_SCOPES),
                new_secret=made.secret,
                new_token=made.token,
            )
        )


class ApiTokenRevokeView(OrganiserMixin, View):
    page_permission = OWNER_CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = get_object_or_404(api_tokens.event_tokens(self.event), pk=kwargs["event_token_id"])
        api_tokens.revoke_token(token, by=request.user)
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
        return redirect("organiser:api_tokens", slug=self.event.slug)


class WebhooksView(FormRefusalMixin, OrganiserMixin, FormView):
    template_name = "events/organiser/webhooks.html"
    form_class = WebhookForm
    write_permission = OWNER_CHANGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": webhooks.EVENT_KINDS}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hooks = webhooks.event_webhooks(self.event)
        context["can_change"] = self.request.user.has_perm(OWNER_CHANGE, self.event)
        context["webhooks"] = hooks
        context["deliveries"] = webhooks.delivery_log(hooks)
        context["delete_url"], context["enable_url"] = "organiser:webhook_delete", "organiser:webhook_enable"
        context["owner_arg"] = self.event.slug
        return context

    def form_valid(self, form):
        try:
            webhooks.register_webhook(
                self.event,
                url=form.cleaned_data["url"],
                kinds=form.cleaned_data["kinds"],
                by=self.request.user,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except WebhookError as error:
            return self.form_refused(
                form, error, "url" if error.code == "webhook.host_not_allowed" else "kinds"
            )
        messages.success(self.request, _("The webhook is added. Its signing secret is in the list below."))
        return redirect("organiser:webhooks", slug=self.event.slug)


class WebhookChangeView(OrganiserMixin, View):
    page_permission = OWNER_CHANGE
    http_method_names = ["post"]
    action = "delete"

    def post(self, request, *args, **kwargs):
        hook = get_object_or_404(webhooks.event_webhooks(self.event), pk=kwargs["event_webhook_id"])
        if self.action == "delete":
            webhooks.remove_webhook(hook, by=request.user)
            messages.success(request, _("The webhook is removed."))
        else:
            try:
                webhooks.enable_webhook(hook, by=request.user)
            except WebhookError as error:
                messages.error(request, error.message)
                return redirect("organiser:webhooks", slug=self.event.slug)
            messages.success(request, _("The webhook is on again."))
        return redirect("organiser:webhooks", slug=self.event.slug)

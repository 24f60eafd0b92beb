"""The exhibitor's API pages: tokens for its leads and webhooks told when a visitor shares
contact details. Its staff only: the leads were shared with the exhibitor, not the organiser
(the event team is told why, 403; others get 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from events.errors import ApiTokenError, NotAllowed, WebhookError
from events.interfaces.api_forms import TokenForm, WebhookForm
from events.services import api_tokens, webhooks
from events.views.mixins import FormRefusalMixin

from ..services.api_party import PARTY_KIND, exhibitor_party
from .mixins import LeadsMixin


class ExhibitorApiMixin(LeadsMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["owner_arg"] = self.exhibitor.pk
        context["can_change"] = True  # its staff; tokens and webhooks stay usable once the event closes
        return context


class ExhibitorTokensView(FormRefusalMixin, ExhibitorApiMixin, FormView):
    template_name = "exhibits/exhibitor/api_tokens.html"
    form_class = TokenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scopes": exhibitor_party.scopes}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = api_tokens.party_tokens(self.exhibitor.event, PARTY_KIND, self.exhibitor.pk)
        context["revoke_url"] = "exhibitor:api_token_revoke"
        return context

    def form_valid(self, form):
        try:
            made = api_tokens.create_party_token(
                self.exhibitor.event,
                PARTY_KIND,
                self.exhibitor.pk,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                by=self.request.user,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ApiTokenError as error:
            return self.form_refused(form, error, "days" if error.code == "api_token.bad_expiry" else None)
        fresh = TokenForm(scopes=exhibitor_party.scopes)
        return self.render_to_response(
            self.get_context_data(form=fresh, new_secret=made.secret, new_token=made.token)
        )


class ExhibitorTokenRevokeView(ExhibitorApiMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        tokens = api_tokens.party_tokens(self.exhibitor.event, PARTY_KIND, self.exhibitor.pk)
        token = get_object_or_404(tokens, pk=kwargs["staff_token_id"])
        api_tokens.revoke_token(token, by=request.user)
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
        return redirect("exhibitor:api_tokens", exhibitor_id=self.exhibitor.pk)


class ExhibitorWebhooksView(FormRefusalMixin, ExhibitorApiMixin, FormView):
    template_name = "exhibits/exhibitor/webhooks.html"
    form_class = WebhookForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": exhibitor_party.webhook_kinds}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hooks = webhooks.party_webhooks(self.exhibitor.event, PARTY_KIND, self.exhibitor.pk)
        context["webhooks"], context["deliveries"] = hooks, webhooks.delivery_log(hooks)
        context["delete_url"], context["enable_url"] = "exhibitor:webhook_delete", "exhibitor:webhook_enable"
        return context

    def form_valid(self, form):
        try:
            webhooks.register_webhook(
                self.exhibitor.event,
                url=form.cleaned_data["url"],
                kinds=form.cleaned_data["kinds"],
                by=self.request.user,
                owner_kind=PARTY_KIND,
                owner_id=self.exhibitor.pk,
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except WebhookError as error:
            return self.form_refused(
                form, error, "url" if error.code == "webhook.host_not_allowed" else "kinds"
            )
        messages.success(self.request, _("The webhook is added. Its signing secret is in the list below."))
        return redirect("exhibitor:webhooks", exhibitor_id=self.exhibitor.pk)


class ExhibitorWebhookChangeView(ExhibitorApiMixin, View):
    http_method_names = ["post"]
    action = "delete"

    def post(self, request, *args, **kwargs):
        hooks = webhooks.party_webhooks(self.exhibitor.event, PARTY_KIND, self.exhibitor.pk)
        hook = get_object_or_404(hooks, pk=kwargs["staff_webhook_id"])
        back = redirect("exhibitor:webhooks", exhibitor_id=self.exhibitor.pk)
        if self.action == "delete":
            webhooks.remove_webhook(hook, by=request.user)
            messages.success(request, _("The webhook is removed."))
            return back
        try:
            webhooks.enable_webhook(hook, by=request.user)
        except WebhookError as error:
            messages.error(request, error.message)
            return back
        messages.success(request, _("The webhook is on again."))
        return back

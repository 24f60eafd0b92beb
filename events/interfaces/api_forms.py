"""Forms of the API pages: a token (name, what it may do, how long) and a webhook (address, what
it hears of). The choices come from the services, so organiser and exhibitor pages share them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .single_line_forms import SingleLineFieldsMixin


class TokenForm(SingleLineFieldsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("Who or what uses it, e.g. “Registration desk sync”.")
    )
    scopes = forms.MultipleChoiceField(label=_("It may"), widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)

    def __init__(self, *args, scopes: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(key, f"{label} ({key})") for key, label in scopes.items()]
        # The service refuses longer tokens with a message naming the longest (API_TOKEN_MAX_DAYS).
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS


class WebhookForm(SingleLineFieldsMixin, forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Only hosts the operator allowed receive webhooks."),
    )
    kinds = forms.MultipleChoiceField(label=_("Tell it when"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kinds: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = list(kinds.items())

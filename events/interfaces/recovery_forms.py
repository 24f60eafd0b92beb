"""The form an institution member types their recovery code into (services.recovery)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .registration_forms import ServiceErrorsMixin


class RecoveryCodeForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Your recovery code"),
        help_text=_("The twelve letters and digits you kept when you joined, for example ABCD-EFGH-JKLM."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

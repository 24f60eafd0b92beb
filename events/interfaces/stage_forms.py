"""The organiser's form naming a speaker of a session's stage."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .single_line_forms import SingleLineFieldsMixin


class StageSpeakerForm(SingleLineFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Speaker's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Someone with a log-in here becomes a speaker at once. For anyone else you get an "
            "invitation link to send them: it works only for this address."
        ),
    )

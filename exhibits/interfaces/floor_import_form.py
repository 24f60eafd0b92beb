"""The upload form of the floor-plan import: one CSV file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FloorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8 CSV with the template's columns, at most %(size)s KB. Nothing is saved until you confirm."
        ) % {"size": settings.FLOOR_IMPORT_MAX_BYTES // 1024}

"""The form side of the one-line rule (events/single_line.py): every one-line text field of a
form that uses SingleLineFieldsMixin refuses line breaks and other control characters."""

from __future__ import annotations

from django import forms

from ..single_line import validate_single_line

# Multi-line widgets keep their line breaks; passwords are hashed, never shown or sent anywhere.
MULTI_LINE_WIDGETS = (forms.Textarea, forms.PasswordInput)


def is_single_line_field(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field.widget, MULTI_LINE_WIDGETS)


def _checking_raw_input(to_python):
    def to_python_on_one_line(value):
        # The raw input, before the field tidies it: a URL field would silently drop a CR/LF.
        validate_single_line(value)
        return to_python(value)

    to_python_on_one_line.checks_single_line = True
    return to_python_on_one_line


class SingleLineFieldsMixin:
    """Every single-line CharField of the form refuses control characters, with one message that
    says what to fix. Applied when the form is cleaned, so fields added in __init__ (one per event
    language, one per question) are covered too."""

    def full_clean(self) -> None:
        for field in self.fields.values():
            if is_single_line_field(field) and not getattr(field.to_python, "checks_single_line", False):
                field.to_python = _checking_raw_input(field.to_python)
        super().full_clean()

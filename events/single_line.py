"""One-line text: names, titles, labels and codes are a single line of printable text.

A line break in an event's name broke its calendar feed and the headers of its mail, so every
one-line field refuses control characters, in the forms (SingleLineFieldsMixin) and again in the
services that create the objects (check_single_line / clean_instance), because not every caller
is a form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Unicode's controls (C0, DEL, C1: tab, CR, LF, NEL, …) and its line and paragraph separators.
REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}
MESSAGE = _(
    "Write this on one line: it contains a line break or another control character (such as a "
    "tab). Remove it and try again."
)
CODE = "not_single_line"


def is_single_line(value: str) -> bool:
    return not any(unicodedata.category(char) in REFUSED_CATEGORIES for char in value)


def validate_single_line(value) -> None:
    """A validator for one-line form fields (and anything else that takes one)."""
    if isinstance(value, str) and not is_single_line(value):
        raise ValidationError(MESSAGE, code=CODE)


def check_single_line(values: Mapping[str, object]) -> None:
    """Refuse, keyed by name, every value that is not one line of text. A value may be a string
    or a {language: text} mapping (labels written in each of the event's languages)."""
    errors = {}
    for name, value in values.items():
        texts = value.values() if isinstance(value, Mapping) else [value]
        if any(isinstance(text, str) and not is_single_line(text) for text in texts):
            errors[name] = [ValidationError(MESSAGE, code=CODE)]
    if errors:
        raise ValidationError(errors)


def single_line_fields(instance: models.Model) -> Iterable[str]:
    """The model's free-text one-line fields: CharFields that are not choices."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField) and not field.choices:
            yield field.attname


def clean_instance(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """`instance.full_clean()` plus the one-line rule on its CharFields, all errors at once
    (ValidationError keyed by field, nothing saved). The rule is not a model validator so that it
    needs no migration and applies to rows saved before it existed only when they change."""
    errors: dict = {}
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    skipped = set(exclude or [])
    for name in single_line_fields(instance):
        value = getattr(instance, name)
        if name not in skipped and isinstance(value, str) and not is_single_line(value):
            errors.setdefault(name, []).append(ValidationError(MESSAGE, code=CODE))
    if errors:
        raise ValidationError(errors)

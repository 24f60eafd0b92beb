"""The form side of per-language texts (events/models/texts.py): one box per event language for
each text a visitor reads, labelled with the language; the first language's box is the one that
must be filled in, the others fall back to it when left empty."""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models.texts import SUFFIX, texts_of

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


class PerLanguageFieldsMixin:
    """Replaces each field named in `per_language_fields` by one field per language, in place.

    Call `add_language_fields(languages, source=...)` from `__init__`. After cleaning,
    `cleaned_data[field]` holds the first language's text and `cleaned_data[field + "_translations"]`
    the others', so a service or `construct_instance` takes them as they are; a `clean_<field>`
    method of the form (a uniqueness check) runs on the first language's text.
    """

    per_language_fields: tuple[str, ...] = ()
    languages: list[str] = []

    def add_language_fields(self, languages: list[str], *, source=None, first_required: bool = True) -> None:
        self.languages = list(languages) or [settings.LANGUAGE_CODE]
        self.required_texts: dict[str, bool] = {}
        rebuilt = {}
        for name, field in self.fields.items():
            if name not in self.per_language_fields:
                rebuilt[name] = field
                continue
            texts = texts_of(source, name, self.languages) if source is not None else {}
            for index, code in enumerate(self.languages):
                each = copy.deepcopy(field)
                each.label = _("%(field)s in %(language)s") % {
                    "field": field.label,
                    "language": language_name(code),
                }
                each.required = field.required and index == 0 and first_required
                if index:
                    each.help_text = _("Leave empty to show the %(language)s text.") % {
                        "language": language_name(self.languages[0])
                    }
                if texts.get(code):
                    each.initial = texts[code]
                rebuilt[f"{name}_{code}"] = each
            self.required_texts[name] = field.required
        self.fields = rebuilt

    def language_field(self, field: str, language: str | None = None) -> str:
        """The name of `field`'s box for `language` (default: the first language)."""
        return f"{field}_{language or self.languages[0]}"

    def clean(self):
        cleaned = super().clean()
        for field in self.per_language_fields:
            if self.language_field(field) not in self.fields:
                continue
            texts = {code: cleaned.pop(self.language_field(field, code), "") or "" for code in self.languages}
            in_use = self.languages_in_use(cleaned)
            first = in_use[0]
            box = self.language_field(field, first)
            if self.required_texts.get(field) and not texts.get(first, "").strip():
                self.add_error(
                    box if box in self.fields else None,
                    ValidationError(
                        _("Write this in %(language)s, the event's first language."),
                        code="first_language_missing",
                        params={"language": language_name(first)},
                    ),
                )
            cleaned[field] = texts.get(first, "").strip()
            cleaned[field + SUFFIX] = {
                code: text.strip() for code, text in texts.items() if code in in_use[1:] and text.strip()
            }
            check = getattr(self, f"clean_{field}", None)
            if check is not None and cleaned[field]:
                try:
                    cleaned[field] = check()
                except ValidationError as error:
                    self.add_error(box if box in self.fields else None, error)
        return cleaned

    def languages_in_use(self, cleaned: dict) -> list[str]:
        """The event's languages, the first one first: its text goes into the field itself."""
        return self.languages

    @property
    def changed_data(self) -> list[str]:
        changed = super().changed_data
        boxes = {
            self.language_field(field, code): field
            for field in self.per_language_fields
            for code in self.languages
        }
        kept = [name for name in changed if name not in boxes]
        for field in dict.fromkeys(boxes[name] for name in changed if name in boxes):
            kept += [field, field + SUFFIX]
        return kept

    def _post_clean(self) -> None:
        super()._post_clean()
        instance = getattr(self, "instance", None)
        if instance is None or not hasattr(self, "cleaned_data"):
            return
        for field in self.per_language_fields:
            if field + SUFFIX in self.cleaned_data:
                setattr(instance, field + SUFFIX, self.cleaned_data[field + SUFFIX])

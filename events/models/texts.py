"""Texts visitors read, one version per event language.

A text such as a hall's name lives in two fields: `name`, the text in the event's first language
(what uniqueness, sorting, the admin and the organiser's lists use, and what every text saved
before translations existed already is), and `name_translations`, the versions in the event's
other languages, {"ko": "A홀"}, in the same {language: text} shape as a booth's description or a
question's label. `text_in` picks the visitor's version and falls back to the first language, so
a text nobody translated still reads, and code that changes only `name` is never shadowed by a
stale copy of it.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation

SUFFIX = "_translations"


def translations_field(verbose_name) -> models.JSONField:
    """The versions, in the event's other languages, of the text field it is named after."""
    return models.JSONField(verbose_name, default=dict, blank=True)


def active_language() -> str:
    """The language the current request or socket frame is in, as a short code ("ko")."""
    return (translation.get_language() or "en").split("-")[0]


def text_in(obj, field: str, language: str | None = None) -> str:
    """`obj`'s `field` in `language` (default: the active one), else in the event's first language."""
    translations = getattr(obj, field + SUFFIX, None)
    chosen = translations.get(language or active_language()) if isinstance(translations, dict) else None
    if isinstance(chosen, str) and chosen.strip():
        return chosen
    return getattr(obj, field, "") or ""


def texts_of(obj, field: str, languages: list[str]) -> dict[str, str]:
    """Every version of `field` by language, the first language's from the field itself."""
    translations = getattr(obj, field + SUFFIX, None) or {}
    texts = {code: translations.get(code, "") for code in languages[1:]}
    return {languages[0]: getattr(obj, field, "") or "", **texts} if languages else {}


def search_texts(obj, field: str) -> list[str]:
    """Every version of `field`, for search: a visitor finds a hall by its name in any language."""
    translations = getattr(obj, field + SUFFIX, None) or {}
    return [getattr(obj, field, "") or "", *(text for text in translations.values() if isinstance(text, str))]


class PerLanguageTexts:
    """A model whose visitor-facing texts (listed in TRANSLATED) have per-language versions."""

    TRANSLATED: tuple[str, ...] = ()

    def text_in(self, field: str, language: str | None = None) -> str:
        return text_in(self, field, language)

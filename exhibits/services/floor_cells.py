"""One cell of the floor-plan file at a time: formulas, line breaks and control characters, and
the texts in the event's other languages (tagline_ko), each error naming its column."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from events.services.spreadsheets import starts_like_formula
from events.single_line import MESSAGE as NOT_SINGLE_LINE
from events.single_line import is_single_line

from ..models import Booth, Exhibitor, Hall

if TYPE_CHECKING:
    from .floor_import import FloorRow

# The texts a visitor reads in their language: each has a column per other event language, named
# after it, "tagline_ko". The hall's only checks the hall's name there (halls change on their page).
PER_LANGUAGE_COLUMNS = ("hall", "exhibitor", "tagline", "exhibitor_description")
# Control characters a multi-line description may keep: line breaks and tabs.
_TEXT_CONTROLS = {"\n", "\r", "\t"}


def text_errors(label: str, value: str, *, multi_line: bool = False) -> list[str]:
    errors = []
    if starts_like_formula(value):
        errors.append(
            _(
                "“%(column)s” starts with “%(char)s”, which a spreadsheet runs as a formula. "
                "Remove that character."
            )
            % {"column": label, "char": value[:1]}
        )
    if multi_line:
        if any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS for c in value):
            errors.append(
                _("“%(column)s” contains a control character. Remove it and try again.") % {"column": label}
            )
    elif not is_single_line(value):
        errors.append(f"“{label}”: {NOT_SINGLE_LINE}")
    return errors


def language_label(code: str) -> str:
    """A language's name in the reader's language ("Korean", "한국어"), else its code."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


# The longest other-language text each column's field holds; None where the field has no limit.
def _length_limits() -> dict[str, int | None]:
    return {
        "hall": None,
        "exhibitor": Exhibitor._meta.get_field("name").max_length,
        "tagline": Booth._meta.get_field("tagline").max_length,
        "exhibitor_description": None,
    }


def other_language_texts(row: FloorRow, languages: list[str], errors: list[str]) -> dict[str, dict[str, str]]:
    """The row's texts in the event's other languages, {"tagline": {"ko": "…"}}, empty cells left
    out; each bad cell adds an error naming its column."""
    known = {f"{column}_{code}": (column, code) for code in languages[1:] for column in PER_LANGUAGE_COLUMNS}
    limits = _length_limits()
    texts: dict[str, dict[str, str]] = {column: {} for column in PER_LANGUAGE_COLUMNS}
    for name, cell in row.other_languages.items():
        if name not in known:
            errors.append(
                _("“%(column)s” is not a column for this event's languages. Remove it.") % {"column": name}
            )
            continue
        column, code = known[name]
        multi_line = column == "exhibitor_description"
        value = cell.strip().replace("\r\n", "\n") if multi_line else cell.strip()
        if not value:
            continue
        errors.extend(text_errors(name, value, multi_line=multi_line))
        limit = limits[column]
        if limit is not None and len(value) > limit:
            errors.append(
                _("“%(column)s” is %(length)s characters long; at most %(limit)s fit. Shorten it.")
                % {"column": name, "length": len(value), "limit": limit}
            )
        first = getattr(row, column).strip()
        if not first and column in ("tagline", "exhibitor_description"):
            # The booth page shows a translation only beside the first language's text.
            errors.append(
                _(
                    "“%(column)s” is filled in but “%(first)s” is empty. "
                    "Write the %(language)s text in “%(first)s” too."
                )
                % {"column": name, "first": column, "language": language_label(languages[0])}
            )
        texts[column][code] = value
    return texts


def hall_name_errors(hall: Hall, names: dict[str, str]) -> list[str]:
    """A hall_ko cell only confirms the hall's Korean name: halls are named on the Halls page."""
    errors = []
    for code, value in names.items():
        current = (hall.name_translations or {}).get(code, "").strip()
        values = {"hall": hall.name, "language": language_label(code), "column": f"hall_{code}"}
        if not current:
            errors.append(
                _(
                    "The hall “%(hall)s” has no %(language)s name yet. Add it on the Halls page, "
                    "or leave “%(column)s” empty."
                )
                % values
            )
        elif current.casefold() != value.casefold():
            errors.append(
                _(
                    "The hall “%(hall)s” is called “%(name)s” in %(language)s, not “%(value)s”. "
                    "Correct “%(column)s” or leave it empty."
                )
                % {**values, "name": current, "value": value}
            )
    return errors

"""CSV cells that a spreadsheet shows as text and never runs as a formula (CSV injection).

The one guard for every CSV download of the platform: attendee lists, access codes, leads.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Spreadsheet programs run a cell starting with one of these as a formula or split it. The
# full-width forms (＝＋－＠) and the small ones (﹦﹢﹣﹫) count too: some programs fold them to
# ASCII, and an East Asian keyboard types them without the writer noticing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_like_formula(text: str) -> bool:
    first = text[:1]
    return first != "" and (first in FORMULA_STARTS or unicodedata.normalize("NFKC", first) in FORMULA_STARTS)


def csv_cell(value: object) -> str:
    """The value as a cell that reads as text: a leading ' if it could start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if starts_like_formula(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    return [csv_cell(value) for value in values]

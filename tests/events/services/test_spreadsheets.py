"""The one CSV cell guard: every character a spreadsheet could start a formula with."""

from __future__ import annotations

import pytest

from events.services.spreadsheets import csv_cell, csv_row, starts_like_formula

# ASCII, full-width and small forms of = + - @, and the control characters that split a cell.
DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫"]


@pytest.mark.parametrize("start", DANGEROUS)
def test_csv_cell_prefixes_every_formula_start(start):
    assert csv_cell(start + "SUM(A1:A9)") == "'" + start + "SUM(A1:A9)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Busan", "Busan"),
        ("a=b", "a=b"),
        ("김민지", "김민지"),
        (" =1", " =1"),  # a leading space makes it text in every spreadsheet we know
        ("", ""),
        (None, ""),
        (42, "42"),
        (-5, "'-5"),
    ],
)
def test_csv_cell_leaves_text_alone(value, expected):
    assert csv_cell(value) == expected


def test_starts_like_formula_of_an_empty_text_is_false():
    assert starts_like_formula("") is False


def test_csv_row_guards_each_cell():
    assert csv_row(["＝1+1", "ok", None, 3]) == ["'＝1+1", "ok", "", "3"]

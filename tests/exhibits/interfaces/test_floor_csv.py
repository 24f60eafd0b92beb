"""Tests of reading floor-plan CSV files (exhibits/interfaces/floor_csv.py)."""

from __future__ import annotations

import csv
import io

import pytest

from exhibits.errors import FloorFileError
from exhibits.interfaces.floor_csv import floor_csv_template, read_floor_csv
from exhibits.services.floor_import import COLUMNS, FloorRow

HEADER = "hall,number,exhibitor,column,row\r\n"
# These tests are about the file itself: an event in one language, so no per-language columns.
ONE_LANGUAGE = ["en"]


def test_read_floor_csv_reads_utf8_with_bom_and_korean_text():
    data = (
        "\ufeff" + HEADER + '본관,A-1,한빛 소프트,0,0\r\n\r\nMain Hall,A-2,"Robots, Ltd",2,0\r\n'
    ).encode()

    rows = read_floor_csv(data, languages=ONE_LANGUAGE)

    assert rows == [
        FloorRow(line=2, hall="본관", number="A-1", exhibitor="한빛 소프트", column="0", row="0"),
        FloorRow(line=4, hall="Main Hall", number="A-2", exhibitor="Robots, Ltd", column="2", row="0"),
    ]


def test_read_floor_csv_counts_lines_of_a_multi_line_cell():
    data = b'hall,number,exhibitor,column,row,exhibitor_description\nH,A-1,X,0,0,"one\ntwo"\nH,A-2,X,2,0,\n'

    rows = read_floor_csv(data, languages=ONE_LANGUAGE)

    assert [(row.line, row.exhibitor_description) for row in rows] == [(3, "one\ntwo"), (4, "")]


def test_read_floor_csv_marks_extra_cells():
    rows = read_floor_csv((HEADER + "H,A-1,X,0,0,surprise\n").encode(), languages=ONE_LANGUAGE)

    assert rows[0].extra_cells == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            (HEADER + "본관,A-1,한빛,0,0\n").encode("cp949"),
            "This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” "
            "and upload it again.",
        ),
        (
            (HEADER + "H,A-1,X,0,0\n").encode("utf-16"),
            "This file is not UTF-8 text. In your spreadsheet, "
            "save it as “CSV UTF-8 (comma delimited)” and upload it again.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "This file is not a CSV text file. Download the template and fill it in.",
        ),
        (b"", "This file is empty. Download the template and fill it in."),
        (HEADER.encode(), "This file has a header but no booths. Add one line per booth."),
        (
            b"Hall;Number;Exhibitor\nH;1;X\n",
            "The first line must name the columns, as in the template: "
            + ", ".join(COLUMNS)
            + ". This file's first line is: Hall;Number;Exhibitor.",
        ),
        (
            (HEADER + 'H,A-1,"X,0,0\n').encode(),
            "Line 2 of this file is not valid CSV (unexpected end of data). Correct it in your spreadsheet.",
        ),
    ],
)
def test_read_floor_csv_refuses_unreadable_files_saying_what_to_do(data, message):
    with pytest.raises(FloorFileError) as refused:
        read_floor_csv(data, languages=ONE_LANGUAGE)

    assert refused.value.message == message


def test_read_floor_csv_refuses_a_file_over_the_size_limit(settings):
    settings.FLOOR_IMPORT_MAX_BYTES = 1024

    with pytest.raises(FloorFileError) as refused:
        read_floor_csv((HEADER + "H,A-1,X,0,0\n" * 100).encode(), languages=ONE_LANGUAGE)

    assert refused.value.message == (
        "This file is 2 KB; at most 1 KB can be imported at once. Split it into several files."
    )


def test_read_floor_csv_refuses_too_many_rows(settings):
    settings.FLOOR_IMPORT_MAX_ROWS = 3

    with pytest.raises(FloorFileError) as refused:
        read_floor_csv((HEADER + "H,A-1,X,0,0\n" * 4).encode(), languages=ONE_LANGUAGE)

    assert refused.value.message == "This file has more than 3 booths. Split it into several files."


def test_floor_csv_template_reads_back_as_rows():
    text = floor_csv_template(ONE_LANGUAGE)

    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert [row.number for row in read_floor_csv(text.encode(), languages=ONE_LANGUAGE)] == [
        "A-1",
        "A-2",
        "B-1",
    ]

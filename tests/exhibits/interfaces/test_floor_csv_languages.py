"""Reading and writing floor-plan CSVs with a column per event language (issue 15 item 2)."""

from __future__ import annotations

import csv
import io

import pytest

from exhibits.errors import FloorFileError
from exhibits.interfaces.floor_csv import floor_csv_template, read_floor_csv

HEADER = "hall,number,exhibitor,column,row"


def test_read_floor_csv_reads_the_korean_columns():
    data = (
        f"{HEADER},tagline,tagline_ko,exhibitor_ko\r\nMain Hall,A-1,Robots,0,0,Sorting,분류,로봇\r\n".encode()
    )

    rows = read_floor_csv(data, languages=["en", "ko"])

    assert rows[0].tagline == "Sorting"
    assert rows[0].other_languages == {"tagline_ko": "분류", "exhibitor_ko": "로봇"}


def test_read_floor_csv_for_one_language_needs_no_other_columns():
    rows = read_floor_csv(f"{HEADER}\r\nMain Hall,A-1,Robots,0,0\r\n".encode(), languages=["en"])

    assert rows[0].other_languages == {}


@pytest.mark.parametrize(
    ("column", "languages", "message"),
    [
        (
            "tagline_fr",
            ["en", "ko"],
            "The column “tagline_fr” is for French, which is not one of this event's languages (English, "
            "Korean). Remove the column, or add the language in the event's settings first.",
        ),
        (
            "exhibitor_ko",
            ["en"],
            "The column “exhibitor_ko” is for Korean, which is not one of this event's languages (English). "
            "Remove the column, or add the language in the event's settings first.",
        ),
        (
            "tagline_en",
            ["en", "ko"],
            "The column “tagline_en” is for English, the event's first language, whose texts go in "
            "“tagline”. "
            "Rename the column to “tagline” or remove it.",
        ),
    ],
)
def test_read_floor_csv_refuses_a_column_for_a_language_the_event_does_not_have(column, languages, message):
    with pytest.raises(FloorFileError) as error:
        read_floor_csv(f"{HEADER},{column}\r\nMain Hall,A-1,Robots,0,0,x\r\n".encode(), languages=languages)

    assert error.value.message == message


def test_floor_csv_template_lists_the_events_other_languages_with_a_sample():
    text = floor_csv_template(["en", "ko"])

    lines = list(csv.DictReader(io.StringIO(text)))
    assert list(lines[0])[-4:] == ["hall_ko", "exhibitor_ko", "tagline_ko", "exhibitor_description_ko"]
    assert lines[0]["tagline_ko"] != "" and lines[0]["exhibitor_ko"] != ""
    rows = read_floor_csv(text.encode(), languages=["en", "ko"])
    assert rows[0].other_languages["tagline_ko"] == lines[0]["tagline_ko"]


def test_floor_csv_template_for_one_language_has_no_other_columns():
    header = floor_csv_template(["en"]).splitlines()[0]

    assert (
        header
        == "hall,number,exhibitor,column,row,width,depth,tagline,website,contact_email,exhibitor_description"
    )

"""The floor import carries every event language (issue 15 item 2): exhibitor_ko, tagline_ko,
exhibitor_description_ko and hall_ko beside the first language's columns, checked row by row."""

from __future__ import annotations

import pytest

from exhibits.errors import FloorImportRefused
from exhibits.models import Booth, Exhibitor
from exhibits.services.floor_import import (
    FloorRow,
    Outcome,
    check_floor_plan,
    floor_columns,
    import_floor_plan,
)
from tests.factories import HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(event):
    event.languages = ["en", "ko"]
    event.save()
    return HallFactory(
        event=event, name="Main Hall", name_translations={"ko": "본관"}, plan_columns=12, plan_rows=8
    )


def row(line: int = 2, other_languages: dict | None = None, **cells) -> FloorRow:
    values = {"hall": "Main Hall", "number": "A-1", "exhibitor": "Parcel Robots", "column": "0", "row": "0"}
    values.update(cells)
    return FloorRow(line=line, other_languages=other_languages or {}, **values)


KOREAN = {
    "hall_ko": "본관",
    "exhibitor_ko": "소포 로봇",
    "tagline_ko": "소포를 분류하는 로봇",
    "exhibitor_description_ko": "첫 줄\n둘째 줄",
}


def test_floor_columns_add_one_column_per_other_language_after_the_first_languages():
    assert floor_columns(["en", "ko"])[-4:] == (
        "hall_ko",
        "exhibitor_ko",
        "tagline_ko",
        "exhibitor_description_ko",
    )
    assert floor_columns(["en"]) == floor_columns([])


def test_import_floor_plan_stores_the_korean_texts(event, hall, owner):
    rows = [row(tagline="Robots that sort parcels", exhibitor_description="Line one", other_languages=KOREAN)]

    import_floor_plan(event, rows, by=owner)

    exhibitor = Exhibitor.objects.get(event=event)
    assert (exhibitor.name, exhibitor.name_translations) == ("Parcel Robots", {"ko": "소포 로봇"})
    assert exhibitor.description_translations == {"ko": "첫 줄\n둘째 줄"}
    booth = Booth.objects.get(event=event)
    assert (booth.tagline, booth.tagline_translations) == (
        "Robots that sort parcels",
        {"ko": "소포를 분류하는 로봇"},
    )


def test_import_floor_plan_leaves_out_empty_korean_cells(event, hall, owner):
    import_floor_plan(
        event, [row(tagline="Robots", other_languages={"tagline_ko": "  ", "exhibitor_ko": ""})], by=owner
    )

    assert Exhibitor.objects.get(event=event).name_translations == {}
    assert Booth.objects.get(event=event).tagline_translations == {}


@pytest.mark.parametrize(
    ("korean", "message"),
    [
        ({"tagline_ko": "가" * 201}, "“tagline_ko” is 201 characters long; at most 200 fit. Shorten it."),
        ({"exhibitor_ko": "소포\n로봇"}, "“exhibitor_ko”: "),
        ({"tagline_ko": "=1+1"}, "“tagline_ko” starts with “=”, which a spreadsheet runs as a formula."),
        (
            {"hall_ko": "동관"},
            "The hall “Main Hall” is called “본관” in Korean, not “동관”. "
            "Correct “hall_ko” or leave it empty.",
        ),
    ],
)
def test_import_floor_plan_with_a_bad_korean_value_refuses_the_row_and_writes_nothing(
    event, hall, owner, korean, message
):
    rows = [
        row(2, number="A-1", tagline="Robots"),
        row(3, number="A-2", column="4", tagline="Robots", other_languages=korean),
    ]

    with pytest.raises(FloorImportRefused) as refused:
        import_floor_plan(event, rows, by=owner)

    lines = refused.value.check.rows
    assert lines[0].errors == []
    assert len(lines[1].errors) == 1 and lines[1].errors[0].startswith(message)
    assert lines[1].outcome == Outcome.REFUSED
    assert Booth.objects.filter(event=event).count() == 0
    assert Exhibitor.objects.filter(event=event).count() == 0


def test_check_floor_plan_refuses_a_korean_tagline_without_the_first_languages(event, hall):
    check = check_floor_plan(event, [row(other_languages={"tagline_ko": "로봇"})])

    assert check.rows[0].errors == [
        "“tagline_ko” is filled in but “tagline” is empty. Write the English text in “tagline” too."
    ]


def test_check_floor_plan_refuses_a_korean_hall_name_the_hall_does_not_have(event, hall):
    hall.name_translations = {}
    hall.save()

    check = check_floor_plan(event, [row(other_languages={"hall_ko": "본관"})])

    assert check.rows[0].errors == [
        "The hall “Main Hall” has no Korean name yet. Add it on the Halls page, or leave “hall_ko” empty."
    ]


def test_import_floor_plan_again_with_new_korean_texts_leaves_existing_booths_as_they_are(event, hall, owner):
    # As with the first language's tagline and description: a booth already on the plan is not rewritten.
    import_floor_plan(event, [row(tagline="Robots", other_languages={"tagline_ko": "로봇"})], by=owner)

    again = import_floor_plan(
        event, [row(tagline="Robots", other_languages={"tagline_ko": "다른 로봇"})], by=owner
    )

    assert [each.outcome for each in again.rows] == [Outcome.UNCHANGED]
    assert Booth.objects.get(event=event).tagline_translations == {"ko": "로봇"}


def test_import_floor_plan_for_a_one_language_event_needs_no_other_columns(event, owner):
    event.languages = ["en"]
    event.save()
    HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)

    import_floor_plan(event, [row(tagline="Robots")], by=owner)

    assert Booth.objects.get(event=event).tagline_translations == {}

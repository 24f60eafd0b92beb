"""Tests of importing exhibitors and booths from a list (exhibits/services/floor_import.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.enums import EventStatus
from events.errors import EventClosed
from exhibits.errors import FloorImportRefused
from exhibits.models import Booth, Exhibitor
from exhibits.services.floor_import import FloorRow, Outcome, check_floor_plan, import_floor_plan
from tests.factories import BoothFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(event):
    return HallFactory(event=event, name="Main Hall", plan_columns=12, plan_rows=8)


def row(line: int = 2, **cells) -> FloorRow:
    values = {"hall": "Main Hall", "number": "A-1", "exhibitor": "Parcel Robots", "column": "0", "row": "0"}
    values.update(cells)
    return FloorRow(line=line, **values)


def placed(event) -> list[tuple]:
    return list(
        Booth.objects.filter(event=event)
        .order_by("number")
        .values_list("number", "hall__name", "exhibitor__name", "x", "y", "width", "height")
    )


def test_import_floor_plan_creates_exhibitors_once_and_their_booths(event, hall, owner):
    rows = [
        row(2, number="A-1", website="https://parcel.example", tagline="Robots."),
        row(3, number="A-2", column="2"),
        row(4, number="B-1", exhibitor="한빛 소프트", column="5", width="3", depth="1"),
    ]

    check = import_floor_plan(event, rows, by=owner)

    assert [(c.row.line, c.outcome, c.new_exhibitor, c.errors) for c in check.rows] == [
        (2, Outcome.NEW, True, []),
        (3, Outcome.NEW, False, []),
        (4, Outcome.NEW, True, []),
    ]
    assert placed(event) == [
        ("A-1", "Main Hall", "Parcel Robots", 0, 0, 2, 2),
        ("A-2", "Main Hall", "Parcel Robots", 2, 0, 2, 2),
        ("B-1", "Main Hall", "한빛 소프트", 5, 0, 3, 1),
    ]
    assert list(Exhibitor.objects.filter(event=event).values_list("name", "website")) == [
        ("Parcel Robots", "https://parcel.example"),
        ("한빛 소프트", ""),
    ]
    assert Booth.objects.get(number="A-1").tagline == "Robots."


def test_import_floor_plan_twice_changes_nothing_the_second_time(event, hall, owner):
    rows = [row(2, number="A-1"), row(3, number="A-2", column="2")]
    import_floor_plan(event, rows, by=owner)

    again = import_floor_plan(event, rows, by=owner)

    assert [c.outcome for c in again.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert (again.new_booths, again.unchanged, again.new_exhibitors) == (0, 2, 0)
    assert Booth.objects.filter(event=event).count() == 2
    assert Exhibitor.objects.filter(event=event).count() == 1


def test_import_floor_plan_with_one_bad_row_writes_nothing(event, hall, owner):
    rows = [row(2, number="A-1"), row(3, number="A-2", column="11")]  # 11 + 2 runs off 12 columns

    with pytest.raises(FloorImportRefused) as refused:
        import_floor_plan(event, rows, by=owner)

    assert (
        refused.value.message
        == "1 line cannot be imported, so nothing was imported. Correct it and try again."
    )
    assert [c.errors for c in refused.value.check.rows] == [
        [],
        ["“width”: The booth runs off the right edge of the hall plan (12 cells wide)."],
    ]
    assert placed(event) == []
    assert Exhibitor.objects.filter(event=event).count() == 0


def test_check_floor_plan_refuses_a_booth_that_would_move_an_existing_one(event, hall, exhibitor_a):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="A-1", x=4, y=4)

    check = check_floor_plan(event, [row(2, number="a-1", exhibitor="Alpha Systems")])

    assert check.rows[0].errors == [
        "Booth A-1 is already on the plan (Main Hall, column 4, row 4, Alpha Systems). Move or change it "
        "on its own page, or give this line another number."
    ]


def test_check_floor_plan_refuses_overlaps_with_the_plan_and_within_the_file(event, hall, exhibitor_a):
    BoothFactory(event=event, hall=hall, exhibitor=exhibitor_a, number="X-1", x=0, y=0)

    check = check_floor_plan(
        event,
        [
            row(2, number="A-1", column="1", row="1"),
            row(3, number="A-2", column="4"),
            row(4, number="A-3", column="5"),
        ],
    )

    assert [c.errors for c in check.rows] == [
        ["This spot overlaps booth X-1 (Alpha Systems). Choose free cells on the plan."],
        [],
        ["This spot overlaps booth A-2 (Parcel Robots). Choose free cells on the plan."],
    ]


def test_check_floor_plan_refuses_a_number_twice_in_the_file(event, hall):
    check = check_floor_plan(event, [row(2, number="A-1"), row(3, number="a-1", column="4")])

    assert check.rows[1].errors == [
        "Booth number a-1 is also on line 2 of this file. Give each booth its own number."
    ]


def test_check_floor_plan_refuses_formula_cells_and_control_characters(event, hall):
    check = check_floor_plan(
        event,
        [
            row(2, exhibitor='=HYPERLINK("http://evil.example","x")'),
            row(3, number="A-2", tagline="＋1 great", column="4"),
            row(4, number="A-3\u0007", column="6"),
            row(5, number="A-4", column="8", exhibitor_description="Line one\nLine two\x1b[31m"),
        ],
    )

    assert [c.errors for c in check.rows] == [
        ["“exhibitor” starts with “=”, which a spreadsheet runs as a formula. Remove that character."],
        ["“tagline” starts with “＋”, which a spreadsheet runs as a formula. Remove that character."],
        [
            "“number”: Write this on one line: it contains a line break or another control character "
            "(such as a tab). Remove it and try again."
        ],
        ["“exhibitor description” contains a control character. Remove it and try again."],
    ]
    assert [c.outcome for c in check.rows] == [Outcome.REFUSED] * 4


def test_check_floor_plan_explains_missing_cells_unknown_halls_and_bad_numbers(event, hall):
    check = check_floor_plan(
        event,
        [
            row(2, hall="Side Hall"),
            row(3, number="", column="two", row="-1", width="0"),
            row(4, number="A-3", website="not a site", contact_email="nobody"),
        ],
    )

    assert [c.errors for c in check.rows] == [
        ["This event has no hall called “Side Hall”. Add it on the Halls page, or correct the name."],
        [
            "“number” is empty. Every booth needs a hall, a number and an exhibitor.",
            "“column” must be a whole number of 0 or more, not “two”.",
            "“row” must be a whole number of 0 or more, not “-1”.",
            "“width” must be a whole number of 1 or more, not “0”.",
        ],
        ["“website”: Enter a valid URL.", "“contact e-mail”: Enter a valid email address."],
    ]


def test_check_floor_plan_speaks_the_readers_language(event, hall):
    with translation.override("ko"):
        check = check_floor_plan(event, [row(2, hall="없는 홀")])

    assert check.rows[0].errors == [
        "이 행사에는 “없는 홀” 전시관이 없습니다. 전시관 페이지에서 추가하거나 이름을 고치세요."
    ]


def test_import_floor_plan_refuses_a_closed_event(event, hall, owner):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed):
        import_floor_plan(event, [row()], by=owner)

    assert placed(event) == []


def test_import_floor_plan_places_200_booths_in_a_few_queries(event, owner):
    HallFactory(event=event, name="Big Hall", plan_columns=60, plan_rows=60)
    rows = [
        row(
            line,
            hall="Big Hall",
            number=f"N-{line}",
            exhibitor=f"Maker {line // 2}",
            column=str((line % 20) * 3),
            row=str((line // 20) * 3),
        )
        for line in range(2, 202)
    ]

    with CaptureQueriesContext(connection) as queries:
        check = import_floor_plan(event, rows, by=owner)

    assert (check.new_booths, check.new_exhibitors, len(check.refused)) == (200, 100, 0)
    assert Booth.objects.filter(event=event).count() == 200
    # Lock, read the floor (halls, exhibitors, booths), then one insert each (plus the savepoint).
    assert len(queries) <= 10

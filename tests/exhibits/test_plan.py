"""Tests of drawing booths on hall plans (exhibits/plan.py)."""

from __future__ import annotations

from exhibits.models import Booth, Exhibitor
from exhibits.plan import fit_name, place_visitor_labels


def test_fit_name_keeps_a_name_that_fits_and_cuts_one_that_does_not():
    assert fit_name("Vision", 4, 0.44) == "Vision"
    assert fit_name("Parcel Robots Limited", 2, 0.44) == "Parce…"
    assert fit_name("한빛 소프트 주식회사", 2, 0.44) == "한빛…"
    assert fit_name("가나다", 0.5, 0.44) == ""


def test_place_visitor_labels_puts_the_name_under_the_number_in_a_roomy_booth():
    booth = Booth(number="A-1", x=2, y=1, width=4, height=2, exhibitor=Exhibitor(name="Vision"))

    spot = place_visitor_labels(booth)

    assert (spot.name, spot.label_x, spot.number_y, spot.name_y, spot.font_size, spot.name_size) == (
        "Vision",
        4.0,
        1.84,
        2.48,
        0.6,
        0.44,
    )
    assert (spot.logo_x, spot.logo_y, spot.logo_size, spot.count_x, spot.count_y) == (
        2.1,
        1.1,
        0.7,
        5.85,
        1.3,
    )


def test_place_visitor_labels_shows_only_the_number_in_a_shallow_booth():
    booth = Booth(number="A-1", x=0, y=0, width=3, height=1, exhibitor=Exhibitor(name="Vision"))

    spot = place_visitor_labels(booth)

    assert (spot.name, spot.logo_size, spot.number_y) == ("", 0, 0.5)

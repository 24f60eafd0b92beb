"""Checkboxes on a phone are big enough to tap: the box itself at least 24 px (WCAG 2.5.8) and
its label, which also ticks it, at least 44 px high (WCAG 2.5.5)."""

from __future__ import annotations

import json

import pytest

from .conftest import only_this_server
from .test_booth_analytics import SETUP

pytestmark = pytest.mark.e2e


def test_checkboxes_are_big_enough_to_tap_on_a_phone(phone, rakwon_server):
    setup = SETUP.replace('"counting-expo"', '"tap-expo"').replace("ana.staff@", "tia.staff@")
    setup = setup.replace("vic.visitor@", "tom.visitor@")
    ids = json.loads(rakwon_server.manage("shell", "-c", setup).strip().splitlines()[-1])
    page = phone.new_page()
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto(f"/signin/{ids['token']}/")
    page.wait_for_url("**/tap-expo/lobby/")
    page.goto(f"/tap-expo/booths/{ids['booth']}/")

    boxes = page.locator("#share-contact input[type=checkbox]")
    assert boxes.count() == 2  # name and e-mail address
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        label = page.locator("#share-contact label:has(input[type=checkbox])").nth(index).bounding_box()
        assert (box["width"] >= 24, box["height"] >= 24, label["height"] >= 44) == (True, True, True), (
            box,
            label,
        )
    # Tapping the label's text ticks the box.
    page.locator("#share-contact label", has_text="E-mail address").click(position={"x": 60, "y": 5})
    assert page.locator("#share-contact input[type=checkbox]").nth(1).is_checked()
    assert elsewhere == []

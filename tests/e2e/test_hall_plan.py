"""The hall plan in the browser: an organiser places a booth by clicking, dragging and with the
keyboard, imports booths from a CSV, and a visitor sees exhibitor names on the plan; on a phone
no page scrolls sideways."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, only_this_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough pass phrase 42"
SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember, User
from exhibits.models import Booth, Exhibitor, Hall

today = timezone.localdate()
event = Event.objects.create(name="Plan Expo", slug="plan-expo", starts_on=today,
                             ends_on=today + dt.timedelta(days=1), status=EventStatus.PUBLISHED)
hall = Hall.objects.create(event=event, name="Plan Hall", plan_columns=12, plan_rows=8)
taken = Exhibitor.objects.create(event=event, name="Osprey Optics")
Exhibitor.objects.create(event=event, name="Wren Robotics")
Booth.objects.create(event=event, hall=hall, exhibitor=taken, number="O-1", x=0, y=0, width=2, height=2)
owner = User.objects.create_user("plan.owner@example.org", password="a long enough pass phrase 42",
                                 display_name="Pat Planner")
EventTeamMember.objects.create(event=event, user=owner, role=TeamRole.OWNER)
print(json.dumps({"hall": hall.pk}))
"""
PLACED = """
import json
from exhibits.models import Booth
print(json.dumps(list(Booth.objects.filter(event__slug="plan-expo").order_by("number")
                      .values_list("number", "exhibitor__name", "x", "y", "width", "height"))))
"""


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def log_in(context):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill("plan.owner@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organiser/**")
    return page


def cell_centre(page, column: float, row: float) -> tuple[float, float]:
    """Where on the screen the centre of a plan cell is (the plan's SVG unit is one cell)."""
    plan = page.locator("svg[data-plan-hall]")
    plan.scroll_into_view_if_needed()
    box = plan.bounding_box()
    return box["x"] + (column + 0.5) * box["width"] / 12, box["y"] + (row + 0.5) * box["height"] / 8


def test_organiser_places_a_booth_by_click_drag_and_keyboard(browser, rakwon_server):
    hall = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])["hall"]
    context = browser.new_context(viewport={"width": 1000, "height": 1400}, base_url=rakwon_server.url)
    context.set_default_timeout(15_000)
    page = log_in(context)
    elsewhere = only_this_server(page, rakwon_server.url)
    page.goto("/organiser/plan-expo/booths/new/")
    page.get_by_role("combobox", name="Exhibitor", exact=True).select_option(label="Wren Robotics")
    page.get_by_role("textbox", name="Booth number", exact=True).fill("W-1")
    status = page.locator("[data-plan-status]")

    # Click a free cell: the booth goes there, and the fields (what is posted) follow.
    page.mouse.click(*cell_centre(page, 5, 3))
    expect(status).to_have_text("Column 5, row 3, 2 × 2 cells.")
    expect(page.get_by_role("spinbutton", name="Column")).to_have_value("5")
    expect(page.get_by_role("combobox", name="Hall", exact=True)).to_have_value(
        page.locator("svg[data-plan-hall]").get_attribute("data-plan-hall")
    )

    # Drag it by the mouse two cells right and one down, then drag its corner one cell wider.
    start = cell_centre(page, 5, 3)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*cell_centre(page, 6, 3), steps=3)
    page.mouse.move(*cell_centre(page, 7, 4), steps=3)
    page.mouse.up()
    expect(status).to_have_text("Column 7, row 4, 2 × 2 cells.")
    handle = page.locator(".placing-handle").bounding_box()
    corner = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.move(*corner)
    page.mouse.down()
    cell = page.locator("svg[data-plan-hall]").bounding_box()["width"] / 12
    page.mouse.move(corner[0] + cell, corner[1], steps=4)
    page.mouse.up()
    expect(status).to_have_text("Column 7, row 4, 3 × 2 cells.")

    # The keyboard: the booth is focused; arrows move, Shift+arrows resize, the edge stops it.
    booth = page.get_by_role(
        "button", name="The booth being placed. Arrow keys move it; Shift and arrow keys resize it."
    )
    expect(booth).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowLeft")
    expect(status).to_have_text("Column 7, row 3, 2 × 2 cells.")
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    expect(status).to_have_text("Column 10, row 3, 2 × 2 cells.")
    # Moving onto another booth is shown and said; the server would refuse it.
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    expect(status).to_have_text(
        "Column 0, row 0, 2 × 2 cells. Overlaps booth O-1: choose free cells, or it will not be saved."
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    expect(status).to_have_text("Column 0, row 2, 2 × 3 cells.")
    page.get_by_role("button", name="Place booth").click()
    page.wait_for_url("**/organiser/plan-expo/booths/")

    placed = json.loads(rakwon_server.manage("shell", "-c", PLACED).strip().splitlines()[-1])
    assert placed == [["O-1", "Osprey Optics", 0, 0, 2, 2], ["W-1", "Wren Robotics", 0, 2, 2, 3]]

    # Import two more booths from a CSV: preview first, then confirm.
    page.goto("/organiser/plan-expo/booths/")
    page.get_by_role("link", name="Import booths from a file").first.click()
    csv_text = (
        "\ufeffhall,number,exhibitor,column,row,width,depth\n"
        "Plan Hall,K-1,한빛 소프트,6,0,3,2\nPlan Hall,K-2,Wren Robotics,9,5,3,3\n"
    )
    page.get_by_label("CSV file").set_input_files(
        {"name": "floor.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 new booths, 1 new exhibitors;")).to_be_visible()
    page.get_by_role("button", name="Place 2 booths").click()
    page.wait_for_url("**/organiser/plan-expo/booths/")
    expect(page.get_by_text("2 booths placed from the file.")).to_be_visible()
    placed = json.loads(rakwon_server.manage("shell", "-c", PLACED).strip().splitlines()[-1])
    assert [row[:2] for row in placed] == [
        ["K-1", "한빛 소프트"],
        ["K-2", "Wren Robotics"],
        ["O-1", "Osprey Optics"],
        ["W-1", "Wren Robotics"],
    ]
    assert elsewhere == []
    context.close()

    # On a phone: the editor, the import page and the visitor's plan do not scroll sideways.
    phone = browser.new_context(viewport=PHONE, base_url=rakwon_server.url)
    page = log_in(phone)
    for path in ("/organiser/plan-expo/booths/new/", "/organiser/plan-expo/booths/import/"):
        page.goto(path)
        no_sideways_scroll(page)
    phone.close()

    # A visitor's hall plan names each booth's exhibitor; the list stays below it.
    visitor = browser.new_context(viewport=PHONE, base_url=rakwon_server.url)
    page = visitor.new_page()
    page.goto(f"/plan-expo/halls/{hall}/")
    plan = page.locator("svg.hall-plan")
    expect(plan.get_by_role("link", name="Booth K-1: 한빛 소프트")).to_be_visible()
    # Names cut to fit their booth, whole where they fit (a Korean name is measured as wide glyphs).
    assert plan.locator("text.plan-name").all_text_contents() == ["한빛 소프트", "Wren R…", "Ospre…", "Wren…"]
    expect(page.get_by_role("list").get_by_role("link", name="O-1 Osprey Optics")).to_be_visible()
    no_sideways_scroll(page)
    visitor.close()

"""Tests of events/single_line.py: the services that create one-line objects refuse control
characters themselves (not every caller is a form), saving nothing and saying what to fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, Session
from events.services.events import create_event, update_event
from events.services.schedule import save_session
from events.single_line import MESSAGE, check_single_line, is_single_line
from exhibits.models import Booth, Exhibitor, Hall
from exhibits.services.booths import place_booth
from exhibits.services.exhibitors import create_exhibitor
from exhibits.services.halls import create_hall

pytestmark = pytest.mark.django_db
CRLF = "a\r\nb"


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return {key: [str(m) for m in messages] for key, messages in caught.value.message_dict.items()}


def test_is_single_line_knows_what_is_a_line():
    assert [
        is_single_line(text) for text in ["Hall 1 · 제1관", "a\tb", "a\nb", "a\u2028b", "a\x85b", ""]
    ] == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]


def test_check_single_line_looks_inside_labels_in_each_language():
    with pytest.raises(ValidationError) as caught:
        check_single_line({"label": {"en": "Name", "ko": "이름\n"}, "help": "fine"})

    assert {k: [str(m) for m in v] for k, v in caught.value.message_dict.items()} == {"label": [str(MESSAGE)]}


def test_create_and_update_event_refuse_a_line_break_in_the_name(owner):
    fields = {"name": CRLF, "slug": "expo2", "starts_on": dt.date(2030, 5, 1), "ends_on": dt.date(2030, 5, 2)}

    assert refusal(lambda: create_event(by=owner, **fields)) == {"name": [str(MESSAGE)]}
    assert Event.objects.filter(slug="expo2").exists() is False


def test_update_event_refuses_a_line_break_and_keeps_the_old_name(event, owner):
    assert refusal(lambda: update_event(event, by=owner, name="Expo\nX")) == {"name": [str(MESSAGE)]}
    event.refresh_from_db()
    assert event.name == "Expo"


def test_floor_services_refuse_line_breaks(event, exhibitor_a, booth_a):
    assert refusal(lambda: create_hall(event, name=CRLF, plan_columns=10, plan_rows=10)) == {
        "name": [str(MESSAGE)]
    }
    assert refusal(lambda: create_exhibitor(event, name=CRLF)) == {"name": [str(MESSAGE)]}
    hall = booth_a.hall
    placed = refusal(
        lambda: place_booth(
            event, hall=hall, exhibitor=exhibitor_a, number=CRLF, tagline="x\ry", x=5, y=5, width=1, height=1
        )
    )
    assert placed == {"number": [str(MESSAGE)], "tagline": [str(MESSAGE)]}
    assert (Hall.objects.filter(name=CRLF).count(), Exhibitor.objects.filter(name=CRLF).count()) == (0, 0)
    assert Booth.objects.filter(number=CRLF).count() == 0


def test_save_session_refuses_line_breaks_in_title_and_control_characters_in_speakers(event):
    starts = dt.datetime.combine(event.starts_on, dt.time(10), tzinfo=event.tz)
    fields = {
        "description": "Two\nlines are fine here",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
    }

    assert refusal(lambda: save_session(event, None, title=CRLF, **fields)) == {"title": [str(MESSAGE)]}
    assert refusal(lambda: save_session(event, None, title="Talk", speakers_text="Ana\x07Kim", **fields)) == {
        "speakers_text": [str(MESSAGE)]
    }
    assert Session.objects.count() == 0


def test_registration_services_refuse_control_characters(event, owner):
    from events.enums import QuestionKind
    from events.services.institutions import create_institution
    from events.services.questions import save_question
    from events.services.registration import clean_answer
    from tests.registration_factories import QuestionFactory

    assert refusal(lambda: create_institution(event, name="Seoul\x07School", seats=3, by=owner)) == {
        "name": [str(MESSAGE)]
    }
    assert refusal(
        lambda: save_question(event, by=owner, kind=QuestionKind.SHORT_TEXT, label={"en": "Com\npany"})
    ) == {"label": [str(MESSAGE)]}
    short = QuestionFactory(event=event, kind=QuestionKind.SHORT_TEXT)
    long = QuestionFactory(event=event, kind=QuestionKind.LONG_TEXT)
    with pytest.raises(ValidationError) as caught:
        clean_answer(short, "Ana\r\nBcc: x")
    assert caught.value.messages == [str(MESSAGE)]
    assert clean_answer(long, "Line one\nLine two") == "Line one\nLine two"


def test_booth_content_services_refuse_control_characters(booth_a):
    from exhibits.services.booth_content import add_link, save_booth_content

    assert refusal(lambda: save_booth_content(booth_a, tagline="a\x1bb", description={}, tags=[])) == {
        "tagline": [str(MESSAGE)]
    }
    # Link and file titles were already made safe by clean_title (controls dropped, not refused).
    assert add_link(booth_a, title="Sheet\x07", url="https://example.org/").title == "Sheet"

"""events.services.schedule: saving sessions, their speakers and their booth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus
from events.errors import EventClosed
from events.models import Session, Speaker
from events.services.schedule import format_speakers, parse_speakers, save_session
from exhibits.models import BoothSession
from tests.factories import BoothFactory, EventFactory

pytestmark = pytest.mark.django_db


def _at(event, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.starts_on, dt.time(hour, minute), tzinfo=event.tz)


def _save(event, session=None, **overrides) -> Session:
    fields = {
        "title": "Keynote",
        "description": "",
        "starts_at": _at(event, 10),
        "ends_at": _at(event, 11),
        "speakers_text": "",
        "place": "",
    }
    return save_session(event, session, **{**fields, **overrides})


def test_save_session_ending_before_it_starts_is_refused_and_nothing_saved(event, booth_a):
    with pytest.raises(ValidationError) as caught:
        _save(
            event,
            starts_at=_at(event, 11),
            ends_at=_at(event, 10),
            speakers_text="Kim",
            place=f"booth:{booth_a.pk}",
        )
    assert caught.value.message_dict == {"ends_at": ["A session must end after it starts."]}
    assert (Session.objects.count(), Speaker.objects.count(), BoothSession.objects.count()) == (
        0,
        0,
        0,
    )


def test_save_session_overlapping_another_at_the_same_booth_is_refused(event, booth_a):
    _save(event, title="Opening", place=f"booth:{booth_a.pk}")
    with pytest.raises(ValidationError) as caught:
        _save(
            event,
            title="Demo",
            starts_at=_at(event, 10, 30),
            ends_at=_at(event, 12),
            place=f"booth:{booth_a.pk}",
        )
    assert caught.value.message_dict == {
        "starts_at": ["Booth A-1 already has “Opening” from 10:00 to 11:00. Choose another time or place."]
    }
    assert list(Session.objects.values_list("title", flat=True)) == ["Opening"]


def test_save_session_at_the_same_time_at_another_booth_is_allowed(event, booth_a):
    booth_b = BoothFactory(event=event, number="B-1")
    _save(event, title="Opening", place=f"booth:{booth_a.pk}")
    session = _save(event, title="Demo", place=f"booth:{booth_b.pk}")
    assert BoothSession.objects.get(session=session).booth == booth_b


def test_save_session_at_the_same_time_without_a_booth_is_allowed(event, booth_a):
    _save(event, title="Opening", place=f"booth:{booth_a.pk}")
    session = _save(event, title="Panel")
    assert (Session.objects.count(), BoothSession.objects.filter(session=session).exists()) == (
        2,
        False,
    )


def test_save_session_moved_within_its_own_slot_does_not_clash_with_itself(event, booth_a):
    session = _save(event, place=f"booth:{booth_a.pk}")
    _save(event, session, ends_at=_at(event, 11, 30), place=f"booth:{booth_a.pk}")
    session.refresh_from_db()
    assert session.ends_at == _at(event, 11, 30)


def test_save_session_at_a_booth_of_another_event_is_refused(event):
    other_booth = BoothFactory(event=EventFactory())
    with pytest.raises(ValidationError) as caught:
        _save(event, place=f"booth:{other_booth.pk}")
    assert caught.value.message_dict == {"place": ["That booth is not part of this event."]}
    assert Session.objects.count() == 0


def test_save_session_at_an_unknown_kind_of_place_is_refused(event):
    with pytest.raises(ValidationError) as caught:
        _save(event, place="stage:1")
    assert caught.value.message_dict == {"place": ["Choose a place from the list."]}


def test_save_session_on_a_closed_event_is_refused(event):
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(EventClosed):
        _save(event)
    assert Session.objects.count() == 0


def test_save_session_speakers_are_parsed_and_reused_across_sessions(event):
    first = _save(event, title="Opening", speakers_text="Kim Minji — KAIST\n\nLee Jun, Samsung\n")
    second = _save(
        event,
        title="Closing",
        starts_at=_at(event, 16),
        ends_at=_at(event, 17),
        speakers_text="Kim Minji — Seoul National University",
    )
    assert list(Speaker.objects.values_list("name", "affiliation")) == [
        ("Kim Minji", "Seoul National University"),
        ("Lee Jun", "Samsung"),
    ]
    assert list(second.speakers.all()) == [Speaker.objects.get(name="Kim Minji")]
    assert format_speakers(first) == "Kim Minji — Seoul National University\nLee Jun — Samsung"


def test_parse_speakers_accepts_each_separator_and_bare_names():
    assert parse_speakers("A — X\nB - Y\nC, Z\nD\n  \n") == [
        ("A", "X"),
        ("B", "Y"),
        ("C", "Z"),
        ("D", ""),
    ]

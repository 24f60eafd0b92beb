"""Finding booths by words and topic, and sessions grouped by place."""

from __future__ import annotations

import datetime as dt

import pytest

from events.services.schedule import save_session
from exhibits.models import Tag
from exhibits.services.tour import (
    event_sessions,
    find_booths,
    search_words,
    sessions_by_place,
    tag_from,
    tags_in_use,
)
from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, HallFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(event):
    """Two halls, three booths with words in English and Korean, two topics."""
    north = HallFactory(event=event, name="North", position=1)
    south = HallFactory(event=event, name="South", position=2)
    ai, security = (
        Tag.objects.create(event=event, name="AI"),
        Tag.objects.create(event=event, name="Security"),
    )
    routers = BoothFactory(
        event=event,
        hall=south,
        number="S-1",
        exhibitor=ExhibitorFactory(event=event, name="Alpha Systems", description="We build routers."),
        tagline="Routers for schools",
        description={"en": "Fast and quiet.", "ko": "빠르고 조용한 라우터"},
    )
    routers.tags.set([security])
    vision = BoothFactory(
        event=event,
        hall=north,
        number="N-2",
        exhibitor=ExhibitorFactory(event=event, name="Beta Vision", description=""),
        tagline="Cameras that count parcels",
    )
    vision.tags.set([ai])
    firewall = BoothFactory(
        event=event,
        hall=north,
        number="N-1",
        exhibitor=ExhibitorFactory(event=event, name="Gamma Walls", description=""),
        x=4,
    )
    firewall.tags.set([security, ai])
    return {"north": north, "south": south, "ai": ai, "security": security, "routers": routers,
            "vision": vision, "firewall": firewall}  # fmt: skip


def numbers(booths) -> list[str]:
    return [booth.number for booth in booths]


def test_find_booths_without_words_lists_all_in_hall_order(event, floor):
    assert numbers(find_booths(event)) == ["N-1", "N-2", "S-1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alpha", ["S-1"]),  # exhibitor name, any case
        ("n-2", ["N-2"]),  # booth number
        ("PARCELS", ["N-2"]),  # tagline
        ("routers", ["S-1"]),  # tagline and the exhibitor's description
        ("quiet", ["S-1"]),  # the booth's description in English
        ("라우터", ["S-1"]),  # ... and in Korean
        ("security", ["N-1", "S-1"]),  # a topic's name
        ("ai walls", ["N-1"]),  # every word must match
        ("alpha vision", []),
        ("nothing-like-this", []),
    ],
)
def test_find_booths_matches_every_word_anywhere(event, floor, query, expected):
    assert numbers(find_booths(event, query=query)) == expected


def test_find_booths_by_topic_and_hall(event, floor):
    assert numbers(find_booths(event, tag=floor["security"])) == ["N-1", "S-1"]
    assert numbers(find_booths(event, tag=floor["security"], hall=floor["north"])) == ["N-1"]
    assert numbers(find_booths(event, query="gamma", tag=floor["ai"])) == ["N-1"]


def test_find_booths_stays_in_its_event(event, floor):
    BoothFactory(event=EventFactory(), exhibitor__name="Alpha Elsewhere")

    assert numbers(find_booths(event, query="alpha")) == ["S-1"]


def test_search_words_are_cut_to_a_sensible_size():
    assert search_words("  Router   SWITCH ") == ["router", "switch"]
    assert search_words("a " * 20) == ["a"] * 8
    assert search_words("x" * 500) == ["x" * 100]
    assert search_words("") == []


def test_tags_in_use_only_those_on_booths(event, floor):
    Tag.objects.create(event=event, name="Unused")

    assert [tag.name for tag in tags_in_use(event)] == ["AI", "Security"]
    assert [tag.name for tag in tags_in_use(event, floor["south"])] == ["Security"]


def test_tag_from_accepts_only_this_events_tag_ids(event, floor):
    other = Tag.objects.create(event=EventFactory(), name="AI")

    assert tag_from(event, str(floor["ai"].pk)) == floor["ai"]
    assert [tag_from(event, raw) for raw in (None, "", "AI", "-1", str(other.pk))] == [None] * 5


def test_sessions_by_place_groups_by_hall_then_booth_then_none(event, floor):
    starts = dt.datetime.combine(event.starts_on, dt.time(9), tzinfo=event.tz)

    def at(booth, hours: int, title: str):
        return save_session(
            event,
            None,
            title=title,
            description="",
            starts_at=starts + dt.timedelta(hours=hours),
            ends_at=starts + dt.timedelta(hours=hours, minutes=30),
            place=f"booth:{booth.pk}" if booth else "",
        )

    at(floor["routers"], 0, "Routers")
    at(None, 1, "Opening")
    at(floor["firewall"], 2, "Walls late")
    at(floor["firewall"], 1, "Walls early")
    at(floor["vision"], 3, "Vision")

    groups = sessions_by_place(event_sessions(event))

    assert [
        (booth.number if booth else None, [session.title for session in sessions])
        for booth, sessions in groups
    ] == [
        ("N-1", ["Walls early", "Walls late"]),
        ("N-2", ["Vision"]),
        ("S-1", ["Routers"]),
        (None, ["Opening"]),
    ]


def test_event_sessions_know_their_booth(event, booth_a):
    SessionFactory(event=event, title="Nowhere")

    sessions = event_sessions(event)

    assert [(session.title, session.booth) for session in sessions] == [("Nowhere", None)]

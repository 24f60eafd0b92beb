"""The checklist shown before publishing (events/services/publish_checks.py): warnings, never a block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import EventStatus
from events.models import RegistrationSettings
from events.services.events import change_event_status
from events.services.publish_checks import publish_warnings
from tests.factories import BoothFactory, EventFactory, HallFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(owner):
    from events.enums import TeamRole
    from tests.factories import TeamMemberFactory

    event = EventFactory(slug="draft", name="Draft Expo", status=EventStatus.DRAFT, languages=["en", "ko"])
    event.name_translations = {"ko": "초안 박람회"}
    event.description_translations = {"ko": "박람회."}
    event.save()
    TeamMemberFactory(event=event, user=owner, role=TeamRole.OWNER)
    return event


def _codes(event) -> list[str]:
    return [warning.code for warning in publish_warnings(event)]


def test_a_complete_event_has_no_warnings(draft):
    hall = HallFactory(event=draft, name="Hall A", name_translations={"ko": "A홀"}, description="")
    BoothFactory(
        event=draft, hall=hall, exhibitor__name_translations={"ko": "회사"}, exhibitor__description=""
    )
    SessionFactory(event=draft, title="Opening", title_translations={"ko": "개막"})

    assert publish_warnings(draft) == []


def test_empty_event_warns_of_no_sessions_and_no_halls(draft):
    assert _codes(draft) == ["schedule.no_sessions", "floor.no_halls"]


def test_registration_window_over_warns(draft):
    SessionFactory(event=draft, title="Opening", title_translations={"ko": "개막"})
    HallFactory(event=draft, name_translations={"ko": "홀"}, description="")
    RegistrationSettings.objects.create(event=draft, closes_at=timezone.now() - dt.timedelta(hours=1))

    warnings = [w for w in publish_warnings(draft) if w.code.startswith("registration")]

    assert [(w.code, w.message) for w in warnings] == [
        ("registration.closed", "Registration has closed already: nobody new can register.")
    ]


def test_registration_opening_after_the_event_warns(draft):
    SessionFactory(event=draft, title="Opening", title_translations={"ko": "개막"})
    opens = dt.datetime.combine(draft.ends_on + dt.timedelta(days=1), dt.time(9), tzinfo=draft.tz)
    RegistrationSettings.objects.create(event=draft, opens_at=opens)

    assert "registration.opens_after_event" in _codes(draft)


def test_missing_korean_texts_are_named(draft):
    draft.name_translations = {}
    draft.save()
    SessionFactory(event=draft, title="Opening")

    missing = [w.message for w in publish_warnings(draft) if w.code == "texts.missing"]

    assert missing == [
        "The event's name has no Korean version.",
        "The session “Opening”: its title has no Korean version.",
    ]


def test_floor_checks_come_from_exhibits(draft):
    # A booth always has an exhibitor (the model requires one); the gap the other way round is an
    # exhibitor with no booth, whom no visitor can find on the floor.
    from tests.factories import ExhibitorFactory

    HallFactory(event=draft, name="Empty Hall", name_translations={"ko": "빈 홀"}, description="")
    full = HallFactory(event=draft, name="Hall B", name_translations={"ko": "B홀"}, description="")
    BoothFactory(
        event=draft,
        hall=full,
        number="B-1",
        exhibitor__name_translations={"ko": "회사"},
        exhibitor__description="",
    )
    ExhibitorFactory(event=draft, name="Lonely Ltd", name_translations={"ko": "외톨이"}, description="")
    BoothFactory(
        event=draft,
        hall=full,
        number="B-2",
        exhibitor__name_translations={"ko": "둘"},
        exhibitor__description="",
        description={"en": "Hi"},
    )
    SessionFactory(event=draft, title="Opening", title_translations={"ko": "개막"})

    assert [(w.code, w.message) for w in publish_warnings(draft)] == [
        ("floor.hall_without_booths", "The hall “Empty Hall” has no booths."),
        ("floor.exhibitor_without_booth", "The exhibitor “Lonely Ltd” has no booth."),
        ("texts.missing", "Booth B-2: its description has no Korean version."),
    ]


def test_warnings_do_not_block_publishing(draft, owner):
    assert publish_warnings(draft) != []

    change_event_status(draft, EventStatus.PUBLISHED, by=owner)

    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED


def test_a_check_that_fails_does_not_hide_the_others(draft, monkeypatch):
    from events import registry

    def broken(event):
        raise RuntimeError("boom")

    monkeypatch.setattr(
        registry.publish_checks, "_items", {"broken": broken, **registry.publish_checks._items}
    )

    codes = _codes(draft)

    assert codes == ["check.failed", "schedule.no_sessions", "floor.no_halls"]

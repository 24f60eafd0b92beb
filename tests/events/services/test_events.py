"""events.services.events: creating an event, changing its status, deleting it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus, TeamRole
from events.errors import EventError, NotAllowed
from events.models import Event, EventTeamMember
from events.services.events import change_event_status, create_event, delete_event
from exhibits.models import Booth, Exhibitor, Hall
from tests.factories import BoothFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(**overrides) -> dict:
    fields = {
        "name": "Korea IT Expo",
        "slug": "kitex",
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2026, 9, 3),
    }
    return {**fields, **overrides}


def test_create_event_makes_the_creator_its_only_owner():
    creator = UserFactory()
    event = create_event(by=creator, **_fields())
    assert (event.slug, event.status, event.time_zone) == ("kitex", EventStatus.DRAFT, "Asia/Seoul")
    assert list(event.team.values_list("user", "role")) == [(creator.pk, TeamRole.OWNER)]


def test_create_event_with_last_day_before_first_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        create_event(by=UserFactory(), **_fields(ends_on=dt.date(2026, 8, 31)))
    assert caught.value.message_dict == {"ends_on": ["The last day cannot be before the first day."]}
    assert (Event.objects.count(), EventTeamMember.objects.count()) == (0, 0)


def test_change_event_status_by_an_outsider_is_refused(event):
    with pytest.raises(NotAllowed) as caught:
        change_event_status(event, EventStatus.CLOSED, by=UserFactory())
    assert caught.value.message == "Only the event team can publish or close this event."
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_change_event_status_to_an_unknown_status_is_refused(event, owner):
    with pytest.raises(EventError) as caught:
        change_event_status(event, "archived", by=owner)
    assert (caught.value.code, caught.value.message) == (
        "event.bad_status",
        "Unknown status “archived”.",
    )
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_change_event_status_by_a_moderator_closes_and_reopens(event, moderator):
    change_event_status(event, EventStatus.CLOSED, by=moderator)
    event.refresh_from_db()
    assert event.status == EventStatus.CLOSED
    change_event_status(event, EventStatus.PUBLISHED, by=moderator)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_delete_event_by_a_moderator_is_refused(event, moderator):
    with pytest.raises(NotAllowed) as caught:
        delete_event(event, by=moderator)
    assert caught.value.message == "Only an owner of the event can delete it."
    assert Event.objects.filter(pk=event.pk).exists() is True


def test_delete_event_by_an_owner_removes_it_with_its_schedule(event, owner):
    SessionFactory(event=event)
    delete_event(event, by=owner)
    assert (Event.objects.count(), EventTeamMember.objects.count()) == (0, 0)


def test_delete_event_by_an_owner_removes_its_floor(event, owner):
    BoothFactory(event=event)
    delete_event(event, by=owner)
    assert (Hall.objects.count(), Exhibitor.objects.count(), Booth.objects.count()) == (0, 0, 0)

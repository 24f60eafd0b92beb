"""Organiser pages for the schedule: times in the event's zone, booths, refusals inline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import EventStatus
from events.models import Session, Speaker
from exhibits.models import BoothSession
from tests.factories import (
    BoothFactory,
    EventFactory,
    SessionFactory,
    TeamMemberFactory,
    UserFactory,
)

from .helpers import messages_of

pytestmark = pytest.mark.django_db

SCHEDULE_URL = "/organiser/expo/schedule/"
NEW_URL = "/organiser/expo/schedule/new/"


def _data(event, **overrides) -> dict:
    data = {
        "title": "Keynote",
        "description": "The opening talk.",
        "day": event.starts_on.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "speakers": "Kim Minji — KAIST\nLee Jun",
        "place": "",
    }
    data = {**data, **overrides}
    # The title and description have a box per event language; English is the first one here.
    return {(f"{key}_en" if key in ("title", "description") else key): value for key, value in data.items()}


def _utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


# --- The schedule page --------------------------------------------------------------------


def test_schedule_groups_sessions_by_the_event_day_in_its_time_zone(client, owner):
    # 20:00 in New York is already the next morning on the server's clock (Asia/Seoul).
    event = EventFactory(slug="ny", time_zone="America/New_York")
    TeamMemberFactory(event=event, user=owner)
    first, second = event.starts_on, event.starts_on + dt.timedelta(days=1)
    late = SessionFactory(
        event=event,
        title="Late talk",
        starts_at=dt.datetime.combine(first, dt.time(20, 0), tzinfo=event.tz),
        ends_at=dt.datetime.combine(first, dt.time(21, 0), tzinfo=event.tz),
    )
    morning = SessionFactory(
        event=event,
        title="Breakfast",
        starts_at=dt.datetime.combine(second, dt.time(8, 0), tzinfo=event.tz),
        ends_at=dt.datetime.combine(second, dt.time(9, 0), tzinfo=event.tz),
    )
    client.force_login(owner)
    response = client.get("/organiser/ny/schedule/")
    assert response.status_code == 200
    assert [(day, [row["session"] for row in rows]) for day, rows in response.context["days"]] == [
        (first, [late]),
        (second, [morning]),
    ]
    html = response.content.decode()
    assert f'<time datetime="{late.starts_at.astimezone(event.tz).isoformat()}">20:00</time>' in html


def test_schedule_shows_speakers_and_the_booth(client, event, owner, booth_a):
    client.force_login(owner)
    client.post(NEW_URL, _data(event, place=f"booth:{booth_a.pk}"))
    response = client.get(SCHEDULE_URL)
    assert [row["place"] for _day, rows in response.context["days"] for row in rows] == [
        "Booth A-1 · Alpha Systems"
    ]
    html = response.content.decode()
    assert "Kim Minji (KAIST); Lee Jun" in html
    assert "Booth A-1 · Alpha Systems" in html


def test_schedule_of_a_closed_event_is_read_only(client, event, owner):
    SessionFactory(event=event)
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    response = client.get(SCHEDULE_URL)
    assert (response.status_code, response.context["can_change"]) == (200, False)
    assert NEW_URL not in response.content.decode()


def test_schedule_outsider_gets_404(client, event):
    client.force_login(UserFactory())
    assert client.get(SCHEDULE_URL).status_code == 404


# --- Creating and editing -----------------------------------------------------------------


def test_session_create_reads_times_in_the_event_time_zone(client, event, moderator):
    client.force_login(moderator)
    response = client.post(NEW_URL, _data(event))
    session = Session.objects.get()
    assert (response.status_code, response["Location"]) == (302, SCHEDULE_URL)
    # 10:00 in Asia/Seoul (UTC+9) is 01:00 UTC.
    assert (session.starts_at, session.ends_at) == (
        _utc(event.starts_on, 1),
        _utc(event.starts_on, 2),
    )
    assert (session.title, session.description) == ("Keynote", "The opening talk.")
    assert list(session.speakers.values_list("name", "affiliation")) == [
        ("Kim Minji", "KAIST"),
        ("Lee Jun", ""),
    ]
    assert messages_of(response) == ["“Keynote” is on the schedule."]


def test_session_create_uses_the_event_zone_not_the_server_zone(client, owner):
    event = EventFactory(slug="berlin", time_zone="Europe/Berlin", starts_on=dt.date(2026, 7, 1))
    TeamMemberFactory(event=event, user=owner)
    client.force_login(owner)
    client.post("/organiser/berlin/schedule/new/", _data(event))
    # Berlin is on summer time (UTC+2) in July.
    assert Session.objects.get().starts_at == _utc(dt.date(2026, 7, 1), 8)


def test_session_create_at_a_booth_links_it(client, event, owner, booth_a):
    client.force_login(owner)
    client.post(NEW_URL, _data(event, place=f"booth:{booth_a.pk}"))
    assert BoothSession.objects.get().booth == booth_a


def test_session_create_form_offers_the_event_booths(client, event, owner, booth_a):
    client.force_login(owner)
    response = client.get(NEW_URL)
    assert response.context["form"].fields["place"].choices == [
        ("", "— no booth —"),
        (f"booth:{booth_a.pk}", "Booth A-1 · Alpha Systems"),
    ]


def test_session_create_ending_before_it_starts_is_refused_on_the_end_field(client, event, owner):
    client.force_login(owner)
    response = client.post(NEW_URL, _data(event, start="11:00", end="10:00"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["A session must end after it starts."]}
    assert (Session.objects.count(), Speaker.objects.count()) == (0, 0)


def test_session_create_on_a_day_outside_the_event_is_refused(client, event, owner):
    client.force_login(owner)
    day_after = event.ends_on + dt.timedelta(days=1)
    response = client.post(NEW_URL, _data(event, day=day_after.isoformat()))
    assert response.context["form"].errors == {
        "day": [
            f"The event runs from {event.starts_on.isoformat()} to {event.ends_on.isoformat()}. "
            "Choose a day in that range."
        ]
    }
    assert Session.objects.count() == 0


def test_session_create_overlapping_at_the_same_booth_is_refused_on_the_start_field(
    client, event, owner, booth_a
):
    client.force_login(owner)
    client.post(NEW_URL, _data(event, title="Opening", place=f"booth:{booth_a.pk}"))
    response = client.post(
        NEW_URL, _data(event, title="Demo", start="10:30", end="11:30", place=f"booth:{booth_a.pk}")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start": ["Booth A-1 already has “Opening” from 10:00 to 11:00. Choose another time or place."]
    }
    assert list(Session.objects.values_list("title", flat=True)) == ["Opening"]


def test_session_create_overlapping_at_another_booth_is_allowed(client, event, owner, booth_a):
    booth_b = BoothFactory(event=event, number="B-1")
    client.force_login(owner)
    client.post(NEW_URL, _data(event, title="Opening", place=f"booth:{booth_a.pk}"))
    response = client.post(NEW_URL, _data(event, title="Demo", place=f"booth:{booth_b.pk}"))
    assert (response.status_code, Session.objects.count()) == (302, 2)


def test_session_create_with_a_place_not_offered_is_refused(client, event, owner):
    other_booth = BoothFactory(event=EventFactory())
    client.force_login(owner)
    response = client.post(NEW_URL, _data(event, place=f"booth:{other_booth.pk}"))
    assert response.context["form"].errors == {
        "place": [f"Select a valid choice. booth:{other_booth.pk} is not one of the available choices."]
    }
    assert Session.objects.count() == 0


def test_session_create_on_a_closed_event_is_refused_with_403(client, event, owner):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    assert client.get(NEW_URL).status_code == 403
    assert (client.post(NEW_URL, _data(event)).status_code, Session.objects.count()) == (403, 0)


def test_session_edit_shows_the_times_in_the_event_time_zone(client, event, owner, booth_a):
    client.force_login(owner)
    client.post(NEW_URL, _data(event, place=f"booth:{booth_a.pk}"))
    session = Session.objects.get()
    response = client.get(reverse("organiser:session_edit", args=["expo", session.pk]))
    form = response.context["form"]
    assert response.status_code == 200
    assert {name: form[name].value() for name in ("day", "start", "end", "speakers", "place")} == {
        "day": event.starts_on,
        "start": dt.time(10, 0),
        "end": dt.time(11, 0),
        "speakers": "Kim Minji — KAIST\nLee Jun",
        "place": f"booth:{booth_a.pk}",
    }


def test_session_edit_saves_new_times_and_drops_the_booth(client, event, owner, booth_a):
    client.force_login(owner)
    client.post(NEW_URL, _data(event, place=f"booth:{booth_a.pk}"))
    session = Session.objects.get()
    response = client.post(
        reverse("organiser:session_edit", args=["expo", session.pk]),
        _data(event, title="Keynote (moved)", start="14:00", end="15:30", speakers="Lee Jun"),
    )
    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.title, session.starts_at, session.ends_at) == (
        "Keynote (moved)",
        _utc(event.starts_on, 5),
        _utc(event.starts_on, 6, 30),
    )
    assert list(session.speakers.values_list("name", flat=True)) == ["Lee Jun"]
    assert BoothSession.objects.count() == 0


def test_session_edit_of_another_event_session_gets_404(client, event, owner):
    stranger = SessionFactory(event=EventFactory())
    client.force_login(owner)
    response = client.get(reverse("organiser:session_edit", args=["expo", stranger.pk]))
    assert response.status_code == 404


# --- Deleting -----------------------------------------------------------------------------


def test_session_delete_confirms_then_deletes(client, event, moderator):
    session = SessionFactory(event=event, title="Opening")
    client.force_login(moderator)
    url = reverse("organiser:session_delete", args=["expo", session.pk])
    confirm = client.get(url)
    assert (confirm.status_code, confirm.context["session"]) == (200, session)
    response = client.post(url)
    assert (response.status_code, response["Location"]) == (302, SCHEDULE_URL)
    assert Session.objects.count() == 0
    assert messages_of(response) == ["“Opening” is taken off the schedule."]


def test_session_delete_on_a_closed_event_is_refused_with_403(client, event, owner):
    session = SessionFactory(event=event)
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    response = client.post(reverse("organiser:session_delete", args=["expo", session.pk]))
    assert (response.status_code, Session.objects.count()) == (403, 1)

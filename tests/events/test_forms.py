"""events.forms: the organiser's event, team and session forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from events.forms import ConfirmEventDeleteForm, EventForm, SessionForm, TeamInvitationForm
from tests.factories import EventFactory, png_upload

pytestmark = pytest.mark.django_db


def _event_data(**overrides) -> dict:
    data = {
        "name_ko": "Korea IT Expo",
        "slug": "KITEX",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-01",
        "time_zone": "Europe/Berlin",
        "languages": ["ko"],
        "colour": "#00ff00",
    }
    return {**data, **overrides}


def test_event_form_lower_cases_the_slug_and_gives_service_fields_without_a_logo():
    form = EventForm(_event_data())
    assert form.is_valid() is True, form.errors
    assert form.event_fields() == {
        "name": "Korea IT Expo",
        "slug": "kitex",
        "description": "",
        "name_translations": {},
        "description_translations": {},
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2026, 9, 1),
        "time_zone": "Europe/Berlin",
        "languages": ["ko"],
        "logo": "",
        "colour": "#00ff00",
    }


def test_event_form_keeps_a_real_logo():
    form = EventForm(_event_data(), {"logo": png_upload("brand.png")})
    assert form.is_valid() is True, form.errors
    assert form.event_fields()["logo"].name == "brand.png"


def test_event_form_unknown_language_is_refused():
    form = EventForm(_event_data(languages=["en", "xx"]))
    assert form.errors == {"languages": ["Select a valid choice. xx is not one of the available choices."]}


def test_event_form_slug_taken_by_another_event_in_other_case_is_refused():
    EventFactory(slug="kitex")
    form = EventForm(_event_data(slug="KiTeX"))
    assert form.errors == {"slug": ["The short name “kitex” is already taken. Choose another one."]}


def test_confirm_event_delete_form_wants_the_exact_slug():
    event = EventFactory(slug="expo")
    assert ConfirmEventDeleteForm({"slug": " expo "}, event=event).is_valid() is True
    assert ConfirmEventDeleteForm({"slug": "EXPO"}, event=event).errors == {
        "slug": ["That is not this event's short name. Type “expo” exactly to delete it."]
    }


def test_team_invitation_form_defaults_to_moderator():
    assert TeamInvitationForm().fields["role"].initial == "moderator"


def _session_form(event, **overrides) -> SessionForm:
    data = {"title_en": "Talk", "day": event.starts_on.isoformat(), "start": "09:30", "end": "10:15"}
    return SessionForm({**data, **overrides}, event=event)


def test_session_form_makes_times_aware_in_the_event_time_zone():
    event = EventFactory(time_zone="America/Los_Angeles", starts_on=dt.date(2026, 1, 15))
    form = _session_form(event, speakers="Ada")
    assert form.is_valid() is True, form.errors
    fields = form.session_fields()
    assert (fields["starts_at"].astimezone(dt.UTC), fields["ends_at"].astimezone(dt.UTC)) == (
        dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 15, 18, 15, tzinfo=dt.UTC),
    )
    assert (fields["speakers_text"], fields["place"]) == ("Ada", "")


def test_session_form_day_before_the_event_is_refused():
    event = EventFactory(starts_on=dt.date(2026, 1, 15), ends_on=dt.date(2026, 1, 16))
    form = _session_form(event, day="2026-01-14")
    assert form.errors == {
        "day": ["The event runs from 2026-01-15 to 2026-01-16. Choose a day in that range."]
    }


def test_session_form_puts_service_errors_beside_their_fields():
    event = EventFactory()
    form = _session_form(event)
    assert form.is_valid() is True
    form.add_service_errors(
        ValidationError(
            {
                "starts_at": ["Booth busy."],
                "ends_at": ["Too late."],
                "place": ["No such booth."],
                "__all__": ["Something else."],
            }
        )
    )
    assert form.errors == {
        "start": ["Booth busy."],
        "end": ["Too late."],
        "place": ["No such booth."],
        "__all__": ["Something else."],
    }


def test_session_form_service_error_without_a_field_is_a_form_error():
    form = _session_form(EventFactory())
    assert form.is_valid() is True
    form.add_service_errors(ValidationError("The place is shut."))
    assert form.errors == {"__all__": ["The place is shut."]}

"""Per-language texts (events/models/texts.py): the visitor's version, the first language when
there is none, and every text a visitor reads having its per-language versions."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from events.models.texts import search_texts, text_in, texts_of
from tests.factories import EventFactory, HallFactory

pytestmark = pytest.mark.django_db

# Every one-text field of the events and exhibits models, and why it has no per-language
# versions. A new text field fails test_every_visitor_facing_text_field_is_per_language until
# it is given `<name>_translations` or a reason here.
NOT_PER_LANGUAGE = {
    "Event.time_zone": "a time zone name, not words",
    "Event.colour": "a colour",
    "ChatMessage.room": "an internal key",
    "ChatMessage.author_label": "a person's name",
    "ChatMessage.text": "what a person wrote, in their own language",
    "AuditLogEntry.actor_label": "the organisers' log, not shown to visitors",
    "AuditLogEntry.subject": "the organisers' log, not shown to visitors",
    "ExportJob.language": "a language code",
    "ExportJob.file_name": "an organiser's download",
    "ExportJob.error": "an organiser's download",
    "Institution.name": "an organisation's own name, the same in every language",
    "AccessCode.code_hint": "a secret's hint",
    "Attendee.display_name": "a person's name",
    "Attendee.language": "a language code",
    "CountedAttempt.key": "an internal key",
    "Speaker.name": "a person's name",
    "Speaker.affiliation": "an organisation's own name",
    "User.password": "a secret",
    "User.username": "an account name",
    "User.first_name": "a person's name",
    "User.last_name": "a person's name",
    "User.display_name": "a person's name",
    "Booth.number": "a code such as A-12",
    "BoothVisitMark.key": "an internal key",
    "BoothAsset.folder": "an internal path",
    "BoothAsset.original_format": "a file format",
    "BoothAsset.error_code": "an internal code",
    "CalendarFeed.token": "a secret",
    "StaffCalendarFeed.token": "a secret",
    "StaffCalendarFeed.language": "a language code",
    "Lead.notes": "the exhibitor's own notes, never shown to visitors",
    # The API and webhooks: organisers' and exhibitors' machinery, never shown to visitors.
    "ApiToken.name": "the token maker's own label",
    "ApiToken.prefix": "a secret's visible start",
    "ApiToken.owner_kind": "a registered party's kind, an internal code",
    "Webhook.owner_kind": "a registered party's kind, an internal code",
    "IdempotentAnswer.body": "a stored API answer",
    "IdempotentAnswer.key": "an internal key",
    "Webhook.disabled_reason": "the organisers' delivery log",
    "Webhook.secret": "a secret",
    "WebhookDelivery.kind": "an internal code",
    "WebhookDelivery.last_error": "the organisers' delivery log",
    "WebhookDelivery.subject": "an internal reference",
    # Meetings by appointment: what the two sides wrote to each other, and the room's key.
    "Appointment.note": "what a person wrote, in their own language",
    "Appointment.room_token": "a secret",
    "VisitorMeeting.note": "what a person wrote, in their own language",
    "VisitorMeeting.room_token": "a secret",
    # Q&A on a session: what a visitor asked, in their own words, under their public name.
    "SessionQuestion.text": "what a person wrote, in their own language",
    "SessionQuestion.author_label": "a person's name",
    # Polls in a session: written live by its moderator in the session's language, like its questions.
    "SessionPoll.question": "what a moderator wrote live, in the session's language",
    "PollOption.text": "what a moderator wrote live, in the session's language",
    # The dashboard's counts: keys of places and counters, numbers only.
    "HourlyCount.place": "an internal key",
    "HourlyCount.what": "an internal code",
}


def one_text_fields() -> list[str]:
    found = []
    for app in ("events", "exhibits"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField) or field.choices:
                    continue
                if isinstance(field, models.SlugField | models.EmailField | models.URLField):
                    continue  # addresses and codes read the same in every language
                if field.name.endswith("_hash"):
                    continue  # a secret's hash is never read by anyone
                found.append(f"{model.__name__}.{field.name}")
    return sorted(found)


def test_every_visitor_facing_text_field_is_per_language():
    missing = []
    for name in one_text_fields():
        model_name, field_name = name.split(".")
        if name in NOT_PER_LANGUAGE:
            continue
        model = next(
            m
            for app in ("events", "exhibits")
            for m in apps.get_app_config(app).get_models()
            if m.__name__ == model_name
        )
        companion = next(
            (f for f in model._meta.get_fields() if f.name == field_name + "_translations"), None
        )
        if not isinstance(companion, models.JSONField) or field_name not in getattr(model, "TRANSLATED", ()):
            missing.append(name)
    assert missing == []


def test_the_per_language_fields_are_the_ones_visitors_read():
    translated = sorted(
        f"{model.__name__}.{field}"
        for app in ("events", "exhibits")
        for model in apps.get_app_config(app).get_models()
        for field in getattr(model, "TRANSLATED", ())
    )
    assert translated == [
        "Booth.tagline",
        "BoothAsset.title",
        "BoothLink.title",
        "Event.description",
        "Event.name",
        "Exhibitor.description",
        "Exhibitor.name",
        "Hall.description",
        "Hall.name",
        "Session.description",
        "Session.title",
        "Tag.name",
    ]


def test_no_exemption_names_a_field_that_is_gone():
    assert sorted(set(NOT_PER_LANGUAGE) - set(one_text_fields())) == []


def test_text_in_gives_the_asked_language():
    hall = HallFactory(name="North Hall", name_translations={"ko": "북관"})
    assert (text_in(hall, "name", "ko"), text_in(hall, "name", "en")) == ("북관", "North Hall")


def test_text_in_without_the_language_falls_back_to_the_first_language():
    hall = HallFactory(name="North Hall", name_translations={"ko": "  "})
    assert (text_in(hall, "name", "ko"), text_in(hall, "name", "ja")) == ("North Hall", "North Hall")


def test_text_in_defaults_to_the_active_language():
    event = EventFactory(name="Harbour Fair", name_translations={"ko": "항구 박람회"})
    with translation.override("ko"):
        assert text_in(event, "name") == "항구 박람회"
    with translation.override("en"):
        assert text_in(event, "name") == "Harbour Fair"


def test_texts_of_puts_the_first_language_first():
    event = EventFactory(languages=["ko", "en"], name="항구 박람회", name_translations={"en": "Harbour Fair"})
    assert texts_of(event, "name", event.languages) == {"ko": "항구 박람회", "en": "Harbour Fair"}


def test_search_texts_has_every_language():
    hall = HallFactory(name="North Hall", name_translations={"ko": "북관"})
    assert search_texts(hall, "name") == ["North Hall", "북관"]

"""The checklist before publishing: what visitors would miss (events' own checks, and those other
apps registered in events.registry.publish_checks). It warns; publishing is never blocked."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Event, RegistrationSettings
from ..registry import PublishWarning, publish_checks

logger = logging.getLogger(__name__)


def publish_warnings(event: Event) -> list[PublishWarning]:
    """Every registered check's warnings, in order. A check that fails is reported, not raised:
    the others still run and publishing stays possible."""
    warnings: list[PublishWarning] = []
    for name, check in publish_checks.items():
        try:
            warnings.extend(check(event))
        except Exception:
            logger.exception("publish check %s failed for event %s", name, event.pk)
            warnings.append(
                PublishWarning("check.failed", _("One of the checks could not run; see the server log."))
            )
    return warnings


def language_name(code: str) -> str:
    names = dict(settings.LANGUAGES)
    return str(names.get(code, code))


def missing_languages(obj, field: str, languages: list[str]) -> list[str]:
    """The event languages in which a visitor-facing text has no version, when another has one.
    Works for a text in two fields (`field` and `field_translations`) and for a {language: text}."""
    value = getattr(obj, field, None)
    if isinstance(value, dict):
        texts = {code: value.get(code, "") for code in languages}
    else:
        translations = getattr(obj, f"{field}_translations", None)
        translations = translations if isinstance(translations, dict) else {}
        texts = {code: translations.get(code, "") for code in languages[1:]}
        if languages:
            texts[languages[0]] = value or ""
    written = [code for code in languages if isinstance(texts.get(code), str) and texts[code].strip()]
    if not written:
        return []  # an optional text nobody wrote: nothing is missing
    return [code for code in languages if code not in written]


def missing_text_warnings(
    obj, fields, languages: list[str], describe, url_name: str = ""
) -> list[PublishWarning]:
    """One warning per text and language it lacks; `describe(field_label, language_label)`."""
    labels = {"name": _("name"), "description": _("description"), "title": _("title")}
    return [
        PublishWarning("texts.missing", describe(labels.get(field, field), language_name(code)), url_name)
        for field in fields
        for code in missing_languages(obj, field, languages)
    ]


def check_event_texts(event: Event) -> list[PublishWarning]:
    return missing_text_warnings(
        event,
        getattr(Event, "TRANSLATED", ("name", "description")),
        event.languages,
        lambda field, language: (
            _("The event's %(field)s has no %(language)s version.") % {"field": field, "language": language}
        ),
        "organiser:event_edit",
    )


def check_schedule(event: Event) -> list[PublishWarning]:
    sessions = list(event.sessions.order_by("starts_at", "id"))
    if not sessions:
        return [PublishWarning("schedule.no_sessions", _("No sessions are scheduled."), "organiser:schedule")]
    warnings = []
    for session in sessions:
        warnings += missing_text_warnings(
            session,
            getattr(type(session), "TRANSLATED", ("title",)),
            event.languages,
            lambda field, language, title=session.title: (
                _("The session “%(title)s”: its %(field)s has no %(language)s version.")
                % {"title": title, "field": field, "language": language}
            ),
            "organiser:schedule",
        )
    return warnings


def check_registration(event: Event) -> list[PublishWarning]:
    found = RegistrationSettings.objects.filter(event=event).first()
    if found is None:
        return []  # never set: registration is open from publishing on
    now = timezone.now()
    if found.closes_at and found.closes_at <= now:
        return [
            PublishWarning(
                "registration.closed",
                _("Registration has closed already: nobody new can register."),
                "registration_admin:settings",
            )
        ]
    if found.opens_at and timezone.localtime(found.opens_at, event.tz).date() > event.ends_on:
        return [
            PublishWarning(
                "registration.opens_after_event",
                _("Registration opens only after the event's last day."),
                "registration_admin:settings",
            )
        ]
    return []


def register_event_checks() -> None:
    publish_checks.register("events.texts", check_event_texts)
    publish_checks.register("events.registration", check_registration)
    publish_checks.register("events.schedule", check_schedule)

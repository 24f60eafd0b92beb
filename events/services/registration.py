"""Registering individuals: the event's registration settings, checking answers against the
questions, registration under capacity and approval, and the organiser's decisions.

The form's questions are built in services.questions; institutions in services.institutions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..enums import (
    PLACE_HOLDING_STATUSES,
    AttendeeKind,
    AttendeeStatus,
    Country,
    QuestionKind,
    RegistrationMail,
)
from ..errors import RakwonError
from ..models import Answer, Attendee, Event, Question, RegistrationSettings, User
from ..models.registration import ANSWER_MAX_LENGTH, PURPOSE_MAX_LENGTH, is_placeholder_email
from ..queue import enqueue_after_commit
from ..single_line import CODE as SINGLE_LINE_CODE
from ..single_line import MESSAGE as SINGLE_LINE_MESSAGE
from ..single_line import is_single_line
from . import webhooks
from .attempts import check_mail_limits, count_mail
from .questions import NAME_QUESTION, active_questions, get_registration_settings, require_change

_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
PHONE_MIN_DIGITS = 5


class RegistrationError(RakwonError):
    code = "registration.error"


# --- Settings --------------------------------------------------------------------------------


def places_held(event: Event) -> int:
    return Attendee.objects.filter(
        event=event, kind=AttendeeKind.INDIVIDUAL, status__in=PLACE_HOLDING_STATUSES
    ).count()


@transaction.atomic
def update_registration_settings(
    event: Event,
    *,
    by: User,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    capacity: int | None,
    requires_approval: bool,
    personal_data_retention_days: int | None,
    purpose: dict[str, str],
) -> RegistrationSettings:
    require_change(event, by)
    found = get_registration_settings(event)
    found = RegistrationSettings.objects.select_for_update().get(pk=found.pk)
    found.opens_at, found.closes_at, found.capacity = opens_at, closes_at, capacity
    found.requires_approval = requires_approval
    found.personal_data_retention_days = personal_data_retention_days
    found.purpose = {code: (purpose.get(code) or "").strip() for code in event.languages}
    errors = {}
    if any(len(text) > PURPOSE_MAX_LENGTH for text in found.purpose.values()):
        errors["purpose"] = _("Keep the explanation under %(n)s characters.") % {"n": PURPOSE_MAX_LENGTH}
    held = places_held(event)
    if capacity is not None and capacity < held:
        errors["capacity"] = _(
            "%(held)s people have already registered; the capacity cannot be lower. "
            "Cancel registrations first, or leave the capacity at %(held)s or more."
        ) % {"held": held}
    try:
        found.full_clean(exclude=["event"])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    found.save()
    return found


def privacy_notice(event: Event, language: str, *, kind: str) -> dict[str, Any]:
    """What is stored about a visitor, who sees it and for how long, shown before they submit."""
    reg = get_registration_settings(event)
    if kind == AttendeeKind.INDIVIDUAL:
        fields = [_("Your e-mail address (to send your sign-in link)")]
        fields += [question.label_in(language) for question in active_questions(event)]
    else:
        fields = [_("The name you enter"), _("The institution whose code you used")]
    fields.append(_("Whether others may see your name"))
    return {
        "fields": fields,
        "purpose": reg.purpose_in(language),
        "retention_days": reg.personal_data_retention_days,
        "deleted_on": reg.personal_data_deleted_on,
    }


# --- Answers ---------------------------------------------------------------------------------


def clean_answer(question: Question, raw: Any) -> Any:
    """The value to store for one answer, or None if left empty; ValidationError if refused."""
    kind = question.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        values = raw if isinstance(raw, list | tuple) else ([raw] if raw else [])
        values = [str(value).strip() for value in values if str(value).strip()]
    else:
        text = raw[-1] if isinstance(raw, list | tuple) and raw else raw
        values = [str(text or "").strip()] if str(text or "").strip() else []
    if not values:
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    longest = ANSWER_MAX_LENGTH[kind]
    for value in values:
        if len(value) > longest:
            raise ValidationError(
                _("This answer is too long: %(n)s characters at most (it has %(length)s). Shorten it.")
                % {"n": longest, "length": len(value)},
                code="too_long",
            )
    value = values[0]
    if kind != QuestionKind.LONG_TEXT and not all(is_single_line(each) for each in values):
        # A name or a phone number on one line: the attendee's name is shown and mailed.
        raise ValidationError(SINGLE_LINE_MESSAGE, code=SINGLE_LINE_CODE)
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        offered = {option["key"] for option in question.active_options()}
        if any(each not in offered for each in values):
            raise ValidationError(_("Choose from the options offered."), code="unknown_choice")
        return list(dict.fromkeys(values)) if kind == QuestionKind.MULTIPLE_CHOICE else value
    if kind == QuestionKind.SHORT_TEXT:
        return " ".join(value.split())
    if kind == QuestionKind.YES_NO:
        if value not in ("yes", "no"):
            raise ValidationError(_("Answer yes or no."), code="invalid")
        return value == "yes"
    if kind == QuestionKind.DATE:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                _("Enter a date as YYYY-MM-DD, for example 2026-05-14."), code="invalid"
            ) from None
        if not 1900 <= day.year <= 2100:
            raise ValidationError(_("Enter a date between the years 1900 and 2100."), code="invalid")
        return day.isoformat()
    if kind == QuestionKind.COUNTRY:
        if value.upper() not in Country.values:
            raise ValidationError(_("Choose a country from the list."), code="unknown_choice")
        return value.upper()
    if kind == QuestionKind.PHONE:
        if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < PHONE_MIN_DIGITS:
            raise ValidationError(
                _("Enter a phone number with digits, spaces, + and - only, for example +82 2 123 4567."),
                code="invalid",
            )
        return value
    if kind == QuestionKind.EMAIL:
        return clean_email(value)
    return value  # long text keeps its line breaks


def clean_answers(questions: list[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """{identifier: value} for the answered questions; ValidationError keyed by identifier."""
    cleaned, errors = {}, {}
    for question in questions:
        try:
            value = clean_answer(question, raw.get(question.identifier))
        except ValidationError as error:
            errors[question.identifier] = error.messages
            continue
        if value is not None:
            cleaned[question.identifier] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_email(value: str) -> str:
    email = (value or "").strip().lower()
    message = _("Enter a valid e-mail address, for example name@example.org.")
    if not email or len(email) > ANSWER_MAX_LENGTH[QuestionKind.EMAIL] or is_placeholder_email(email):
        raise ValidationError(message, code="invalid_email")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(message, code="invalid_email") from None
    return email


def answer_rows(attendee: Attendee, questions: list[Question], cleaned: dict[str, Any]) -> list[Answer]:
    rows = []
    for question in questions:
        if question.identifier not in cleaned:
            continue
        value = cleaned[question.identifier]
        keys = value if isinstance(value, list) else [value]
        options = {option["key"]: option.get("labels", {}) for option in question.options or []}
        rows.append(
            Answer(
                attendee=attendee,
                question=question,
                value=value,
                question_label_snapshot=dict(question.label),
                option_labels_snapshot={
                    key: options[key] for key in keys if question.is_choice and key in options
                },
            )
        )
    return rows


# --- Registering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    attendee: Attendee
    created: bool  # False: the address was already registered; a new sign-in link was sent


def _when(moment: dt.datetime, event: Event) -> str:
    return formats.date_format(timezone.localtime(moment, event.tz), "DATETIME_FORMAT")


def check_open(event: Event, reg: RegistrationSettings, now: dt.datetime) -> None:
    if event.is_closed:
        raise RegistrationError(
            _("This event has ended; registration is closed."), code="registration.closed"
        )
    if not event.is_published:
        raise RegistrationError(
            _("Registration opens once the event is published."), code="registration.not_published"
        )
    if reg.opens_at and now < reg.opens_at:
        raise RegistrationError(
            _("Registration opens on %(when)s. Please come back then.")
            % {"when": _when(reg.opens_at, event)},
            code="registration.not_open",
        )
    if reg.closes_at and now >= reg.closes_at:
        raise RegistrationError(
            _("Registration closed on %(when)s.") % {"when": _when(reg.closes_at, event)},
            code="registration.closed",
        )


def registration_refusal(event: Event) -> str | None:
    """Why registration is not possible right now (closed, not open yet, full), or None."""
    reg = get_registration_settings(event)
    try:
        check_open(event, reg, timezone.now())
    except RegistrationError as error:
        return error.message
    if reg.capacity is not None and places_held(event) >= reg.capacity:
        return _("Sorry, the event is full: all %(n)s places are taken.") % {"n": reg.capacity}
    return None


def register_individual(
    event: Event,
    *,
    email: str,
    answers: Mapping[str, Any],
    visible_to_others: bool = False,
    language: str = "",
    ip: str = "",
) -> Registration:
    """Register a person by e-mail and mail them. Nothing is saved on refusal.

    The registration waits (UNCONFIRMED) until the address's owner confirms it: by the mailed
    link, or, for an account that logs in with its password, after logging in. So whoever types
    someone else's address attaches nothing to their account and signs in as nobody. An address
    already registered is told so by mail; nothing is saved and its sign-in link keeps working.
    The caller's answer is the same in every case: only the mail differs.

    Raises ValidationError (keyed "email" or by question identifier), RateLimited, or
    RegistrationError (closed, not open yet, full).
    """
    errors = {}
    try:
        email = clean_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    questions = active_questions(event)
    try:
        cleaned = clean_answers(questions, answers)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    check_mail_limits(event, email, ip)
    reg = get_registration_settings(event)
    with transaction.atomic():
        # The lock serialises registrations of this event, so the count below stays true.
        reg = RegistrationSettings.objects.select_for_update().get(pk=reg.pk)
        event.refresh_from_db(fields=["status"])
        now = timezone.now()
        # Refusals come before looking the address up, so they are the same for every address.
        check_open(event, reg, now)
        if reg.capacity is not None and places_held(event) >= reg.capacity:
            raise RegistrationError(
                _("Sorry, the event is full: all %(n)s places are taken.") % {"n": reg.capacity},
                code="registration.full",
            )
        existing = Attendee.objects.filter(event=event, kind=AttendeeKind.INDIVIDUAL, email=email).first()
        count_mail(event, email, ip)
        if existing is not None:
            enqueue_after_commit(
                "events.tasks.send_registration_mail", existing.pk, RegistrationMail.ALREADY_REGISTERED
            )
            return Registration(existing, created=False)
        name = str(cleaned.get(NAME_QUESTION, ""))[:120]
        # An existing account keeps its own name: the form's answers belong to this registration.
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, display_name=name)
        attendee = Attendee.objects.create(
            event=event,
            user=user,
            kind=AttendeeKind.INDIVIDUAL,
            status=AttendeeStatus.UNCONFIRMED,
            display_name=name,
            email=email,
            language=language[:8],
            visible_to_others=bool(visible_to_others),
        )
        Answer.objects.bulk_create(answer_rows(attendee, questions, cleaned))
        reason = RegistrationMail.AWAITING_APPROVAL if reg.requires_approval else RegistrationMail.WELCOME
        enqueue_after_commit("events.tasks.send_registration_mail", attendee.pk, reason)
    return Registration(attendee, created=True)


@transaction.atomic
def confirm_registration(attendee: Attendee, *, by: User) -> Attendee:
    """The owner of the address confirms a registration made on the form: it then holds as
    confirmed, or awaits the organisers' approval if the event asks for it."""
    attendee = Attendee.objects.select_for_update().select_related("event").get(pk=attendee.pk)
    if attendee.user_id is None or attendee.user_id != by.pk:
        raise RegistrationError(
            _("This registration belongs to another account."), code="registration.not_yours"
        )
    if attendee.status != AttendeeStatus.UNCONFIRMED:
        return attendee  # confirming twice (two devices, a double click) changes nothing
    pending = get_registration_settings(attendee.event).requires_approval
    attendee.status = AttendeeStatus.PENDING if pending else AttendeeStatus.CONFIRMED
    attendee.confirmed_at = None if pending else timezone.now()
    attendee.save(update_fields=["status", "confirmed_at"])
    if not pending:
        webhooks.registration_confirmed(attendee)
    return attendee


@transaction.atomic
def decline_registration(attendee: Attendee, *, by: User) -> None:
    """The owner did not ask for this registration: it is deleted with its answers."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.user_id is None or attendee.user_id != by.pk:
        raise RegistrationError(
            _("This registration belongs to another account."), code="registration.not_yours"
        )
    if attendee.status != AttendeeStatus.UNCONFIRMED:
        raise RegistrationError(
            _("This registration is already confirmed; it can no longer be declined here."),
            code="registration.bad_transition",
        )
    attendee.delete()


# --- The organiser's decisions ----------------------------------------------------------------

_DECISIONS = {
    # action: (statuses it applies to, resulting status, mail)
    "approve": ((AttendeeStatus.PENDING,), AttendeeStatus.CONFIRMED, RegistrationMail.APPROVED),
    "reject": ((AttendeeStatus.PENDING,), AttendeeStatus.REJECTED, RegistrationMail.REJECTED),
    "cancel": (PLACE_HOLDING_STATUSES, AttendeeStatus.CANCELLED, RegistrationMail.CANCELLED),
}


@transaction.atomic
def decide(attendee: Attendee, action: str, *, by: User) -> Attendee:
    """Approve, reject or cancel a registration; individuals get a mail either way."""
    require_change(attendee.event, by)
    if action not in _DECISIONS:
        raise RegistrationError(_("Unknown action."), code="registration.bad_action")
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    allowed_from, status, mail = _DECISIONS[action]
    if attendee.status not in allowed_from:
        raise RegistrationError(
            _("This registration is already “%(status)s”; it cannot be changed that way.")
            % {"status": attendee.get_status_display()},
            code="registration.bad_transition",
        )
    now = timezone.now()
    attendee.status, attendee.decided_at, attendee.decided_by = status, now, by
    if status == AttendeeStatus.CONFIRMED:
        attendee.confirmed_at = now
    attendee.save(update_fields=["status", "decided_at", "decided_by", "confirmed_at"])
    if status == AttendeeStatus.CONFIRMED:
        webhooks.registration_confirmed(attendee)
    if attendee.kind == AttendeeKind.INDIVIDUAL:
        enqueue_after_commit("events.tasks.send_registration_mail", attendee.pk, mail)
    return attendee


# --- Who registered ----------------------------------------------------------------------------


def attendance_of(event: Event, user: User) -> Attendee | None:
    if not user or not user.is_authenticated:
        return None
    return Attendee.objects.filter(event=event, user=user).first()


def attendee_counts(event: Event) -> dict[str, int | None]:
    by_kind_status = Attendee.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=AttendeeStatus.CONFIRMED)),
        pending=Count("pk", filter=Q(status=AttendeeStatus.PENDING)),
        members=Count(
            "pk", filter=Q(kind=AttendeeKind.INSTITUTION_MEMBER, status__in=PLACE_HOLDING_STATUSES)
        ),
        individuals=Count("pk", filter=Q(kind=AttendeeKind.INDIVIDUAL, status__in=PLACE_HOLDING_STATUSES)),
    )
    capacity = get_registration_settings(event).capacity
    left = None if capacity is None else max(0, capacity - by_kind_status["individuals"])
    return {**by_kind_status, "capacity": capacity, "capacity_left": left}


def find_attendees(event: Event, *, search: str = "", status: str = "", institution: str = "") -> QuerySet:
    """The event's attendees, filtered: `institution` is an id, "individuals", or empty for all."""
    found = Attendee.objects.filter(event=event).select_related("institution")
    if search.strip():
        term = search.strip()[:100]
        found = found.filter(Q(display_name__icontains=term) | Q(email__icontains=term))
    if status in AttendeeStatus.values:
        found = found.filter(status=status)
    if institution == "individuals":
        found = found.filter(kind=AttendeeKind.INDIVIDUAL)
    elif institution.isdigit():
        found = found.filter(institution_id=int(institution))
    return found

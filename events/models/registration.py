"""Registration of attendees: the organiser's questions, attendees and their answers, institutions
with access codes, sign-in links, and counted attempts behind rate limits and lock-outs.

Where personal data lives (for export and shredding):

- `Attendee`: display_name, email, language, visible_to_others, the link to its `User` (an
  individual's user carries the same e-mail; an institution member's user has a placeholder
  address under PLACEHOLDER_EMAIL_DOMAIN that is never mailed or shown).
- `Answer`: value, plus the question and option labels as they read when answered (snapshots,
  so answers stay readable after the organiser edits or archives a question). Only questions
  flagged `contains_personal_data` hold personal data by the organiser's own account; treat all
  answers as personal when shredding.
- `SignInLink`: only hashes, no personal data besides the attendee link.
- `CountedAttempt`: keyed by an HMAC of the e-mail/IP, never the plain value; rows expire.
- `RegistrationSettings.personal_data_retention_days`: days after the event's last day after
  which the shredder removes the event's personal data (null: only when the organiser says so).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import (
    CHOICE_KINDS,
    AttemptScope,
    AttendeeKind,
    AttendeeStatus,
    Country,
    QuestionKind,
)
from .event import Event

# Institution members get a User too (sessions, permissions and the live socket need one), but
# they have no e-mail: their address is generated under this reserved (RFC 2606) domain.
PLACEHOLDER_EMAIL_DOMAIN = "attendees.rakwon.invalid"

# The longest answer accepted per kind of question, in characters.
ANSWER_MAX_LENGTH = {
    QuestionKind.SHORT_TEXT: 200,
    QuestionKind.LONG_TEXT: 2000,
    QuestionKind.SINGLE_CHOICE: 50,
    QuestionKind.MULTIPLE_CHOICE: 50,
    QuestionKind.YES_NO: 3,
    QuestionKind.DATE: 10,
    QuestionKind.COUNTRY: 2,
    QuestionKind.PHONE: 32,
    QuestionKind.EMAIL: 254,
}
LABEL_MAX_LENGTH = 200
HELP_MAX_LENGTH = 500
PURPOSE_MAX_LENGTH = 2000


def is_placeholder_email(email: str) -> bool:
    return (email or "").lower().endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)


def in_language(texts: dict, language: str, fallbacks: list[str] | tuple[str, ...] = ()) -> str:
    """The text in `language`, else in the first fallback language that has one, else any."""
    texts = texts if isinstance(texts, dict) else {}
    for code in (language, *fallbacks):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


class RegistrationSettings(models.Model):
    """How an event takes registrations: one row per event, created on first use."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="registration_settings")
    opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Leave empty to open at once.")
    )
    closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep registration open until the event is closed."),
    )
    capacity = models.PositiveIntegerField(
        _("places for individuals"),
        null=True,
        blank=True,
        help_text=_(
            "Confirmed and pending individual registrations together. Leave empty for no limit. "
            "Institution members use their institution's seats instead."
        ),
    )
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("New individual registrations wait until an organiser approves them."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after the event)"),
        null=True,
        blank=True,
        default=90,
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "Personal data is deleted this many days after the last day of the event. "
            "Leave empty to keep it until an organiser deletes it."
        ),
    )
    # {"en": "...", "ko": "..."}: why the event asks, shown to visitors before they submit.
    purpose = models.JSONField(_("why we ask"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="registration_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Registration must close after it opens.")})

    def purpose_in(self, language: str) -> str:
        return in_language(self.purpose, language, self.event.languages)

    @property
    def personal_data_deleted_on(self) -> dt.date | None:
        if self.personal_data_retention_days is None:
            return None
        return self.event.ends_on + dt.timedelta(days=self.personal_data_retention_days)


class Question(models.Model):
    """One question of an event's registration form. Answered questions are archived, never deleted.

    `label` and `help` map each event language to a text. `options` (choice kinds only) is a list
    of {"key": stable key, "labels": {language: text}, "archived": bool}.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    identifier = models.SlugField(
        _("identifier"),
        max_length=50,
        help_text=_("A short stable name for exports, for example “company”. It cannot change later."),
    )
    kind = models.CharField(_("kind of answer"), max_length=20, choices=QuestionKind.choices)
    label = models.JSONField(_("question"), default=dict)
    help = models.JSONField(_("help text"), default=dict, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    position = models.PositiveIntegerField(_("order"), default=0)
    contains_personal_data = models.BooleanField(
        _("contains personal data"),
        default=True,
        help_text=_("Answers are personal data: shown in visitors' data pages, removed by the shredder."),
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "identifier"], name="question_identifier_unique_in_event"
            )
        ]

    def __str__(self) -> str:
        return self.label_in(self.event.languages[0] if self.event.languages else "en") or self.identifier

    def clean(self) -> None:
        errors = {}
        languages = self.event.languages
        missing = [code for code in languages if not str((self.label or {}).get(code, "")).strip()]
        if missing:
            errors["label"] = _("Write the question in every language of the event (missing: %(codes)s).") % {
                "codes": ", ".join(missing)
            }
        if any(len(str(text)) > LABEL_MAX_LENGTH for text in (self.label or {}).values()):
            errors["label"] = _("Keep the question under %(n)s characters.") % {"n": LABEL_MAX_LENGTH}
        if any(len(str(text)) > HELP_MAX_LENGTH for text in (self.help or {}).values()):
            errors["help"] = _("Keep the help text under %(n)s characters.") % {"n": HELP_MAX_LENGTH}
        if self.kind in CHOICE_KINDS and not self.active_options():
            errors["options"] = _("A choice question needs at least one option.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def label_in(self, language: str) -> str:
        return in_language(self.label, language, self.event.languages)

    def help_in(self, language: str) -> str:
        return in_language(self.help, language, self.event.languages)

    def active_options(self) -> list[dict]:
        return [option for option in self.options or [] if not option.get("archived")]

    def option_choices(self, language: str) -> list[tuple[str, str]]:
        return [
            (option["key"], in_language(option.get("labels", {}), language, self.event.languages))
            for option in self.active_options()
        ]


class Institution(models.Model):
    """An organisation whose members join with the access code the organiser issued to it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="institutions")
    name = models.CharField(_("name"), max_length=160)
    seats = models.PositiveIntegerField(
        _("seats"),
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("How many members can join with the institution's code."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="institution_name_unique_in_event")
        ]

    def __str__(self) -> str:
        return self.name


class AccessCode(models.Model):
    """An institution's access code. Only its HMAC is stored: the code is shown once, when made."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hint = models.CharField(_("ends with"), max_length=4, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(active=True),
                name="one_active_code_per_institution",
            )
        ]

    def __str__(self) -> str:
        return f"…{self.code_hint} ({self.institution})"


class Attendee(models.Model):
    """A person registered for an event: an individual (by e-mail) or an institution's member."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    # SET_NULL: anonymising an attendee may detach the account while the row remains.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendances",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttendeeKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=AttendeeStatus.choices)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    display_name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)  # individuals only
    language = models.CharField(_("language"), max_length=8, blank=True)
    visible_to_others = models.BooleanField(_("others may see my name"), default=False)
    # Asked for meetings by other visitors only by consent, and only while visible (exhibits).
    open_to_meetings = models.BooleanField(_("other visitors may ask me for a meeting"), default=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Members only: an HMAC of their personal recovery code (services.recovery), the one way
    # back to their seat from another device; the code itself is shown once, never stored.
    recovery_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    recovery_code_made_at = models.DateTimeField(_("recovery code made"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=models.Q(kind=AttendeeKind.INDIVIDUAL) & ~models.Q(email=""),
                name="one_registration_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(user__isnull=False),
                name="one_attendance_per_user",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind=AttendeeKind.INDIVIDUAL) & models.Q(institution__isnull=True))
                | (models.Q(kind=AttendeeKind.INSTITUTION_MEMBER) & models.Q(institution__isnull=False)),
                name="members_have_an_institution",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="attendee_event_status")]

    def __str__(self) -> str:
        return self.display_name or self.email or _("Attendee %(id)s") % {"id": self.pk}

    @property
    def is_confirmed(self) -> bool:
        return self.status == AttendeeStatus.CONFIRMED

    @property
    def is_member(self) -> bool:
        return self.kind == AttendeeKind.INSTITUTION_MEMBER

    @property
    def public_name(self) -> str | None:
        """The name others may see, or None: the attendee is then counted anonymously."""
        return (self.display_name or None) if self.visible_to_others else None


class Answer(models.Model):
    """An attendee's answer, with the question and option labels as they read when answered."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # str for text kinds, a key for single choice, a list of keys for multiple choice, a bool for
    # yes/no, "YYYY-MM-DD" for dates, an ISO code for countries.
    value = models.JSONField()
    question_label_snapshot = models.JSONField(default=dict)
    option_labels_snapshot = models.JSONField(default=dict, blank=True)  # {key: {language: label}}
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.identifier}: {self.value}"

    def question_label_in(self, language: str) -> str:
        return in_language(self.question_label_snapshot, language) or self.question.identifier

    def display_in(self, language: str) -> str:
        """The answer as a person reads it, from the snapshots (not the question's current text)."""
        kind, value = self.question.kind, self.value
        if kind in CHOICE_KINDS:
            keys = value if isinstance(value, list) else [value]
            return ", ".join(
                in_language(self.option_labels_snapshot.get(key, {}), language) or key for key in keys
            )
        if kind == QuestionKind.YES_NO:
            return str(_("Yes") if value else _("No"))
        if kind == QuestionKind.COUNTRY:
            return str(Country(value).label) if value in Country.values else str(value)
        return str(value)


class SignInLink(models.Model):
    """A passwordless sign-in: a link token and a short code, both stored only as HMACs.

    Reusable until it expires (people open mail on a phone and on a PC); revoked when a newer
    link is issued to the same attendee.
    """

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="signin_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"sign-in link #{self.pk} for attendee {self.attendee_id}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class CountedAttempt(models.Model):
    """One counted attempt (a mail sent, a wrong code) for a rate limit; `key` is an HMAC."""

    scope = models.CharField(max_length=16, choices=AttemptScope.choices)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="attempt_scope_key_time")]

    def __str__(self) -> str:
        return f"{self.scope} at {self.created_at:%Y-%m-%d %H:%M}"

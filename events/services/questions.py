"""The organiser's registration form: default and custom questions, their options and order.

Answers keep snapshots of the labels they were given under, so a question can be edited freely;
but an answered question is archived rather than deleted, its kind cannot change, and an answered
option that is removed is archived (kept for the answers, no longer offered).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import CHOICE_KINDS, QuestionKind
from ..errors import EventClosed, NotAllowed, RakwonError
from ..models import Answer, Event, Question, RegistrationSettings, User
from ..single_line import check_single_line
from .ordering import swap_with_neighbour

NAME_QUESTION = "name"
RESIDENCE_QUESTION = "residence"
DEFAULT_QUESTIONS = {
    NAME_QUESTION: (gettext_lazy("Name"), gettext_lazy("As you would like it on your badge.")),
    RESIDENCE_QUESTION: (
        gettext_lazy("Place of residence"),
        gettext_lazy("City or region is enough."),
    ),
}
OPTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class QuestionError(RakwonError):
    code = "question.error"


def require_change(event: Event, by: User) -> None:
    """The organiser may change this event's registration (team, event not closed)."""
    if by.has_perm("events.change_event", event):
        return
    if event.is_closed and by.has_perm("events.manage_event", event):
        raise EventClosed(_("This event is closed and can no longer be changed. Reopen it first."))
    raise NotAllowed(_("Only the event team can change its registration."))


def get_registration_settings(event: Event) -> RegistrationSettings:
    """The event's registration settings; made on first use, with the default questions."""
    found = RegistrationSettings.objects.filter(event=event).first()
    if found is not None:
        return found
    with transaction.atomic():
        found, created = RegistrationSettings.objects.get_or_create(event=event)
        if created:
            ensure_default_questions(event)
    return found


def active_questions(event: Event) -> list[Question]:
    """The questions on the form, in order (the defaults are made on first use)."""
    get_registration_settings(event)
    return list(event.questions.filter(archived_at__isnull=True).select_related("event"))


def _in_each_language(event: Event, text) -> dict[str, str]:
    texts = {}
    for code in event.languages:
        with translation.override(code):
            texts[code] = str(text)
    return texts


def ensure_default_questions(event: Event) -> None:
    """Name and place of residence, required, personal: every new event starts with these."""
    for position, (identifier, (label, help_text)) in enumerate(DEFAULT_QUESTIONS.items()):
        Question.objects.get_or_create(
            event=event,
            identifier=identifier,
            defaults={
                "kind": QuestionKind.SHORT_TEXT,
                "label": _in_each_language(event, label),
                "help": _in_each_language(event, help_text),
                "required": True,
                "position": position,
                "contains_personal_data": True,
            },
        )


def is_answered(question: Question) -> bool:
    return question.pk is not None and Answer.objects.filter(question=question).exists()


def _chosen_keys(question: Question) -> set[str]:
    keys = set()
    for value in Answer.objects.filter(question=question).values_list("value", flat=True):
        keys.update(value if isinstance(value, list) else [value])
    return keys


def _merge_options(question: Question, new: list[dict]) -> tuple[list[dict], list[str]]:
    """The new options; answered ones left out are kept, archived. Returns (options, archived)."""
    errors, seen = [], set()
    languages = question.event.languages
    for option in new:
        key = option["key"]
        if not OPTION_KEY.match(key):
            errors.append(
                _("“%(key)s” cannot be an option key: use lower-case letters, digits, - and _.")
                % {"key": key}
            )
        if key in seen:
            errors.append(_("The option key “%(key)s” is used twice.") % {"key": key})
        seen.add(key)
        missing = [code for code in languages if not (option.get("labels") or {}).get(code, "").strip()]
        if missing:
            errors.append(
                _("Option “%(key)s” needs a label in: %(codes)s.") % {"key": key, "codes": ", ".join(missing)}
            )
    if errors:
        raise ValidationError({"options": errors})
    merged = [{"key": o["key"], "labels": dict(o["labels"]), "archived": False} for o in new]
    chosen = _chosen_keys(question) if question.pk else set()
    archived = []
    for old in question.options or []:
        if old["key"] not in seen and old["key"] in chosen:
            merged.append({**old, "archived": True})
            if not old.get("archived"):
                archived.append(old["key"])
    return merged, archived


def _new_identifier(event: Event, label: dict[str, str]) -> str:
    base = slugify(next((text for text in label.values() if slugify(text)), ""))[:40] or "question"
    taken = set(event.questions.values_list("identifier", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


@transaction.atomic
def save_question(
    event: Event,
    question: Question | None = None,
    *,
    by: User,
    kind: str,
    label: dict[str, str],
    help: dict[str, str] | None = None,
    required: bool = False,
    contains_personal_data: bool = True,
    options: list[dict] | None = None,
    identifier: str = "",
) -> tuple[Question, list[str]]:
    """Create or change a question. Returns it and the option keys archived by this change.

    Raises ValidationError (keyed by field) when refused; nothing is saved then.
    """
    require_change(event, by)
    get_registration_settings(event)  # the default questions come first
    creating = question is None
    question = question or Question(event=event)
    errors = {}
    if kind not in QuestionKind.values:
        errors["kind"] = _("Choose a kind of answer from the list.")
    elif not creating and kind != question.kind:
        if question.identifier == NAME_QUESTION:
            errors["kind"] = _("The name question is always short text: it becomes the attendee's name.")
        elif is_answered(question):
            errors["kind"] = _(
                "People have already answered this question, so its kind cannot change. "
                "Archive it and add a new question instead."
            )
    if creating:
        identifier = (identifier or "").strip().lower() or _new_identifier(event, label)
        if not re.match(r"^[a-z0-9][a-z0-9_-]*$", identifier) or len(identifier) > 50:
            errors["identifier"] = _("Use lower-case letters, digits, - and _ only (50 at most).")
        elif event.questions.filter(identifier=identifier).exists():
            errors["identifier"] = _("Another question already uses “%(id)s”. Choose another.") % {
                "id": identifier
            }
        question.identifier = identifier
        question.position = (event.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    try:
        check_single_line({"label": label, "help": help or {}})
    except ValidationError as error:
        errors.update(error.message_dict)
    question.kind = kind
    question.label = {code: (label.get(code) or "").strip() for code in event.languages}
    question.help = {code: ((help or {}).get(code) or "").strip() for code in event.languages}
    question.required = bool(required)
    question.contains_personal_data = bool(contains_personal_data)
    archived = []
    if kind in CHOICE_KINDS and "kind" not in errors:
        try:
            question.options, archived = _merge_options(question, options or [])
        except ValidationError as error:
            errors.update(error.message_dict)
    elif "kind" not in errors:
        question.options = []
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["event", "identifier"] if not creating else ["event"])
    question.save()
    return question, archived


@transaction.atomic
def archive_question(question: Question, *, by: User) -> bool:
    """Take a question off the form: archived if answered (answers kept), else deleted.

    Returns True if archived.
    """
    require_change(question.event, by)
    if question.identifier == NAME_QUESTION:
        raise QuestionError(
            _("The name question cannot be removed: it is the attendee's name. Make it optional instead."),
            code="question.default",
        )
    if is_answered(question):
        question.archived_at = timezone.now()
        question.save(update_fields=["archived_at"])
        return True
    question.delete()
    return False


def restore_question(question: Question, *, by: User) -> Question:
    require_change(question.event, by)
    top = question.event.questions.aggregate(top=Max("position"))["top"] or 0
    question.archived_at, question.position = None, top + 1
    question.save(update_fields=["archived_at", "position"])
    return question


@transaction.atomic
def move_question(question: Question, *, up: bool, by: User) -> None:
    """Swap the question with its neighbour above or below on the form."""
    require_change(question.event, by)
    ordered = question.event.questions.select_for_update().filter(archived_at__isnull=True)
    swap_with_neighbour(ordered, question.pk, up=up)

"""Forms of registration: the visitor's form generated from the questions, joining, signing in,
and the organiser's settings, question and institution forms.

The forms only collect input and draw widgets; the rules live in the services, whose
ValidationErrors come back through `add_service_errors` as inline errors.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..enums import AttendeeStatus, Country, QuestionKind
from ..models import Event, Question
from ..models.registration import ANSWER_MAX_LENGTH, HELP_MAX_LENGTH, LABEL_MAX_LENGTH
from ..services.questions import NAME_QUESTION, OPTION_KEY
from .single_line_forms import SingleLineFieldsMixin

ANSWER_PREFIX = "q_"
RADIO_LIMIT = 6  # more options than this are offered in a drop-down list


class RawField(forms.Field):
    """Passes the raw input on: the service checks it (one place for each rule)."""

    def validate(self, value) -> None:
        pass


class ServiceErrorsMixin(SingleLineFieldsMixin):
    """Shows a service's ValidationError inline, keyed by field name (or mapped by `error_keys`)."""

    error_keys: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = self.error_keys.get(key, key)
            self.add_error(field if field in self.fields else None, messages)


def language_names(event: Event) -> dict[str, str]:
    names = dict(settings.LANGUAGES)
    return {code: str(names.get(code, code)) for code in event.languages}


def country_choices() -> list[tuple[str, str]]:
    # Sorted by the name in the visitor's language, not by code.
    by_name = sorted(Country.choices, key=lambda choice: str(choice[1]))
    return [("", _("Choose a country")), *by_name]


def visible_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Show my name to other visitors and exhibitors in “who's here”"),
        help_text=_("Leave this off to be counted anonymously. You can change your mind later."),
        required=False,
        initial=False,
    )


# --- Visitors ----------------------------------------------------------------------------------


def answer_field(question: Question, language: str) -> forms.Field:
    kind, longest = question.kind, ANSWER_MAX_LENGTH[question.kind]
    text = {"maxlength": longest}
    widgets = {
        QuestionKind.SHORT_TEXT: lambda: forms.TextInput(attrs=text),
        QuestionKind.LONG_TEXT: lambda: forms.Textarea(attrs={**text, "rows": 4}),
        QuestionKind.DATE: lambda: forms.DateInput(attrs={"type": "date"}),
        QuestionKind.PHONE: lambda: forms.TextInput(attrs={**text, "type": "tel", "autocomplete": "tel"}),
        QuestionKind.EMAIL: lambda: forms.EmailInput(attrs={**text, "autocomplete": "email"}),
        QuestionKind.COUNTRY: lambda: forms.Select(choices=country_choices()),
        QuestionKind.YES_NO: lambda: forms.RadioSelect(choices=[("yes", _("Yes")), ("no", _("No"))]),
        QuestionKind.MULTIPLE_CHOICE: lambda: forms.CheckboxSelectMultiple(
            choices=question.option_choices(language)
        ),
    }
    if kind == QuestionKind.SINGLE_CHOICE:
        choices = question.option_choices(language)
        widget = (
            forms.RadioSelect(choices=choices)
            if len(choices) <= RADIO_LIMIT
            else forms.Select(choices=[("", _("Choose one")), *choices])
        )
    else:
        widget = widgets[kind]()
    if question.identifier == NAME_QUESTION:
        widget.attrs["autocomplete"] = "name"
    return RawField(
        label=question.label_in(language),
        help_text=question.help_in(language),
        required=question.required,
        widget=widget,
    )


class AnswersFormMixin(ServiceErrorsMixin):
    def add_question_fields(self, questions: list[Question], language: str) -> None:
        self.questions = questions
        for question in questions:
            self.fields[ANSWER_PREFIX + question.identifier] = answer_field(question, language)
        self.error_keys = {q.identifier: ANSWER_PREFIX + q.identifier for q in questions}

    def raw_answers(self) -> dict:
        return {q.identifier: self.cleaned_data.get(ANSWER_PREFIX + q.identifier) for q in self.questions}


class RegistrationForm(AnswersFormMixin, forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        help_text=_("We send your sign-in link here. No password needed."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )

    def __init__(self, *args, questions: list[Question], language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.add_question_fields(questions, language)
        self.fields["visible_to_others"] = visible_field()


class JoinForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Access code"),
        help_text=_("The code your institution gave you, for example ABCDE-FGH23."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_("How the organisers (and, if you allow it, other visitors) see you."),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 120}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visible_to_others"] = visible_field()


class SignInCodeForm(ServiceErrorsMixin, forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    code = forms.CharField(
        label=_("Code from the mail"),
        help_text=_("Eight letters and digits, for example ABCD-EFGH."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class NewLinkForm(ServiceErrorsMixin, forms.Form):
    email = forms.CharField(
        label=_("E-mail address you registered with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# --- Organisers --------------------------------------------------------------------------------

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RegistrationSettingsForm(ServiceErrorsMixin, forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("In the event's time zone. Leave empty to open at once."),
    )
    closes_at = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("In the event's time zone. Leave empty to keep it open until the event is closed."),
    )
    capacity = forms.IntegerField(
        label=_("Places for individuals"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for no limit. Institution members use their institution's seats."),
    )
    requires_approval = forms.BooleanField(
        label=_("Registrations need approval"),
        required=False,
        help_text=_("New registrations wait until an organiser approves them in the attendee list."),
    )
    personal_data_retention_days = forms.IntegerField(
        label=_("Keep personal data for (days after the event)"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_(
            "Visitors are told this before they register. Leave empty to keep it until you delete it."
        ),
    )
    error_keys = {"purpose": "__all__"}

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        for code, name in language_names(event).items():
            self.fields[f"purpose_{code}"] = forms.CharField(
                label=_("Why you ask for these details (%(language)s)") % {"language": name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Shown to visitors before they register."),
            )

    def settings_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "capacity": data["capacity"],
            "requires_approval": data["requires_approval"],
            "personal_data_retention_days": data["personal_data_retention_days"],
            "purpose": {code: data.get(f"purpose_{code}", "") for code in self.event.languages},
        }

    @staticmethod
    def initial_for(reg) -> dict:
        initial = {
            name: getattr(reg, name)
            for name in (
                "opens_at",
                "closes_at",
                "capacity",
                "requires_approval",
                "personal_data_retention_days",
            )
        }
        initial.update({f"purpose_{code}": text for code, text in (reg.purpose or {}).items()})
        return initial


MAX_OPTION_ROWS = 200  # a choice with more options than this is a list to import, not a question


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text or "")


class QuestionForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    identifier = forms.CharField(
        label=_("Identifier"),
        required=False,
        max_length=50,
        help_text=_("A short stable name used in exports, for example “company”. Leave empty to derive it."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    contains_personal_data = forms.BooleanField(
        label=_("Answers contain personal data"),
        required=False,
        initial=True,
        help_text=_("Personal data is shown to visitors on their data page and removed by the shredder."),
    )

    def __init__(self, *args, event: Event, question: Question | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event, self.question = event, question
        self.language_names = languages = language_names(event)
        self.option_rows = self._rows_from_data() if self.is_bound else self._rows_from_initial()
        for code, name in languages.items():
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name}, max_length=LABEL_MAX_LENGTH
            )
            self.fields[f"help_{code}"] = forms.CharField(
                label=_("Help text (%(language)s)") % {"language": name},
                required=False,
                max_length=HELP_MAX_LENGTH,
            )
        # Fields in the order an organiser fills them in.
        order = ["kind"] + [f"{part}_{code}" for code in languages for part in ("label", "help")]
        order += ["required", "contains_personal_data", "identifier"]
        if question is not None:
            order.remove("identifier")
            del self.fields["identifier"]
        self.order_fields(order)
        self.archived_keys = (
            [o["key"] for o in question.options or [] if o.get("archived")] if question is not None else []
        )

    # --- Option rows: posted as option-N-key / option-N-label_<code>, option_count rows ------

    def _blank_row(self) -> dict:
        return {"key": "", "labels": {code: "" for code in self.event.languages}}

    def _rows_from_initial(self) -> list[dict]:
        options = self.initial.get("option_rows") or []
        rows = [
            {
                "key": o["key"],
                "labels": {code: o.get("labels", {}).get(code, "") for code in self.event.languages},
            }
            for o in options
        ]
        return rows or [self._blank_row()]

    def _rows_from_data(self) -> list[dict]:
        try:
            count = min(max(int(self.data.get("option_count", 0)), 0), MAX_OPTION_ROWS)
        except (TypeError, ValueError):
            count = 0
        return [
            {
                "key": self.data.get(f"option-{n}-key", ""),
                "labels": {
                    code: self.data.get(f"option-{n}-label_{code}", "") for code in self.event.languages
                },
            }
            for n in range(count)
        ]

    def apply_option_action(self, action: str) -> None:
        """A row button without JavaScript: add a row, remove one, or move one up or down."""
        rows = self.option_rows
        verb, _sep, number = (action or "").partition(":")
        if verb == "add":
            if len(rows) < MAX_OPTION_ROWS:
                rows.append(self._blank_row())
            return
        try:
            index = int(number)
        except ValueError:
            return
        if not 0 <= index < len(rows):
            return
        if verb == "remove":
            rows.pop(index)
        elif verb == "up" and index > 0:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif verb == "down" and index < len(rows) - 1:
            rows[index + 1], rows[index] = rows[index], rows[index + 1]

    def row_views(self) -> list[dict]:
        """The rows as the template shows them: field names, ids and labels per language."""
        return [
            {
                "number": n + 1,
                "index": n,
                "key": row["key"],
                "labels": [
                    {"code": code, "name": name, "value": row["labels"].get(code, "")}
                    for code, name in self.language_names.items()
                ],
                "first": n == 0,
                "last": n == len(self.option_rows) - 1,
            }
            for n, row in enumerate(self.option_rows)
        ]

    @staticmethod
    def initial_for(question: Question) -> dict:
        languages = question.event.languages
        initial = {
            "kind": question.kind,
            "required": question.required,
            "contains_personal_data": question.contains_personal_data,
            "option_rows": question.active_options(),
        }
        for code in languages:
            initial[f"label_{code}"] = (question.label or {}).get(code, "")
            initial[f"help_{code}"] = (question.help or {}).get(code, "")
        return initial

    def clean(self):
        cleaned = super().clean()
        cleaned["options"] = self._clean_option_rows()
        return cleaned

    def _clean_option_rows(self) -> list[dict]:
        """The filled-in rows as options; one error per bad row, saying which and how to fix it."""
        languages, names = self.event.languages, self.language_names
        options, errors, first_use = [], [], {}
        for number, row in enumerate(self.option_rows, start=1):
            key = row["key"].strip()
            labels = {code: (row["labels"].get(code) or "").strip() for code in languages}
            if not key and not any(labels.values()):
                continue  # an empty row: nothing to save
            if any(_has_control(text) for text in [row["key"], *row["labels"].values()]):
                errors.append(
                    _("Option %(n)s: remove the line break or other control character from it.")
                    % {"n": number}
                )
                continue
            if not key:
                errors.append(_("Option %(n)s: write a short key, for example “ai”.") % {"n": number})
                continue
            key = key.lower()
            if not OPTION_KEY.match(key):
                errors.append(
                    _("Option %(n)s: the key may hold only lower-case letters, digits, - and _.")
                    % {"n": number}
                )
                continue
            if key in first_use:
                errors.append(
                    _(
                        "Option %(n)s: the key “%(key)s” is already used by option %(first)s. "
                        "Give each option its own key."
                    )
                    % {"n": number, "key": key, "first": first_use[key]}
                )
                continue
            first_use[key] = number
            missing = [code for code in languages if not labels[code]]
            if missing:
                errors.append(
                    _("Option %(n)s: write its label in %(language)s.")
                    % {"n": number, "language": names[missing[0]]}
                )
                continue
            if any(len(text) > LABEL_MAX_LENGTH for text in labels.values()):
                errors.append(_("Option %(n)s: keep each label short.") % {"n": number})
                continue
            options.append({"key": key, "labels": labels})
        if errors:
            raise ValidationError(errors)
        return options

    def question_fields(self) -> dict:
        data, languages = self.cleaned_data, self.event.languages
        fields = {
            "kind": data["kind"],
            "label": {code: data.get(f"label_{code}", "") for code in languages},
            "help": {code: data.get(f"help_{code}", "") for code in languages},
            "required": data["required"],
            "contains_personal_data": data["contains_personal_data"],
            "options": data.get("options") or [],
        }
        if self.question is None:
            fields["identifier"] = data.get("identifier", "")
        return fields

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "label" in error.error_dict:
            messages = error.error_dict.pop("label")
            for code in self.event.languages:
                if not (self.cleaned_data.get(f"label_{code}") or "").strip():
                    self.add_error(f"label_{code}", messages)
                    break
            else:
                self.add_error(None, messages)
        super().add_service_errors(error)


class InstitutionForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name of the institution"), max_length=160)
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=100_000,
        help_text=_("How many members can join with the institution's code."),
    )


class AttendeeFilterForm(SingleLineFieldsMixin, forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    institution = forms.ChoiceField(label=_("Came through"), required=False)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *AttendeeStatus.choices]
        self.fields["institution"].choices = [
            ("", _("Everyone")),
            ("individuals", _("Individual registration")),
            *[(str(each.pk), each.name) for each in event.institutions.all()],
        ]


def preview_form(questions: list[Question], language: str) -> RegistrationForm:
    return RegistrationForm(questions=questions, language=language, auto_id="preview_%s")

"""Tests of events/interfaces/single_line_forms.py: every form of events/ and exhibits/ (found by
walking the packages, so a new form cannot be forgotten) refuses a line break in each of its
one-line text fields, with a message that says what to fix, and keeps them in multi-line ones."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import events
import exhibits
from events.single_line import MESSAGE
from tests.asset_factories import BoothAssetFactory
from tests.registration_factories import QuestionFactory

pytestmark = pytest.mark.django_db

CRLF = "a\r\nb"


def all_form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for package in (events, exhibits):
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    found.append(value)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


@pytest.fixture
def form_arguments(event, booth_a):
    question = QuestionFactory(event=event)
    return {
        "event": event,
        "booth": booth_a,
        "asset": BoothAssetFactory(booth=booth_a),
        "exhibitor": booth_a.exhibitor,
        "languages": ["en", "ko"],
        "question": question,
        "questions": [question],
        "language": "en",
        "offered": [],
        "request": None,
        "scopes": {"event:read": "Read the event"},
        "kinds": {"registration.confirmed": "A registration is confirmed"},
    }


def build(form_class, data: dict, arguments: dict) -> forms.BaseForm:
    accepted = inspect.signature(form_class.__init__).parameters
    return form_class(data=data, **{name: value for name, value in arguments.items() if name in accepted})


def one_line_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, (forms.Textarea, forms.PasswordInput))
    ]


def test_every_one_line_field_of_every_form_refuses_a_line_break(form_arguments):
    checked, missed = [], []

    for form_class in all_form_classes():
        for name in one_line_fields(build(form_class, {}, form_arguments)):
            form = build(form_class, {name: CRLF}, form_arguments)
            form.is_valid()
            checked.append(f"{form_class.__name__}.{name}")
            errors = list(form.errors.get(name, []))
            if not errors or errors[0] != str(MESSAGE):  # a first-language box may add "write it in …"
                missed.append((f"{form_class.__module__}.{form_class.__name__}.{name}", errors))

    assert missed == [], "\n".join(map(str, missed))
    # The walk really reached the forms (a broken walk must not pass by finding nothing).
    assert {
        "SignupForm.display_name",
        "EventForm.name_en",
        "EventForm.name_ko",
        "EventForm.slug",
        "SessionForm.title_en",
        "SessionForm.title_ko",
        "HallForm.name_en",
        "HallForm.name_ko",
        "ExhibitorForm.name_en",
        "ExhibitorForm.name_ko",
        "ExhibitorProfileForm.website",
        "BoothForm.number",
        "BoothForm.tagline_en",
        "BoothForm.tagline_ko",
        "BoothContentForm.tagline_en",
        "BoothContentForm.tagline_ko",
        "BoothContentForm.new_tags",
        "BoothLinkForm.title_en",
        "BoothLinkForm.title_ko",
        "BoothLinkForm.url",
        "AssetUploadForm.title_en",
        "AssetUploadForm.title_ko",
        "AssetTitleForm.title_ko",
        "JoinForm.display_name",
        "QuestionForm.label_en",
        "QuestionForm.help_en",
        "InstitutionForm.name",
        "RegistrationForm.email",
        "TeamInvitationForm.email",
    } <= set(checked)


def test_the_message_says_what_to_do_in_korean_too(event):
    from django.utils import translation

    from events.interfaces.registration_forms import InstitutionForm

    with translation.override("ko"):
        form = InstitutionForm(data={"name": "Seoul\tSchool", "seats": "3"})
        form.is_valid()
        assert list(form.errors["name"]) == [
            "한 줄로 적어 주세요. 줄바꿈이나 탭 같은 제어 문자가 들어 있습니다. 지우고 다시 시도하세요."
        ]


@pytest.mark.parametrize(
    "text", ["Seoul\u2028School", "Seoul\x85School", "Seoul\x00School", "Seoul\x1bSchool"]
)
def test_other_control_characters_and_line_separators_are_refused(text):
    from events.interfaces.registration_forms import InstitutionForm

    form = InstitutionForm(data={"name": text, "seats": "3"})

    assert form.is_valid() is False
    assert form.errors["name"][0] in (str(MESSAGE), "Null characters are not allowed.")


def test_one_line_text_that_is_fine_passes_and_multi_line_fields_keep_their_lines(event):
    from events.forms import SessionForm
    from exhibits.forms import HallForm

    hall = HallForm(
        data={
            "name_en": "Hall 1 · 제1관",
            "description_en": "Line one\r\nLine two",
            "plan_columns": 10,
            "plan_rows": 8,
        },
        event=event,
    )
    session = SessionForm(
        data={
            "title_en": "Opening",
            "description_en": "One\r\nTwo",
            "day": event.starts_on,
            "start": "10:00",
            "end": "11:00",
        },
        event=event,
    )

    assert (hall.is_valid(), hall.errors) == (True, {})
    assert hall.cleaned_data["description"] == "Line one\r\nLine two"
    assert (session.is_valid(), session.errors) == (True, {})

"""The organiser's form builder: defaults, labels per language, options, kind changes, archiving."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus, QuestionKind
from events.errors import EventClosed, NotAllowed
from events.models import Answer, Question
from events.services.questions import (
    QuestionError,
    active_questions,
    archive_question,
    move_question,
    restore_question,
    save_question,
)
from events.services.registration import register_individual
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BOTH = {"en": "Company", "ko": "회사"}
OPTIONS = [
    {"key": "ai", "labels": {"en": "AI", "ko": "인공지능"}},
    {"key": "web", "labels": {"en": "Web", "ko": "웹"}},
]


def add(event, owner, kind=QuestionKind.SHORT_TEXT, label=None, **kwargs):
    question, _archived = save_question(event, by=owner, kind=kind, label=label or BOTH, **kwargs)
    return question


def edit(question, owner, **changes):
    fields = {
        "kind": question.kind,
        "label": question.label,
        "help": question.help,
        "required": question.required,
        "contains_personal_data": question.contains_personal_data,
        "options": [o for o in question.options if not o.get("archived")],
    }
    return save_question(question.event, question, by=owner, **{**fields, **changes})


def answer(event, email, **answers):
    return register_individual(
        event, email=email, answers={"name": "Kim", "residence": "Seoul", **answers}
    ).attendee


def test_save_question_new_question_goes_last_with_derived_identifier(event, owner):
    question = add(event, owner, help={"en": "Where you work", "ko": ""}, required=True)
    assert [q.identifier for q in active_questions(event)] == ["name", "residence", "company"]
    assert (question.label, question.help, question.required) == (
        BOTH,
        {"en": "Where you work", "ko": ""},
        True,
    )
    assert add(event, owner).identifier == "company-2"


def test_save_question_missing_label_in_an_event_language_is_refused(event, owner):
    active_questions(event)
    with pytest.raises(ValidationError) as caught:
        add(event, owner, label={"en": "Company", "ko": " "})
    assert caught.value.message_dict == {
        "label": ["Write the question in every language of the event (missing: ko)."]
    }
    assert event.questions.count() == 2


def test_save_question_taken_or_malformed_identifier_is_refused(event, owner):
    active_questions(event)
    for identifier, message in (
        ("name", "Another question already uses “name”. Choose another."),
        ("Bad Id!", "Use lower-case letters, digits, - and _ only (50 at most)."),
    ):
        with pytest.raises(ValidationError) as caught:
            add(event, owner, identifier=identifier)
        assert caught.value.message_dict == {"identifier": [message]}
    assert event.questions.count() == 2


def test_save_question_choice_without_options_is_refused(event, owner):
    with pytest.raises(ValidationError) as caught:
        add(event, owner, kind=QuestionKind.SINGLE_CHOICE, options=[])
    assert caught.value.message_dict == {"options": ["A choice question needs at least one option."]}


def test_save_question_bad_options_are_refused_with_each_reason(event, owner):
    options = [
        {"key": "AI!", "labels": {"en": "AI", "ko": "AI"}},
        {"key": "web", "labels": {"en": "Web", "ko": ""}},
        {"key": "web", "labels": {"en": "Web", "ko": "웹"}},
    ]
    active_questions(event)
    with pytest.raises(ValidationError) as caught:
        add(event, owner, kind=QuestionKind.SINGLE_CHOICE, options=options)
    assert caught.value.message_dict == {
        "options": [
            "“AI!” cannot be an option key: use lower-case letters, digits, - and _.",
            "Option “web” needs a label in: ko.",
            "The option key “web” is used twice.",
        ]
    }
    assert event.questions.count() == 2


def test_save_question_default_question_can_be_relabelled_and_made_optional(event, owner):
    name = active_questions(event)[0]
    edited, _archived = edit(name, owner, label={"en": "Full name", "ko": "성명"}, required=False)
    edited.refresh_from_db()
    assert (edited.identifier, edited.label, edited.required) == (
        "name",
        {"en": "Full name", "ko": "성명"},
        False,
    )


def test_save_question_name_kind_is_fixed(event, owner):
    name = active_questions(event)[0]
    with pytest.raises(ValidationError) as caught:
        edit(name, owner, kind=QuestionKind.LONG_TEXT)
    assert caught.value.message_dict == {
        "kind": ["The name question is always short text: it becomes the attendee's name."]
    }


def test_save_question_kind_change_of_unanswered_question_is_allowed(event, owner):
    question = add(event, owner)
    edited, _archived = edit(question, owner, kind=QuestionKind.COUNTRY)
    assert Question.objects.get(pk=edited.pk).kind == QuestionKind.COUNTRY


def test_save_question_kind_change_of_answered_question_is_refused(event, owner):
    question = add(event, owner)
    answer(event, "a@example.org", company="Samsung")
    with pytest.raises(ValidationError) as caught:
        edit(question, owner, kind=QuestionKind.DATE)
    assert caught.value.message_dict == {
        "kind": [
            "People have already answered this question, so its kind cannot change. "
            "Archive it and add a new question instead."
        ]
    }
    assert Question.objects.get(pk=question.pk).kind == QuestionKind.SHORT_TEXT


def test_save_question_relabelling_keeps_answers_as_given(event, owner):
    question = add(event, owner, kind=QuestionKind.SINGLE_CHOICE, options=OPTIONS)
    attendee = answer(event, "a@example.org", company="web")
    renamed = [OPTIONS[0], {"key": "web", "labels": {"en": "Internet", "ko": "인터넷"}}]
    edit(question, owner, label={"en": "Field", "ko": "분야"}, options=renamed)
    given = attendee.answers.get(question=question)
    assert (given.question_label_in("en"), given.display_in("en"), given.display_in("ko")) == (
        "Company",
        "Web",
        "웹",
    )


def test_save_question_removed_answered_option_is_archived_unanswered_dropped(event, owner):
    question = add(event, owner, kind=QuestionKind.MULTIPLE_CHOICE, options=OPTIONS)
    answer(event, "a@example.org", company=["web"])
    new = [{"key": "cloud", "labels": {"en": "Cloud", "ko": "클라우드"}}]
    edited, archived = edit(question, owner, options=new)
    edited.refresh_from_db()
    assert archived == ["web"]
    assert [(o["key"], o["archived"]) for o in edited.options] == [("cloud", False), ("web", True)]
    assert edited.option_choices("en") == [("cloud", "Cloud")]
    restored, archived = edit(edited, owner, options=[*new, OPTIONS[1]])
    assert ([o["key"] for o in restored.active_options()], archived) == (["cloud", "web"], [])


def test_archive_question_answered_is_archived_and_answers_stay_readable(event, owner):
    question = add(event, owner)
    attendee = answer(event, "a@example.org", company="Samsung")
    assert archive_question(question, by=owner) is True
    question.refresh_from_db()
    assert question.is_archived is True
    assert [q.identifier for q in active_questions(event)] == ["name", "residence"]
    given = Answer.objects.get(attendee=attendee, question=question)
    assert (given.question_label_in("ko"), given.display_in("ko")) == ("회사", "Samsung")


def test_archive_question_unanswered_is_deleted(event, owner):
    question = add(event, owner)
    assert archive_question(question, by=owner) is False
    assert Question.objects.filter(pk=question.pk).exists() is False


def test_archive_question_name_is_refused(event, owner):
    name = active_questions(event)[0]
    with pytest.raises(QuestionError) as caught:
        archive_question(name, by=owner)
    assert caught.value.code == "question.default"
    assert Question.objects.get(pk=name.pk).archived_at is None


def test_restore_question_puts_it_back_last(event, owner):
    question = add(event, owner)
    answer(event, "a@example.org", company="Samsung")
    archive_question(question, by=owner)
    add(event, owner, label={"en": "Job", "ko": "직업"})
    restore_question(question, by=owner)
    assert [q.identifier for q in active_questions(event)] == ["name", "residence", "job", "company"]


def test_move_question_swaps_with_neighbour(event, owner):
    add(event, owner)
    residence = event.questions.get(identifier="residence")
    move_question(residence, up=True, by=owner)
    assert [q.identifier for q in active_questions(event)] == ["residence", "name", "company"]
    move_question(residence, up=True, by=owner)  # already first: nothing moves
    move_question(event.questions.get(identifier="name"), up=False, by=owner)
    assert [q.identifier for q in active_questions(event)] == ["residence", "company", "name"]


def test_save_question_by_outsider_or_on_closed_event_is_refused(event, owner):
    with pytest.raises(NotAllowed):
        add(event, UserFactory())
    event.status = EventStatus.CLOSED
    event.save()
    with pytest.raises(EventClosed):
        add(event, owner)
    assert Question.objects.filter(event=event, identifier="company").exists() is False

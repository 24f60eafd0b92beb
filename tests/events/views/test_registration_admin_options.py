"""A choice question's options as rows of their own in the question editor (issue 15, item 7):
add, remove and reorder with buttons that work without JavaScript, a label per event language,
and per-row errors that say what to fix; the options stay in Question.options."""

from __future__ import annotations

import pytest

from events.enums import QuestionKind
from events.models import Question
from events.services.questions import save_question
from tests.registration_factories import AnswerFactory, AttendeeFactory

pytestmark = pytest.mark.django_db

NEW = "/organiser/expo/registration/questions/new/"


def _data(*rows, **extra) -> dict:
    data = {
        "kind": QuestionKind.SINGLE_CHOICE,
        "label_en": "Topic",
        "label_ko": "주제",
        "contains_personal_data": "on",
        "option_count": str(len(rows)),
        **extra,
    }
    for number, (key, en, ko) in enumerate(rows):
        data.update(
            {f"option-{number}-key": key, f"option-{number}-label_en": en, f"option-{number}-label_ko": ko}
        )
    return data


def _rows(response) -> list[tuple]:
    return [
        (row["key"], row["labels"]["en"], row["labels"]["ko"]) for row in response.context["form"].option_rows
    ]


@pytest.fixture
def logged_in(client, event, owner):
    client.force_login(owner)
    return client


def test_options_in_rows_are_saved_in_order_blank_rows_ignored(logged_in, event):
    response = logged_in.post(NEW, _data(("ai", "AI", "인공지능"), ("", "", ""), ("Web", "Web", "웹")))

    assert response.status_code == 302
    assert Question.objects.get(event=event, identifier="topic").options == [
        {"key": "ai", "labels": {"en": "AI", "ko": "인공지능"}, "archived": False},
        {"key": "web", "labels": {"en": "Web", "ko": "웹"}, "archived": False},
    ]


def test_new_question_page_offers_one_empty_row_and_labelled_buttons(logged_in):
    html = logged_in.get(NEW).content.decode()

    assert '<input type="hidden" name="option_count" value="1">' in html
    assert '<label for="id_option-0-label_ko">Label (Korean)</label>' in html
    assert (
        '<button type="submit" class="secondary" name="option_action" value="add">Add an option</button>'
        in html
    )
    assert 'name="option_action" value="remove:0" aria-label="Remove option 1"' in html


@pytest.mark.parametrize(
    ("action", "rows"),
    [
        ("add", [("ai", "AI", "인공지능"), ("web", "Web", "웹"), ("", "", "")]),
        ("remove:0", [("web", "Web", "웹")]),
        ("up:1", [("web", "Web", "웹"), ("ai", "AI", "인공지능")]),
        ("down:0", [("web", "Web", "웹"), ("ai", "AI", "인공지능")]),
        ("up:0", [("ai", "AI", "인공지능"), ("web", "Web", "웹")]),
        ("remove:7", [("ai", "AI", "인공지능"), ("web", "Web", "웹")]),
    ],
)
def test_row_buttons_change_the_rows_and_save_nothing(logged_in, event, action, rows):
    response = logged_in.post(
        NEW, _data(("ai", "AI", "인공지능"), ("web", "Web", "웹"), option_action=action)
    )

    assert response.status_code == 200
    assert _rows(response) == rows
    assert response.context["form"].errors == {}
    assert Question.objects.filter(event=event, identifier="topic").exists() is False


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        (
            [("ai", "AI", "인공지능"), ("AI", "A.I.", "에이아이")],
            ["Option 2: the key “ai” is already used by option 1. Give each option its own key."],
        ),
        ([("ai", "AI", "")], ["Option 1: write its label in Korean."]),
        ([("", "AI", "인공지능")], ["Option 1: write a short key, for example “ai”."]),
        (
            [("ai", "AI\u0007", "인공지능"), ("web", "Web", "웹\n")],
            [
                "Option 1: remove the line break or other control character from it.",
                "Option 2: remove the line break or other control character from it.",
            ],
        ),
        (
            [("a i", "AI", "인공지능")],
            ["Option 1: the key may hold only lower-case letters, digits, - and _."],
        ),
    ],
)
def test_bad_options_are_refused_per_row_and_kept_on_the_page(logged_in, event, rows, errors):
    response = logged_in.post(NEW, _data(*rows))

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": errors}
    assert _rows(response) == rows
    assert Question.objects.filter(event=event, identifier="topic").exists() is False


def test_edit_shows_the_options_and_removing_an_answered_one_archives_it(logged_in, event, owner):
    question, _archived = save_question(
        event,
        by=owner,
        kind=QuestionKind.SINGLE_CHOICE,
        identifier="topic",
        label={"en": "Topic", "ko": "주제"},
        options=[
            {"key": "ai", "labels": {"en": "AI", "ko": "인공지능"}},
            {"key": "web", "labels": {"en": "Web", "ko": "웹"}},
        ],
    )
    AnswerFactory(attendee=AttendeeFactory(event=event), question=question, value="ai")
    url = f"/organiser/expo/registration/questions/{question.pk}/"
    shown = logged_in.get(url)
    assert _rows(shown) == [("ai", "AI", "인공지능"), ("web", "Web", "웹")]

    saved = logged_in.post(url, _data(("web", "Web", "웹")))

    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.options == [
        {"key": "web", "labels": {"en": "Web", "ko": "웹"}, "archived": False},
        {"key": "ai", "labels": {"en": "AI", "ko": "인공지능"}, "archived": True},
    ]


def test_row_error_in_korean(logged_in, event, settings):
    from django.utils import translation

    logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    with translation.override(settings.LANGUAGE_CODE):
        response = logged_in.post(NEW, _data(("ai", "AI", "인공지능"), ("ai", "A.I.", "에이아이")))

    assert response.context["form"].errors == {
        "__all__": ["선택지 2: 키 “ai”은(는) 선택지 1에서 이미 쓰고 있습니다. 선택지마다 다른 키를 쓰세요."]
    }


def test_adding_a_row_to_a_half_filled_question_shows_no_errors_yet(logged_in, event):
    response = logged_in.post(
        NEW, {"kind": QuestionKind.SINGLE_CHOICE, "option_count": "0", "option_action": "add"}
    )

    assert response.status_code == 200
    assert _rows(response) == [("", "", "")]
    assert response.context["form"].errors == {}
    assert "This field is required." not in response.content.decode()

"""Q&A without JavaScript: the session page lists the questions and has plain forms to ask, vote
and moderate (POST, then back to the page); a refusal says what to do and keeps what was typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.enums import EventStatus, TeamRole
from events.models import QuestionStatus, QuestionVote, SessionQuestion
from events.services import session_questions as qa
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    event = EventFactory(slug="qa-expo", status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event)
    ada = AttendeeFactory(event=event, display_name="Ada Lovelace", visible_to_others=True).user
    bo = AttendeeFactory(event=event, display_name="Bo Secret", visible_to_others=True).user
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    return {"event": event, "session": session, "ada": ada, "bo": bo, "moderator": moderator}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(expo) -> str:
    return reverse("visit:session", args=[expo["event"].slug, expo["session"].pk])


def _url(name, expo, *more) -> str:
    return reverse(f"questions:{name}", args=[expo["event"].slug, expo["session"].pk, *more])


def test_page_lists_approved_questions_and_the_ask_form_without_javascript(expo):
    question = qa.ask_question(expo["session"], "Who pays?", anonymous=True, by=expo["bo"])
    qa.approve_question(question, by=expo["moderator"])
    html = _client(expo["ada"]).get(_page(expo)).content.decode()
    assert "Who pays?" in html
    assert "Bo Secret" not in html  # anonymous: not named, not even in an attribute
    assert f'action="{_url("ask", expo)}"' in html
    assert 'name="anonymous"' in html
    assert f'action="{_url("vote", expo, question.pk)}"' in html


def test_ask_by_form_saves_and_returns_to_the_page_marked_waiting(expo):
    client = _client(expo["ada"])
    response = client.post(_url("ask", expo), {"text": "Slides?", "next": _page(expo)})
    assert (response.status_code, response["Location"]) == (302, _page(expo) + "#questions")
    assert list(SessionQuestion.objects.values_list("text", "author_label", "status")) == [
        ("Slides?", "Ada Lovelace", QuestionStatus.PENDING)
    ]
    html = client.get(_page(expo)).content.decode()
    assert "Slides?" in html
    assert "Waiting for approval" in html
    # Nobody else sees it before approval.
    assert "Slides?" not in _client(expo["bo"]).get(_page(expo)).content.decode()


def test_ask_too_long_by_form_says_what_to_do_and_keeps_the_text(expo):
    text = "Why " * 80
    response = _client(expo["ada"]).post(_url("ask", expo), {"text": text, "next": _page(expo)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "at most 300 characters; shorten it" in html
    assert text.strip() in html  # nothing lost: the question is in the form again
    assert f'href="{_page(expo)}#questions"' in html
    assert SessionQuestion.objects.count() == 0


def test_next_elsewhere_is_not_followed(expo):
    response = _client(expo["ada"]).post(_url("ask", expo), {"text": "Hi?", "next": "https://evil.example/"})
    assert (
        response["Location"]
        == reverse("visit:session", args=[expo["event"].slug, expo["session"].pk]) + "#questions"
    )


def test_vote_and_take_back_by_form(expo):
    question = qa.approve_question(
        qa.ask_question(expo["session"], "Why?", by=expo["bo"]), by=expo["moderator"]
    )
    client = _client(expo["ada"])
    assert client.post(_url("vote", expo, question.pk), {"next": _page(expo)}).status_code == 302
    assert list(QuestionVote.objects.values_list("user_id", flat=True)) == [expo["ada"].pk]
    assert 'value="withdraw"' in client.get(_page(expo)).content.decode()
    client.post(_url("vote", expo, question.pk), {"action": "withdraw", "next": _page(expo)})
    assert QuestionVote.objects.count() == 0


def test_moderator_pins_by_form_and_a_visitor_is_refused(expo):
    question = qa.approve_question(
        qa.ask_question(expo["session"], "Why?", by=expo["bo"]), by=expo["moderator"]
    )
    refused = _client(expo["ada"]).post(_url("moderate", expo, question.pk), {"action": "pin"})
    assert refused.status_code == 403
    assert SessionQuestion.objects.get().pinned is False
    done = _client(expo["moderator"]).post(_url("moderate", expo, question.pk), {"action": "pin"})
    assert done.status_code == 302
    assert SessionQuestion.objects.get().pinned is True


def test_moderator_sees_pending_questions_with_approve_and_hide(expo):
    question = qa.ask_question(expo["session"], "Pending one?", by=expo["bo"])
    html = _client(expo["moderator"]).get(_page(expo)).content.decode()
    assert "Pending one?" in html
    assert f'action="{_url("moderate", expo, question.pk)}"' in html
    assert 'value="approve"' in html and 'value="hide"' in html


def test_moderator_turns_approval_off_by_form(expo):
    response = _client(expo["moderator"]).post(_url("approval", expo), {"needs_approval": "off"})
    assert response.status_code == 302
    assert qa.needs_approval(expo["session"]) is False
    assert _client(expo["ada"]).post(_url("approval", expo), {"needs_approval": "on"}).status_code == 403
    assert qa.needs_approval(expo["session"]) is False


def test_unknown_moderation_action_is_refused_with_what_to_do(expo):
    question = qa.ask_question(expo["session"], "Why?", by=expo["bo"])
    response = _client(expo["moderator"]).post(_url("moderate", expo, question.pk), {"action": "explode"})
    assert response.status_code == 400
    assert "Choose Approve, Hide, Mark answered or Pin" in response.content.decode()


@pytest.fixture
def english_afterwards():
    yield
    translation.activate("en")  # the Korean request's language would stay on this thread


def test_korean_page_says_questions_in_korean(expo, english_afterwards):
    client = _client(expo["ada"])
    client.cookies["django_language"] = "ko"
    html = client.get(_page(expo)).content.decode()
    assert "질문" in html
    assert "익명" in html


def test_page_with_questions_fits_the_budget_on_a_phone(expo):
    question = qa.approve_question(
        qa.ask_question(expo["session"], "Why?", by=expo["bo"]), by=expo["moderator"]
    )
    page = _client(expo["moderator"]).get(_page(expo))
    html = page.content.decode()
    assert len(page.content) < 60 * 1024
    assert 'name="viewport"' in html
    assert f'data-qa-question="{question.pk}"' in html
    assert "/static/events/qa.js" in html
    assert "https://" not in html.split("<body")[1]  # nothing from another host
    assert '<label for="qa-text">' in html

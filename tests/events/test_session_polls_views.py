"""Polls without JavaScript: the session page shows the polls with plain forms to vote and, for
moderators, to write, open and close one (POST, then back to the page); a refusal says what to do
and keeps what was typed; results are text percentages beside a meter, in English and Korean."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.enums import EventStatus, TeamRole
from events.models import PollState, PollVote, SessionPoll
from events.services import session_polls as polls
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    event = EventFactory(slug="poll-expo", status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event)
    return {
        "event": event,
        "session": session,
        "ada": AttendeeFactory(event=event, display_name="Ada").user,
        "bo": AttendeeFactory(event=event, display_name="Bo").user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(expo) -> str:
    return reverse("visit:session", args=[expo["event"].slug, expo["session"].pk])


def _url(name, expo, *more) -> str:
    return reverse(f"polls:{name}", args=[expo["event"].slug, expo["session"].pk, *more])


def _open_poll(expo, **extra) -> SessionPoll:
    poll = polls.create_poll(expo["session"], "Lunch now?", ["Yes", "No"], by=expo["moderator"], **extra)
    return polls.open_poll(poll, by=expo["moderator"])


def test_page_shows_an_open_poll_with_a_plain_vote_form(expo):
    poll = _open_poll(expo)
    yes, no = poll.options.all()
    html = _client(expo["ada"]).get(_page(expo)).content.decode()
    assert "Lunch now?" in html
    assert f'action="{_url("vote", expo, poll.pk)}"' in html
    assert f'type="radio" name="option" value="{yes.pk}"' in html
    assert f'type="radio" name="option" value="{no.pk}"' in html
    assert f'action="{_url("create", expo)}"' not in html  # no moderator's forms for her
    assert f'action="{_url("state", expo, poll.pk)}"' not in html


def test_vote_by_form_counts_and_goes_back_to_the_polls(expo):
    poll = _open_poll(expo)
    yes, no = poll.options.all()
    client = _client(expo["ada"])
    response = client.post(_url("vote", expo, poll.pk), {"option": str(yes.pk), "next": _page(expo)})
    assert (response.status_code, response["Location"]) == (302, _page(expo) + "#polls")
    client.post(_url("vote", expo, poll.pk), {"option": str(no.pk), "next": _page(expo)})
    assert list(PollVote.objects.values_list("user_id", "option_id")) == [(expo["ada"].pk, no.pk)]
    html = client.get(_page(expo)).content.decode()
    assert f'value="{no.pk}" required checked' in html
    assert "Change my vote" in html
    assert "100 % · 1 vote" in html  # the share in text, not colour only
    assert '<meter min="0" max="100" value="100"' in html


def test_two_answers_in_one_form_are_refused_with_what_to_do(expo):
    poll = _open_poll(expo)
    yes, no = poll.options.all()
    response = _client(expo["ada"]).post(
        _url("vote", expo, poll.pk), {"option": [str(yes.pk), str(no.pk)], "next": _page(expo)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose one answer only" in html
    assert f'href="{_page(expo)}#polls"' in html
    assert PollVote.objects.count() == 0


def test_vote_in_a_closed_poll_by_form_is_refused(expo):
    poll = polls.close_poll(_open_poll(expo), by=expo["moderator"])
    response = _client(expo["ada"]).post(
        _url("vote", expo, poll.pk), {"option": str(poll.options.first().pk)}
    )
    assert response.status_code == 400
    assert "This poll is closed" in response.content.decode()
    assert PollVote.objects.count() == 0


def test_vote_for_a_poll_of_another_session_is_not_found(expo):
    other = SessionFactory(event=expo["event"])
    theirs = polls.open_poll(
        polls.create_poll(other, "Q?", ["a", "b"], by=expo["moderator"]), by=expo["moderator"]
    )
    response = _client(expo["ada"]).post(
        _url("vote", expo, theirs.pk), {"option": str(theirs.options.first().pk)}
    )
    assert response.status_code == 404
    assert PollVote.objects.count() == 0


def test_moderator_creates_and_opens_by_form_and_everyone_then_sees_it(expo):
    client = _client(expo["moderator"])
    data = {"question": "Best talk?", "option": ["Keynote", "Panel", "", ""], "results_while_open": "on"}
    response = client.post(_url("create", expo), {**data, "action": "open", "next": _page(expo)})
    assert (response.status_code, response["Location"]) == (302, _page(expo) + "#polls")
    poll = SessionPoll.objects.get()
    assert (poll.question, poll.state, poll.results_while_open) == ("Best talk?", PollState.OPEN, True)
    assert list(poll.options.values_list("text", flat=True)) == ["Keynote", "Panel"]
    assert "Best talk?" in _client(expo["ada"]).get(_page(expo)).content.decode()


def test_draft_by_form_is_the_moderators_alone_until_opened(expo):
    client = _client(expo["moderator"])
    client.post(_url("create", expo), {"question": "Soon?", "option": ["a", "b"], "action": "draft"})
    poll = SessionPoll.objects.get()
    assert poll.state == PollState.DRAFT
    assert "Soon?" in client.get(_page(expo)).content.decode()
    assert "Soon?" not in _client(expo["ada"]).get(_page(expo)).content.decode()
    assert client.post(_url("state", expo, poll.pk), {"action": "open"}).status_code == 302
    assert "Soon?" in _client(expo["ada"]).get(_page(expo)).content.decode()
    assert client.post(_url("state", expo, poll.pk), {"action": "close"}).status_code == 302
    assert SessionPoll.objects.get().state == PollState.CLOSED


def test_bad_poll_by_form_says_what_to_do_and_keeps_what_was_typed(expo):
    response = _client(expo["moderator"]).post(
        _url("create", expo), {"question": "Only one answer?", "option": ["Lonely", ""], "action": "open"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "A poll offers from 2 to 6 answers" in html
    assert 'value="Only one answer?"' in html and 'value="Lonely"' in html
    assert SessionPoll.objects.count() == 0


def test_visitor_may_not_create_open_or_close_by_form(expo):
    draft = polls.create_poll(expo["session"], "Q?", ["a", "b"], by=expo["moderator"])
    client = _client(expo["ada"])
    refused = [
        client.post(_url("create", expo), {"question": "Mine?", "option": ["a", "b"], "action": "open"}),
        client.post(_url("state", expo, draft.pk), {"action": "open"}),
    ]
    assert [response.status_code for response in refused] == [403, 403]
    assert list(SessionPoll.objects.values_list("question", "state")) == [("Q?", PollState.DRAFT)]


def test_unknown_state_action_is_refused_with_what_to_do(expo):
    poll = _open_poll(expo)
    response = _client(expo["moderator"]).post(_url("state", expo, poll.pk), {"action": "explode"})
    assert response.status_code == 400
    assert "Choose “Open the poll” or “Close the poll”" in response.content.decode()
    assert SessionPoll.objects.get().state == PollState.OPEN


def test_hidden_results_are_not_on_the_audiences_page_until_closed(expo):
    poll = _open_poll(expo, results_while_open=False)
    polls.cast_vote(poll, poll.options.first().pk, by=expo["bo"])
    html = _client(expo["ada"]).get(_page(expo)).content.decode()
    assert "The results are shown when the poll closes." in html
    assert "<meter" not in html
    assert "<meter" in _client(expo["moderator"]).get(_page(expo)).content.decode()


@pytest.fixture
def english_afterwards():
    yield
    translation.activate("en")  # the Korean request's language would stay on this thread


def test_korean_page_says_polls_in_korean(expo, english_afterwards):
    _open_poll(expo)
    client = _client(expo["ada"])
    client.cookies["django_language"] = "ko"
    html = client.get(_page(expo)).content.decode()
    assert "투표" in html
    assert ">Vote<" not in html and "Polls" not in html


def test_page_with_polls_fits_the_budget_on_a_phone(expo):
    poll = _open_poll(expo)
    page = _client(expo["moderator"]).get(_page(expo))
    html = page.content.decode()
    assert len(page.content) < 60 * 1024
    assert 'name="viewport"' in html
    assert f'data-poll="{poll.pk}"' in html
    assert "/static/events/polls.js" in html
    assert "https://" not in html.split("<body")[1]
    assert '<label for="poll-question">' in html and '<label for="poll-option-6">' in html

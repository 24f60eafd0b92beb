"""Polls in a session, the service: moderators write, open and close a poll; attendees vote once
(changing their vote while it is open); results counted from the votes, versioned; and every
refusal: a closed poll, a forged answer, someone not registered, a non-moderator, too many votes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from events.enums import AttendeeStatus, EventStatus, TeamRole
from events.models import PollOption, PollState, PollVote, SessionPoll
from events.services import session_polls as polls
from exhibits.models import BoothSession
from tests.factories import BoothFactory, EventFactory, SessionFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    event = EventFactory(status=EventStatus.PUBLISHED)
    return {
        "event": event,
        "session": SessionFactory(event=event),
        "ada": AttendeeFactory(event=event, display_name="Ada").user,
        "bo": AttendeeFactory(event=event, display_name="Bo").user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
    }


def _open_poll(expo, question="Lunch?", options=("Yes", "No", "Later"), **extra):
    poll = polls.create_poll(expo["session"], question, list(options), by=expo["moderator"], **extra)
    return polls.open_poll(poll, by=expo["moderator"])


def _options(poll) -> list[int]:
    return list(poll.options.values_list("pk", flat=True))


# --- Writing, opening, closing ----------------------------------------------------------------


def test_create_makes_a_draft_with_its_answers_in_order(expo):
    poll = polls.create_poll(
        expo["session"], "  Which   track? ", ["Web", " Mobile ", "", "AI"], by=expo["moderator"]
    )
    assert (poll.question, poll.state, poll.event_id) == ("Which track?", PollState.DRAFT, expo["event"].pk)
    assert list(poll.options.values_list("text", "position")) == [("Web", 0), ("Mobile", 1), ("AI", 2)]


@pytest.mark.parametrize(
    ("question", "options", "code"),
    [
        ("", ["a", "b"], "poll.empty"),
        ("   ", ["a", "b"], "poll.empty"),
        (None, ["a", "b"], "poll.empty"),
        ("x" * 201, ["a", "b"], "poll.too_long"),
        ("Q?", ["only one"], "poll.options"),
        ("Q?", ["a", " ", ""], "poll.options"),
        ("Q?", ["1", "2", "3", "4", "5", "6", "7"], "poll.options"),
        ("Q?", "a,b", "poll.options"),
        ("Q?", ["a", "b" * 101], "poll.option_too_long"),
        ("Q?", ["Yes", "yes"], "poll.same_options"),
    ],
)
def test_create_bad_poll_is_refused_and_nothing_saved(expo, question, options, code):
    with pytest.raises(polls.PollError) as refused:
        polls.create_poll(expo["session"], question, options, by=expo["moderator"])
    assert refused.value.code == code
    assert refused.value.message
    assert (SessionPoll.objects.count(), PollOption.objects.count()) == (0, 0)


def test_create_with_six_answers_is_accepted(expo):
    poll = polls.create_poll(expo["session"], "Q?", [str(n) for n in range(6)], by=expo["moderator"])
    assert poll.options.count() == 6


def test_open_then_close_and_never_back(expo):
    poll = _open_poll(expo)
    assert (poll.state, poll.opened_at is not None) == (PollState.OPEN, True)
    with pytest.raises(polls.PollError) as again:
        polls.open_poll(poll, by=expo["moderator"])
    assert again.value.code == "poll.not_draft"
    poll = polls.close_poll(poll, by=expo["moderator"])
    assert (poll.state, poll.closed_at is not None) == (PollState.CLOSED, True)
    with pytest.raises(polls.PollError) as twice:
        polls.close_poll(poll, by=expo["moderator"])
    with pytest.raises(polls.PollError) as reopened:
        polls.open_poll(poll, by=expo["moderator"])
    assert (twice.value.code, reopened.value.code) == ("poll.not_open", "poll.not_draft")
    assert SessionPoll.objects.get().state == PollState.CLOSED


def test_a_draft_cannot_be_closed(expo):
    poll = polls.create_poll(expo["session"], "Q?", ["a", "b"], by=expo["moderator"])
    with pytest.raises(polls.PollError) as refused:
        polls.close_poll(poll, by=expo["moderator"])
    assert refused.value.code == "poll.not_open"
    assert SessionPoll.objects.get().state == PollState.DRAFT


@pytest.mark.parametrize("who", ["ada", "staff_elsewhere", "other_events_team"])
def test_non_moderators_neither_create_nor_open_nor_close(expo, who):
    people = {
        "ada": expo["ada"],
        "staff_elsewhere": StaffFactory(exhibitor=BoothFactory(event=expo["event"]).exhibitor).user,
        "other_events_team": TeamMemberFactory(role=TeamRole.OWNER).user,
    }
    draft = polls.create_poll(expo["session"], "Q?", ["a", "b"], by=expo["moderator"])
    opened = _open_poll(expo, "R?")
    with pytest.raises(polls.PollError) as create:
        polls.create_poll(expo["session"], "Mine?", ["a", "b"], by=people[who])
    with pytest.raises(polls.PollError) as open_:
        polls.open_poll(draft, by=people[who])
    with pytest.raises(polls.PollError) as close:
        polls.close_poll(opened, by=people[who])
    assert {create.value.code, open_.value.code, close.value.code} == {"poll.not_allowed"}
    assert sorted(SessionPoll.objects.values_list("question", "state")) == [
        ("Q?", PollState.DRAFT),
        ("R?", PollState.OPEN),
    ]


def test_staff_of_the_sessions_booth_run_its_polls(expo):
    booth = BoothFactory(event=expo["event"])
    BoothSession.objects.create(booth=booth, session=expo["session"])
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    poll = polls.open_poll(polls.create_poll(expo["session"], "Q?", ["a", "b"], by=staff), by=staff)
    assert (poll.state, polls.may_run_polls(staff, poll)) == (PollState.OPEN, True)


# --- Voting -----------------------------------------------------------------------------------


def test_vote_counts_once_and_can_be_changed_while_open(expo):
    poll = _open_poll(expo)
    yes, no, _later = _options(poll)
    polls.cast_vote(poll, yes, by=expo["ada"])
    polls.cast_vote(poll, yes, by=expo["bo"])
    polls.cast_vote(poll, str(no), by=expo["ada"])  # a form sends the id as text
    results = polls.results_of(poll)
    assert (results["counts"], results["total"]) == ({str(yes): 1, str(no): 1, str(_later): 0}, 2)
    assert PollVote.objects.filter(user=expo["ada"]).count() == 1


def test_every_change_moves_the_version_and_a_repeat_does_not(expo):
    poll = _open_poll(expo)
    yes, no, _later = _options(poll)
    start = polls.results_of(poll)["version"]
    polls.cast_vote(poll, yes, by=expo["ada"])
    polls.cast_vote(poll, yes, by=expo["ada"])
    after_repeat = polls.results_of(poll)["version"]
    polls.cast_vote(poll, no, by=expo["ada"])
    assert (after_repeat - start, polls.results_of(poll)["version"] - start) == (1, 2)


def test_one_vote_per_person_is_held_by_the_database(expo):
    poll = _open_poll(expo)
    yes, no, _later = _options(poll)
    PollVote.objects.create(poll=poll, option_id=yes, user=expo["ada"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(poll=poll, option_id=no, user=expo["ada"])


@pytest.mark.parametrize(
    ("state", "code"), [(PollState.CLOSED, "poll.closed"), (PollState.DRAFT, "poll.not_open")]
)
def test_vote_in_a_poll_not_open_is_refused(expo, state, code):
    poll = polls.create_poll(expo["session"], "Q?", ["a", "b"], by=expo["moderator"])
    if state == PollState.CLOSED:
        poll = polls.close_poll(polls.open_poll(poll, by=expo["moderator"]), by=expo["moderator"])
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(poll, _options(poll)[0], by=expo["ada"])
    assert refused.value.code == code
    assert PollVote.objects.count() == 0


def test_vote_after_a_moderator_closed_it_elsewhere_is_refused(expo):
    poll = _open_poll(expo)
    stale = SessionPoll.objects.get(pk=poll.pk)  # loaded while it was open
    polls.close_poll(poll, by=expo["moderator"])
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(stale, _options(poll)[0], by=expo["ada"])
    assert refused.value.code == "poll.closed"
    assert PollVote.objects.count() == 0


def test_vote_for_an_answer_of_another_poll_is_refused(expo):
    poll, other = _open_poll(expo, "One?"), _open_poll(expo, "Two?")
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(poll, _options(other)[0], by=expo["ada"])
    assert refused.value.code == "poll.no_such_option"
    assert PollVote.objects.count() == 0


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        (None, "poll.no_choice"),
        ([], "poll.no_choice"),
        ("", "poll.no_choice"),
        (987654, "poll.no_such_option"),
        ("abc", "poll.no_such_option"),
        (True, "poll.no_such_option"),
        (-1, "poll.no_such_option"),
        ({"id": 1}, "poll.no_such_option"),
    ],
)
def test_vote_with_a_forged_choice_is_refused(expo, choice, code):
    poll = _open_poll(expo)
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(poll, choice, by=expo["ada"])
    assert refused.value.code == code
    assert PollVote.objects.count() == 0


def test_two_answers_in_one_request_are_refused(expo):
    poll = _open_poll(expo)
    yes, no, _later = _options(poll)
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(poll, [str(yes), str(no)], by=expo["ada"])
    assert refused.value.code == "poll.one_choice"
    assert PollVote.objects.count() == 0
    assert polls.cast_vote(poll, [str(yes)], by=expo["ada"]).option_id == yes  # one in a list is fine


def test_vote_by_someone_not_registered_is_refused(expo):
    poll = _open_poll(expo)
    pending = AttendeeFactory(event=expo["event"], status=AttendeeStatus.PENDING).user
    someone_elses = AttendeeFactory().user  # registered for another event
    for person in (pending, someone_elses, expo["moderator"]):
        with pytest.raises(polls.PollError) as refused:
            polls.cast_vote(poll, _options(poll)[0], by=person)
        assert refused.value.code == "poll.not_attendee"
    assert PollVote.objects.count() == 0


def test_vote_when_the_event_is_not_live_is_refused(expo):
    poll = _open_poll(expo)
    expo["event"].status = EventStatus.CLOSED
    expo["event"].save()
    poll.refresh_from_db()
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(
            SessionPoll.objects.select_related("event").get(pk=poll.pk), _options(poll)[0], by=expo["ada"]
        )
    assert refused.value.code == "poll.event_not_live"
    assert PollVote.objects.count() == 0


@override_settings(POLL_VOTES_PER_WINDOW=2)
def test_voting_too_often_is_rate_limited(expo):
    poll = _open_poll(expo)
    yes, no, later = _options(poll)
    polls.cast_vote(poll, yes, by=expo["ada"])
    polls.cast_vote(poll, no, by=expo["ada"])
    with pytest.raises(polls.PollError) as refused:
        polls.cast_vote(poll, later, by=expo["ada"])
    assert refused.value.code == "poll.rate_limited"
    assert "Try again in" in refused.value.message
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [no]
    assert polls.cast_vote(poll, later, by=expo["bo"]).option_id == later  # Bo is not held back


# --- What each person sees --------------------------------------------------------------------


def test_audience_sees_no_drafts_and_results_only_where_shown(expo):
    polls.create_poll(expo["session"], "Draft?", ["a", "b"], by=expo["moderator"])
    hidden = _open_poll(expo, "Hidden?", results_while_open=False)
    _open_poll(expo, "Shown?")
    polls.cast_vote(hidden, _options(hidden)[0], by=expo["ada"])
    rows = polls.polls_for(expo["session"], expo["ada"])
    assert [(row["question"], row["results"] is None, row["mine"]) for row in rows] == [
        ("Shown?", False, None),
        ("Hidden?", True, _options(hidden)[0]),
    ]
    mod_rows = polls.polls_for(expo["session"], expo["moderator"])
    assert [(row["question"], row["results"]["total"]) for row in mod_rows] == [
        ("Shown?", 0),
        ("Hidden?", 1),
        ("Draft?", 0),
    ]
    polls.close_poll(hidden, by=expo["moderator"])
    closed = [row for row in polls.polls_for(expo["session"], expo["bo"]) if row["question"] == "Hidden?"]
    assert closed[0]["results"]["total"] == 1  # closed: everyone sees the results


def test_find_poll_of_another_event_is_not_found(expo):
    other_event = EventFactory(status=EventStatus.PUBLISHED)
    theirs = polls.create_poll(
        SessionFactory(event=other_event), "Q?", ["a", "b"], by=TeamMemberFactory(event=other_event).user
    )
    for wanted in (theirs.pk, "x", None, True):
        with pytest.raises(polls.PollError) as missing:
            polls.find_poll(expo["event"], wanted)
        assert missing.value.code == "poll.no_such_poll"
    with pytest.raises(polls.PollError):
        polls.find_poll(expo["session"], theirs.pk)

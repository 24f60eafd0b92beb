"""The stage's services (events/services/stage.py): who names speakers (the organisers, the staff of
the session's booth, nobody else), invitation links kept as hashes and accepted only by the invited
address, who may publish (speakers, and attendees while brought on), raised hands and moderators,
and shredding an attendee taking their hands and speaker rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import EventStatus, TeamRole
from events.errors import InvitationError
from events.models import StageHand, StageSpeaker
from events.models.invitation import hash_token
from events.permissions import ENTER_EVENT
from events.services import stage
from events.services.privacy import delete_registration, export_attendee_data
from events.shredder import shred_strategies
from exhibits.models import BoothSession
from tests.factories import (
    BoothFactory,
    EventFactory,
    SessionFactory,
    StaffFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo():
    event = EventFactory(slug="stage-expo", status=EventStatus.PUBLISHED)
    session = SessionFactory(event=event, title="Opening")
    booth = BoothFactory(event=event)
    BoothSession.objects.create(booth=booth, session=session)
    return {
        "event": event,
        "session": session,
        "owner": TeamMemberFactory(event=event, role=TeamRole.OWNER).user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
        "booth_staff": StaffFactory(exhibitor=booth.exhibitor).user,
        "other_staff": StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user,
        "visitor": AttendeeFactory(event=event, display_name="Lee Ha-eun", visible_to_others=False).user,
        "speaker": UserFactory(email="kim@example.org", display_name="Kim Min-jun"),
    }


# --- Naming speakers ------------------------------------------------------------------------------


def test_an_organiser_names_an_account_speaker_by_email_at_once(expo):
    named = stage.name_stage_speaker(expo["session"], " KIM@example.org ", by=expo["owner"])

    assert named.link_token is None
    assert (named.speaker.user, named.speaker.email, named.speaker.accepted_at is not None) == (
        expo["speaker"],
        "kim@example.org",
        True,
    )
    assert stage.may_speak_on_stage(expo["speaker"], expo["session"]) is True
    # An outside speaker with no registration enters the live event (its socket) as a speaker.
    assert expo["speaker"].has_perm(ENTER_EVENT, expo["event"]) is True


def test_an_outside_speaker_gets_a_link_whose_token_is_stored_only_as_a_hash(expo):
    named = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"])

    row = StageSpeaker.objects.get()
    assert named.link_token is not None
    assert row.token_hash == hash_token(named.link_token)
    assert named.link_token not in row.token_hash
    assert row.user is None
    guest = UserFactory(email="guest@outside.example")
    assert stage.may_speak_on_stage(guest, expo["session"]) is False  # not before accepting


def test_the_invited_address_accepts_the_link_and_may_then_speak(expo):
    token = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"]).link_token
    guest = UserFactory(email="guest@outside.example")

    accepted = stage.accept_stage_invitation(token, by=guest)

    assert accepted.user == guest
    assert stage.may_speak_on_stage(guest, expo["session"]) is True
    with pytest.raises(InvitationError):  # used once only
        stage.accept_stage_invitation(token, by=guest)


def test_another_account_cannot_accept_a_forwarded_link(expo):
    token = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"]).link_token
    stranger = UserFactory(email="stranger@example.org")

    with pytest.raises(InvitationError) as refused:
        stage.accept_stage_invitation(token, by=stranger)

    assert refused.value.code == "invitation.wrong_account"
    assert StageSpeaker.objects.get().user is None


def test_an_expired_link_is_refused(expo):
    token = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"]).link_token
    StageSpeaker.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(InvitationError) as refused:
        stage.accept_stage_invitation(token, by=UserFactory(email="guest@outside.example"))

    assert refused.value.code == "invitation.expired"


def test_the_staff_of_the_sessions_booth_name_speakers(expo):
    stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["booth_staff"])

    assert list(StageSpeaker.objects.values_list("email", flat=True)) == ["kim@example.org"]


@pytest.mark.parametrize("who", ["other_staff", "visitor", "speaker"])
def test_who_may_not_name_speakers_is_refused(expo, who):
    with pytest.raises(stage.StageError) as refused:
        stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo[who])

    assert refused.value.code == "stage.not_allowed"
    assert StageSpeaker.objects.count() == 0


def test_nobody_names_speakers_once_the_event_is_closed(expo):
    expo["event"].status = EventStatus.CLOSED
    expo["event"].save()

    assert stage.may_name_speakers(expo["owner"], expo["session"]) is False
    assert stage.may_name_speakers(expo["booth_staff"], expo["session"]) is False


def test_the_same_address_twice_and_a_bad_address_are_refused(expo):
    stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["owner"])

    with pytest.raises(stage.StageError) as twice:
        stage.name_stage_speaker(expo["session"], "Kim@Example.org", by=expo["owner"])
    with pytest.raises(stage.StageError) as bad:
        stage.name_stage_speaker(expo["session"], "not an address", by=expo["owner"])

    assert (twice.value.code, bad.value.code) == ("stage.already_speaker", "stage.bad_email")


def test_a_removed_speaker_may_no_longer_speak(expo):
    named = stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["owner"])

    stage.remove_stage_speaker(named.speaker, by=expo["owner"])

    assert stage.may_speak_on_stage(expo["speaker"], expo["session"]) is False


def test_a_visitor_cannot_remove_a_speaker(expo):
    named = stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["owner"])

    with pytest.raises(stage.StageError):
        stage.remove_stage_speaker(named.speaker, by=expo["visitor"])

    assert StageSpeaker.objects.count() == 1


# --- Hands ------------------------------------------------------------------------------------------


def test_a_raised_hand_brought_on_may_speak_and_taken_off_may_not(expo):
    hand = stage.raise_hand(expo["session"], by=expo["visitor"])
    assert stage.may_speak_on_stage(expo["visitor"], expo["session"]) is False

    stage.bring_on_stage(hand, by=expo["moderator"])
    assert stage.may_speak_on_stage(expo["visitor"], expo["session"]) is True

    stage.take_off_stage(StageHand.objects.get(), by=expo["moderator"])
    assert stage.may_speak_on_stage(expo["visitor"], expo["session"]) is False
    assert StageHand.objects.count() == 0


@pytest.mark.parametrize("who", ["visitor", "other_staff", "speaker"])
def test_who_may_not_bring_on_stage_is_refused(expo, who):
    hand = stage.raise_hand(expo["session"], by=AttendeeFactory(event=expo["event"]).user)

    with pytest.raises(stage.StageError) as refused:
        stage.bring_on_stage(hand, by=expo[who])

    assert refused.value.code == "stage.not_allowed"
    assert StageHand.objects.get().on_stage_since is None


def test_the_booth_staff_moderate_hands_of_their_booths_session(expo):
    hand = stage.raise_hand(expo["session"], by=expo["visitor"])

    stage.bring_on_stage(hand, by=expo["booth_staff"])

    assert StageHand.objects.get().on_stage_since is not None


def test_raising_twice_keeps_one_hand_and_lowering_takes_it_down(expo):
    first = stage.raise_hand(expo["session"], by=expo["visitor"])
    again = stage.raise_hand(expo["session"], by=expo["visitor"])
    assert first.pk == again.pk

    assert stage.lower_hand(expo["session"], by=expo["visitor"]) is True
    assert StageHand.objects.count() == 0


def test_a_stranger_cannot_raise_a_hand(expo):
    with pytest.raises(stage.StageError):
        stage.raise_hand(expo["session"], by=UserFactory())
    assert StageHand.objects.count() == 0


def test_only_moderators_see_who_raised_a_hand(expo):
    stage.raise_hand(expo["session"], by=expo["visitor"])

    moderator_view = stage.stage_state(expo["session"], expo["moderator"])
    visitor_view = stage.stage_state(expo["session"], AttendeeFactory(event=expo["event"]).user)

    assert [hand["name"] for hand in moderator_view["hands"]] == ["Lee Ha-eun"]
    assert "hands" not in visitor_view
    assert visitor_view["raised"] == 1
    assert "Lee Ha-eun" not in repr(visitor_view)


def test_status_is_upcoming_live_then_ended(expo):
    session = expo["session"]

    assert stage.stage_status(session, session.starts_at - dt.timedelta(minutes=5)) == "upcoming"
    assert stage.stage_status(session, session.starts_at + dt.timedelta(minutes=5)) == "live"
    assert stage.stage_status(session, session.ends_at) == "ended"


# --- Shredding -------------------------------------------------------------------------------------


def test_an_attendee_deleting_their_registration_takes_their_hand_and_speaker_rows(expo):
    attendee = expo["visitor"].attendances.get(event=expo["event"])
    stage.raise_hand(expo["session"], by=expo["visitor"])
    stage.name_stage_speaker(SessionFactory(event=expo["event"]), expo["visitor"].email, by=expo["owner"])
    kept = stage.raise_hand(expo["session"], by=AttendeeFactory(event=expo["event"]).user)

    delete_registration(attendee, by=expo["visitor"])

    assert list(StageHand.objects.values_list("pk", flat=True)) == [kept.pk]
    assert StageSpeaker.objects.count() == 0


def test_shredding_the_event_removes_every_hand_and_speaker(expo):
    stage.raise_hand(expo["session"], by=expo["visitor"])
    stage.name_stage_speaker(expo["session"], "kim@example.org", by=expo["owner"])
    strategy = shred_strategies["events.stage"]

    assert strategy.remaining(expo["event"]) == 2
    assert strategy.shred(expo["event"]) == {"stage_hands": 1, "stage_speakers": 1}
    assert strategy.remaining(expo["event"]) == 0


def test_my_data_names_the_attendees_hands_and_stages(expo):
    attendee = expo["visitor"].attendances.get(event=expo["event"])
    hand = stage.raise_hand(expo["session"], by=expo["visitor"])
    other_session = SessionFactory(event=expo["event"])
    stage.name_stage_speaker(other_session, expo["visitor"].email, by=expo["owner"])
    stage.raise_hand(expo["session"], by=AttendeeFactory(event=expo["event"]).user)  # someone else's

    assert export_attendee_data(attendee)["stage"] == {
        "raised_hands": [
            {"session": expo["session"].pk, "raised_at": hand.raised_at.isoformat(), "on_stage": False}
        ],
        "speaker_of": [other_session.pk],
    }

"""The stage's pages and forms without JavaScript (events/views/organiser_stage.py): naming speakers
(organisers and the session's booth staff; everyone else refused), the invitation link shown once
and accepted only by its address, the hand forms and the moderators' bring-on/take-off forms, and
the session page's stage section (status, green room, hands only to moderators)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, TeamRole
from events.models import StageHand, StageSpeaker
from events.models.invitation import hash_token
from events.services import stage
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
    event = EventFactory(slug="stage-pages", status=EventStatus.PUBLISHED)
    now = timezone.now()
    session = SessionFactory(
        event=event,
        title="Keynote",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=1),
    )
    booth = BoothFactory(event=event)
    BoothSession.objects.create(booth=booth, session=session)
    return {
        "event": event,
        "session": session,
        "owner": TeamMemberFactory(event=event, role=TeamRole.OWNER).user,
        "moderator": TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user,
        "booth_staff": StaffFactory(exhibitor=booth.exhibitor).user,
        "other_staff": StaffFactory(exhibitor=BoothFactory(event=event).exhibitor).user,
        "visitor": AttendeeFactory(event=event, display_name="Hidden Hana", visible_to_others=False).user,
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _speakers_url(expo) -> str:
    return reverse("stage:speakers", args=[expo["event"].slug, expo["session"].pk])


def _session_page(expo) -> str:
    return reverse("visit:session", args=[expo["event"].slug, expo["session"].pk])


# --- Naming speakers ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "moderator", "booth_staff"])
def test_organisers_and_the_booths_staff_open_the_speakers_page(expo, who):
    response = _client(expo[who]).get(_speakers_url(expo))

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


@pytest.mark.parametrize("who", ["other_staff", "visitor"])
def test_others_are_refused_the_speakers_page_and_its_form(expo, who):
    client = _client(expo[who])

    assert client.get(_speakers_url(expo)).status_code == 403
    assert client.post(_speakers_url(expo), {"email": "x@example.org"}).status_code == 403
    assert StageSpeaker.objects.count() == 0


def test_a_stranger_is_sent_to_log_in(expo):
    response = _client().get(_speakers_url(expo))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_session_edit_page_links_to_the_speakers_page(expo):
    edit = reverse("organiser:session_edit", args=[expo["event"].slug, expo["session"].pk])

    assert f'href="{_speakers_url(expo)}"' in _client(expo["owner"]).get(edit).content.decode()


def test_an_account_is_named_at_once_and_an_outsider_gets_a_link_shown_once(expo):
    UserFactory(email="kim@example.org", display_name="Kim")
    client = _client(expo["owner"])

    named = client.post(_speakers_url(expo), {"email": "kim@example.org"}, follow=True)
    invited = client.post(_speakers_url(expo), {"email": "guest@outside.example"})
    shown = client.get(_speakers_url(expo)).content.decode()
    again = client.get(_speakers_url(expo)).content.decode()

    assert "kim@example.org is now a speaker of this session." in named.content.decode()
    assert invited.status_code == 302
    row = StageSpeaker.objects.get(email="guest@outside.example")
    token = shown.split("/accounts/invitations/stage/")[1].split("/")[0]
    assert hash_token(token) == row.token_hash
    assert token not in again  # shown once: the database keeps only its hash


def test_a_bad_address_is_shown_in_the_form(expo):
    response = _client(expo["owner"]).post(_speakers_url(expo), {"email": "nope"})

    assert response.status_code == 200
    assert StageSpeaker.objects.count() == 0


def test_removing_a_speaker_by_form_and_a_visitor_may_not(expo):
    named = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"])
    remove = reverse("stage:speaker_remove", args=[expo["event"].slug, expo["session"].pk, named.speaker.pk])

    assert _client(expo["visitor"]).post(remove).status_code == 403
    assert StageSpeaker.objects.count() == 1
    assert _client(expo["booth_staff"]).post(remove).status_code == 302
    assert StageSpeaker.objects.count() == 0


def test_the_invited_address_accepts_the_link_and_lands_on_the_stage(expo):
    token = stage.name_stage_speaker(expo["session"], "guest@outside.example", by=expo["owner"]).link_token
    accept = reverse("stage:accept", args=[token])
    guest = UserFactory(email="guest@outside.example")

    page = _client().get(accept).content.decode()
    wrong = _client(UserFactory(email="other@example.org")).post(accept)
    assert wrong["Location"] == accept  # back to the link, with the reason
    assert StageSpeaker.objects.get().user is None
    right = _client(guest).post(accept)

    assert "Create my log-in" in page
    assert right["Location"] == _session_page(expo) + "#stage"
    assert StageSpeaker.objects.get().user == guest


# --- The session page and the hands' forms --------------------------------------------------


def test_the_session_page_says_live_and_gives_a_speaker_the_green_room(expo):
    stage.name_stage_speaker(expo["session"], expo["visitor"].email, by=expo["owner"])

    html = _client(expo["visitor"]).get(_session_page(expo)).content.decode()

    assert 'data-stage-status data-status="live"' in html
    assert 'data-stage-may-speak="1"' in html
    assert "data-stage-green-room" in html
    assert "media_rtc/stage.js" in html


def test_before_and_after_the_page_says_starts_in_and_ended(expo):
    session = expo["session"]
    session.starts_at = timezone.now() + dt.timedelta(hours=2, minutes=5)
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save()
    before = _client(expo["visitor"]).get(_session_page(expo)).content.decode()
    session.starts_at = timezone.now() - dt.timedelta(hours=2)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    after = _client(expo["visitor"]).get(_session_page(expo)).content.decode()

    assert 'data-status="upcoming">Starts in 2' in before
    assert 'data-status="ended">Ended' in after
    assert "Raise hand" not in after  # no hands once it is over


def test_a_visitor_raises_a_hand_by_form_and_only_moderators_see_the_name(expo):
    hand_url = reverse("stage:hand", args=[expo["event"].slug, expo["session"].pk])

    raised = _client(expo["visitor"]).post(hand_url, {"raised": "1"})

    assert raised["Location"] == _session_page(expo) + "#stage"
    assert StageHand.objects.get().user == expo["visitor"]
    moderator_page = _client(expo["moderator"]).get(_session_page(expo)).content.decode()
    visitor_page = (
        _client(AttendeeFactory(event=expo["event"]).user).get(_session_page(expo)).content.decode()
    )
    assert "Hidden Hana" in moderator_page
    assert "Hidden Hana" not in visitor_page
    _client(expo["visitor"]).post(hand_url, {"raised": "0"})
    assert StageHand.objects.count() == 0


def test_a_stranger_cannot_raise_a_hand(expo):
    hand_url = reverse("stage:hand", args=[expo["event"].slug, expo["session"].pk])

    _client(UserFactory()).post(hand_url, {"raised": "1"})

    assert StageHand.objects.count() == 0


def test_a_moderator_brings_on_and_takes_off_by_form_and_a_visitor_may_not(expo):
    hand = stage.raise_hand(expo["session"], by=expo["visitor"])
    args = [expo["event"].slug, expo["session"].pk, hand.pk]
    bring_on, take_off = reverse("stage:bring_on", args=args), reverse("stage:take_off", args=args)

    assert _client(AttendeeFactory(event=expo["event"]).user).post(bring_on).status_code == 403
    assert _client(expo["other_staff"]).post(bring_on).status_code == 403
    assert StageHand.objects.get().on_stage_since is None

    assert _client(expo["booth_staff"]).post(bring_on).status_code == 302
    assert stage.may_speak_on_stage(expo["visitor"], expo["session"]) is True
    assert _client(expo["visitor"]).post(take_off).status_code == 403
    assert _client(expo["moderator"]).post(take_off).status_code == 302
    assert stage.may_speak_on_stage(expo["visitor"], expo["session"]) is False

"""Meetings between two visitors (exhibits/services/visitor_meetings.py): consent, asking,
answering, overlaps, bad input, reminders, shredding and "My data"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import EventStatus
from events.errors import NotAllowed
from events.services.privacy import delete_registration
from events.shredder import shred_strategies
from exhibits.models import AppointmentStatus, VisitorMeeting
from exhibits.services import appointments
from exhibits.services import visitor_meetings as service
from exhibits.services.appointment_privacy import visitor_meeting_data
from exhibits.services.appointments import AppointmentError
from exhibits.services.visitor_meetings import NoSuchPerson
from tests.factories import BoothFactory, EventFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def open_person(event, name: str, **extra):
    return AttendeeFactory(
        event=event, display_name=name, visible_to_others=True, open_to_meetings=True, **extra
    )


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def ann(event):
    return open_person(event, "Ann")


@pytest.fixture
def bob(event):
    return open_person(event, "Bob")


def soon(hours: int = 24) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def ask(event, asker, invitee, *, starts=None, length=30, note=""):
    return service.ask_for_meeting(
        event, invitee.pk, starts_at=starts or soon(), length_minutes=length, note=note, by=asker.user
    )


def test_people_open_to_meetings_lists_only_visible_and_opted_in_others(event, ann, bob):
    AttendeeFactory(event=event, display_name="Hidden", visible_to_others=False, open_to_meetings=True)
    AttendeeFactory(event=event, display_name="Shy", visible_to_others=True, open_to_meetings=False)
    open_person(EventFactory(), "Elsewhere")
    assert [p.display_name for p in service.people_open_to_meetings(event, by=ann.user)] == ["Bob"]


def test_people_open_to_meetings_refused_for_who_has_not_opted_in(event, bob):
    shy = AttendeeFactory(event=event, visible_to_others=True, open_to_meetings=False)
    with pytest.raises(NotAllowed) as refused:
        service.people_open_to_meetings(event, by=shy.user)
    assert "My data" in str(refused.value.message)


def test_ask_for_meeting_saves_asked_meeting_and_mails_the_invitee(
    event, ann, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = ask(event, ann, bob, length=45, note="About solar panels")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.asker_id, meeting.invitee_id) == (AppointmentStatus.ASKED, ann.pk, bob.pk)
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=45)
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert "Ann" in mail.outbox[0].subject
    assert "About solar panels" in mail.outbox[0].body


@pytest.mark.parametrize("hidden", [{"visible_to_others": False}, {"open_to_meetings": False}])
def test_ask_for_meeting_hidden_or_not_opted_in_invitee_refused_like_unknown(event, ann, hidden):
    other = AttendeeFactory(event=event, **{"visible_to_others": True, "open_to_meetings": True, **hidden})
    with pytest.raises(NoSuchPerson) as refused_hidden:
        ask(event, ann, other)
    with pytest.raises(NoSuchPerson) as refused_unknown:
        service.ask_for_meeting(event, 999999, starts_at=soon(), length_minutes=30, by=ann.user)
    assert str(refused_hidden.value.message) == str(refused_unknown.value.message)
    assert other.display_name not in str(refused_hidden.value.message)
    assert VisitorMeeting.objects.count() == 0


def test_ask_for_meeting_by_not_opted_in_asker_refused(event, bob):
    shy = AttendeeFactory(event=event, visible_to_others=True, open_to_meetings=False)
    with pytest.raises(NotAllowed):
        ask(event, shy, bob)
    assert VisitorMeeting.objects.count() == 0


def test_ask_for_meeting_oneself_refused(event, ann):
    with pytest.raises(NoSuchPerson):
        ask(event, ann, ann)


def test_ask_for_meeting_past_time_refused_and_nothing_saved(event, ann, bob):
    with pytest.raises(AppointmentError) as refused:
        ask(event, ann, bob, starts=timezone.now() - dt.timedelta(minutes=1))
    assert refused.value.code == "appointment.past"
    assert "later than now" in str(refused.value.message)
    assert VisitorMeeting.objects.count() == 0


def test_ask_for_meeting_too_long_note_refused_and_nothing_saved(event, ann, bob):
    with pytest.raises(AppointmentError) as refused:
        ask(event, ann, bob, note="x" * 501)
    assert refused.value.code == "appointment.note_too_long"
    assert VisitorMeeting.objects.count() == 0


def test_ask_for_meeting_odd_length_refused(event, ann, bob):
    with pytest.raises(AppointmentError) as refused:
        ask(event, ann, bob, length=20)
    assert refused.value.code == "appointment.bad_length"


def test_naive_start_is_read_in_the_event_time_zone(event, ann, bob):
    local = timezone.localtime(soon(), event.tz).replace(tzinfo=None)
    meeting = ask(event, ann, bob, starts=local)
    assert timezone.localtime(meeting.starts_at, event.tz).replace(tzinfo=None) == local


def test_accept_meeting_confirms_and_mails_the_asker(event, ann, bob, django_capture_on_commit_callbacks):
    meeting = ask(event, ann, bob)
    with django_capture_on_commit_callbacks(execute=True):
        service.accept_meeting(meeting, by=bob.user)
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [[ann.email]]


def test_accept_meeting_overlapping_a_confirmed_one_refused(event, ann, bob):
    carl = open_person(event, "Carl")
    starts = soon()
    first = ask(event, ann, bob, starts=starts)
    service.accept_meeting(first, by=bob.user)
    second = ask(event, carl, bob, starts=starts + dt.timedelta(minutes=15))
    with pytest.raises(AppointmentError) as refused:
        service.accept_meeting(second, by=bob.user)
    assert refused.value.code == "appointment.busy"
    second.refresh_from_db()
    assert second.status == AppointmentStatus.ASKED


def test_ask_for_meeting_when_already_busy_refused(event, ann, bob):
    carl = open_person(event, "Carl")
    starts = soon()
    service.accept_meeting(ask(event, ann, bob, starts=starts), by=bob.user)
    with pytest.raises(AppointmentError) as refused:
        ask(event, ann, carl, starts=starts)
    assert refused.value.code == "appointment.busy"


def test_decline_meeting_cancels_and_the_asker_cannot_decline(event, ann, bob):
    meeting = ask(event, ann, bob)
    with pytest.raises(AppointmentError):
        service.decline_meeting(meeting, by=ann.user)
    service.decline_meeting(meeting, by=bob.user)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.declined) == (AppointmentStatus.CANCELLED, True)


def test_propose_time_needs_the_other_to_agree_again(event, ann, bob):
    meeting = ask(event, ann, bob)
    later = soon(48)
    service.propose_time(meeting, starts_at=later, length_minutes=15, by=bob.user)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at, meeting.asker_agreed_at) == (
        AppointmentStatus.ASKED,
        later,
        None,
    )
    assert service.waits_for(meeting, service.ASKER)
    service.accept_meeting(meeting, by=ann.user)
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.CONFIRMED


def test_another_visitor_cannot_answer_or_cancel(event, ann, bob):
    carl = open_person(event, "Carl")
    meeting = ask(event, ann, bob)
    for action in (service.accept_meeting, service.cancel_meeting, service.decline_meeting):
        with pytest.raises(NotAllowed):
            action(meeting, by=carl.user)
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.ASKED


def test_join_meeting_gives_both_the_same_booth_less_room(event, ann, bob):
    meeting = ask(event, ann, bob, starts=timezone.now() + dt.timedelta(minutes=2))
    meeting = service.accept_meeting(meeting, by=bob.user)
    room_a = service.join_meeting(meeting, by=ann.user)
    room_b = service.join_meeting(meeting, by=bob.user)
    assert room_a == room_b
    assert (room_a.booth_id, room_a.members) == (None, (ann.user_id, bob.user_id))
    meeting.refresh_from_db()
    assert meeting.was_held


def test_join_meeting_not_confirmed_refused(event, ann, bob):
    meeting = ask(event, ann, bob, starts=timezone.now() + dt.timedelta(minutes=2))
    with pytest.raises(AppointmentError) as refused:
        service.join_meeting(meeting, by=ann.user)
    assert refused.value.code == "appointment.not_confirmed"


def test_remind_due_meetings_mails_both_once(event, ann, bob):
    meeting = ask(event, ann, bob, starts=timezone.now() + dt.timedelta(minutes=10))
    service.accept_meeting(meeting, by=bob.user)
    mail.outbox.clear()
    assert service.remind_due_meetings() == 1
    assert service.remind_due_meetings() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])


def test_shredding_an_attendee_deletes_their_visitor_meetings(event, ann, bob):
    ask(event, ann, bob, note="private")
    strategy = shred_strategies.get("exhibits.visitor_meetings")
    assert strategy.forget_attendee(bob) == {"visitor_meetings": 1}
    assert VisitorMeeting.objects.count() == 0


def test_my_data_lists_visitor_meetings_by_public_name(event, ann, bob):
    ask(event, ann, bob, note="hello")
    assert [(row["with"], row["note"]) for row in visitor_meeting_data(bob)] == [("Ann", "hello")]


def test_visitor_meeting_counts_counts_confirmed_only(event, ann, bob):
    carl = open_person(event, "Carl")
    service.accept_meeting(ask(event, ann, bob), by=bob.user)
    ask(event, carl, bob, starts=soon(30))
    assert service.visitor_meeting_counts(event) == {"booked": 1, "held": 0}


def test_booking_an_exhibitor_over_a_confirmed_visitor_meeting_refused(event, ann, bob):
    booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=2)
    slot = appointments.publish_availability(
        booth, day=day, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff
    )[0]
    service.accept_meeting(
        ask(event, ann, bob, starts=slot.starts_at + dt.timedelta(minutes=15)), by=bob.user
    )
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(slot, bob, by=bob.user)
    assert refused.value.code == "appointment.busy"


def test_deleting_ones_registration_deletes_ones_visitor_meetings(event, ann, bob):
    ask(event, ann, bob, note="private")
    delete_registration(bob, by=bob.user)
    assert VisitorMeeting.objects.count() == 0


def test_a_closed_event_refuses_asking_accepting_and_moving(event, ann, bob):
    meeting = ask(event, ann, bob)
    event.status = EventStatus.CLOSED
    event.save()
    meeting = VisitorMeeting.objects.select_related("event", "asker", "invitee").get(pk=meeting.pk)
    for action in (
        lambda: ask(event, bob, ann),
        lambda: service.accept_meeting(meeting, by=bob.user),
        lambda: service.propose_time(meeting, starts_at=soon(48), length_minutes=30, by=bob.user),
    ):
        with pytest.raises(AppointmentError) as refused:
            action()
        assert refused.value.code == "appointment.closed"
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.ASKED

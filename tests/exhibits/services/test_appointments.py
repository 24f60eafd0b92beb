"""Meetings by appointment (exhibits/services/appointments.py): publishing times, booking,
confirming, cancelling, moving, reminders, counts, shredding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.errors import NotAllowed
from events.shredder import shred_strategies
from exhibits.models import Appointment, AppointmentStatus, Lead, MeetingSlot
from exhibits.services import appointments
from exhibits.services.appointments import AppointmentError
from tests.factories import BoothFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def tomorrow(event) -> dt.date:
    return timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email, display_name="Vic Visitor")


@pytest.fixture
def slots(booth_a, staff_a):
    return appointments.publish_availability(
        booth_a,
        day=tomorrow(booth_a.event),
        start=dt.time(10, 0),
        end=dt.time(11, 0),
        length_minutes=20,
        buffer_minutes=10,
        by=staff_a,
    )


def test_publish_availability_makes_slots_with_length_and_buffer_in_event_time(booth_a, slots):
    local = [
        (s.starts_at.astimezone(booth_a.event.tz).time(), s.ends_at.astimezone(booth_a.event.tz).time())
        for s in slots
    ]
    assert local == [(dt.time(10, 0), dt.time(10, 20)), (dt.time(10, 30), dt.time(10, 50))]
    assert [s.buffer_minutes for s in slots] == [10, 10]


def test_publish_availability_overlapping_is_refused_and_saves_nothing(booth_a, staff_a, slots):
    with pytest.raises(AppointmentError) as refused:
        appointments.publish_availability(
            booth_a,
            day=tomorrow(booth_a.event),
            start=dt.time(10, 40),
            end=dt.time(12, 0),
            length_minutes=30,
            buffer_minutes=0,
            by=staff_a,
        )
    assert refused.value.code == "appointment.overlap"
    assert "overlap" in refused.value.message
    assert MeetingSlot.objects.count() == 2


def test_publish_availability_in_the_past_is_refused(booth_a, staff_a):
    yesterday = tomorrow(booth_a.event) - dt.timedelta(days=2)
    with pytest.raises(AppointmentError) as refused:
        appointments.publish_availability(
            booth_a,
            day=yesterday,
            start=dt.time(10, 0),
            end=dt.time(11, 0),
            length_minutes=30,
            buffer_minutes=0,
            by=staff_a,
        )
    assert refused.value.code == "appointment.past"
    assert MeetingSlot.objects.count() == 0


def test_publish_availability_by_staff_of_another_exhibitor_is_not_allowed(booth_a, staff_b):
    with pytest.raises(NotAllowed):
        appointments.publish_availability(
            booth_a,
            day=tomorrow(booth_a.event),
            start=dt.time(10, 0),
            end=dt.time(11, 0),
            length_minutes=30,
            buffer_minutes=0,
            by=staff_b,
        )
    assert MeetingSlot.objects.count() == 0


def test_book_slot_asks_and_staff_confirm(slots, attendee, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointments.book_slot(slots[0], attendee, note="About sensors", by=attendee.user)
    assert (booked.status, booked.note, booked.asked_by) == ("asked", "About sensors", "visitor")
    assert [message.to for message in mail.outbox] == [["staff-a@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = appointments.confirm_meeting(booked, by=staff_a)
    assert confirmed.status == AppointmentStatus.CONFIRMED
    assert mail.outbox[-1].to == [attendee.email]
    assert "confirmed" in mail.outbox[-1].subject


def test_booking_a_taken_slot_is_refused(slots, attendee, event):
    appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    other = AttendeeFactory(event=event)
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(slots[0], other, note="", by=other.user)
    assert refused.value.code == "appointment.taken"
    assert Appointment.objects.count() == 1


def test_booking_a_withdrawn_slot_is_refused(slots, attendee, staff_a):
    appointments.withdraw_slot(slots[0], by=staff_a)
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    assert refused.value.code == "appointment.unavailable"
    assert Appointment.objects.count() == 0


def test_booking_a_slot_in_the_past_is_refused(slots, attendee):
    MeetingSlot.objects.filter(pk=slots[0].pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now() - dt.timedelta(minutes=40)
    )
    slots[0].refresh_from_db()
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    assert refused.value.code == "appointment.past"
    assert Appointment.objects.count() == 0


def test_a_note_too_long_is_refused_and_nothing_saved(slots, attendee):
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(slots[0], attendee, note="x" * 501, by=attendee.user)
    assert refused.value.code == "appointment.note_too_long"
    assert "500" in refused.value.message
    assert Appointment.objects.count() == 0


def test_a_cancelled_meeting_frees_its_slot(slots, attendee, event):
    booked = appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    appointments.cancel_meeting(booked, by=attendee.user)
    other = AttendeeFactory(event=event)
    again = appointments.book_slot(slots[0], other, note="", by=other.user)
    assert again.status == "asked"
    with pytest.raises(AppointmentError) as refused:
        appointments.confirm_meeting(booked, by=attendee.user)
    assert refused.value.code == "appointment.cancelled"


def test_another_visitor_cannot_cancel_or_confirm(slots, attendee, event, staff_b):
    booked = appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    stranger = AttendeeFactory(event=event)
    for someone in (stranger.user, staff_b):
        with pytest.raises(NotAllowed):
            appointments.cancel_meeting(booked, by=someone)
        with pytest.raises(NotAllowed):
            appointments.confirm_meeting(booked, by=someone)
    booked.refresh_from_db()
    assert booked.status == "asked"


def test_staff_invite_a_lead_and_the_visitor_confirms(slots, attendee, booth_a, staff_a, event):
    lead = Lead.objects.create(
        attendee=attendee, booth=booth_a, exhibitor=booth_a.exhibitor, shared_fields=[]
    )
    invited = appointments.invite_lead(lead, slots[1], note="Let us talk", by=staff_a)
    assert (invited.status, invited.asked_by, invited.attendee) == ("asked", "staff", attendee)
    assert appointments.confirm_meeting(invited, by=attendee.user).status == "confirmed"


def test_staff_of_another_exhibitor_cannot_invite_a_lead(slots, attendee, booth_a, staff_b):
    lead = Lead.objects.create(
        attendee=attendee, booth=booth_a, exhibitor=booth_a.exhibitor, shared_fields=[]
    )
    with pytest.raises(NotAllowed):
        appointments.invite_lead(lead, slots[1], note="", by=staff_b)
    assert Appointment.objects.count() == 0


def test_propose_time_moves_the_meeting_and_asks_the_other_side(slots, attendee, staff_a):
    booked = appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, note="", by=attendee.user), by=staff_a
    )
    moved = appointments.propose_time(booked, slots[1], by=staff_a)
    assert (moved.slot, moved.starts_at, moved.status) == (slots[1], slots[1].starts_at, "asked")
    assert moved.visitor_agreed_at is None and moved.staff_agreed_at is not None
    assert appointments.confirm_meeting(moved, by=attendee.user).status == "confirmed"
    assert appointments.free_slots(slots[0].booth) == [slots[0]]


def test_a_visitor_cannot_book_two_meetings_at_once(booth_a, staff_a, event, attendee, slots):
    other_booth = BoothFactory(event=event)
    other_staff = StaffFactory(exhibitor=other_booth.exhibitor).user
    same_time = appointments.publish_availability(
        other_booth,
        day=tomorrow(event),
        start=dt.time(10, 0),
        end=dt.time(10, 30),
        length_minutes=30,
        buffer_minutes=0,
        by=other_staff,
    )
    appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    with pytest.raises(AppointmentError) as refused:
        appointments.book_slot(same_time[0], attendee, note="", by=attendee.user)
    assert refused.value.code == "appointment.busy"


def test_reminders_go_once_shortly_before_the_start(
    slots, attendee, staff_a, django_capture_on_commit_callbacks
):
    booked = appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, note="", by=attendee.user), by=staff_a
    )
    mail.outbox.clear()
    starts = booked.starts_at
    assert appointments.remind_due_meetings(now=starts - dt.timedelta(minutes=30)) == 0
    assert appointments.remind_due_meetings(now=starts - dt.timedelta(minutes=10)) == 1
    assert appointments.remind_due_meetings(now=starts - dt.timedelta(minutes=5)) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted([attendee.email, "staff-a@example.org"])
    assert all("reminder" in message.subject.lower() for message in mail.outbox)


def test_reminders_skip_asked_and_cancelled_meetings(slots, attendee):
    booked = appointments.book_slot(slots[0], attendee, note="", by=attendee.user)
    assert appointments.remind_due_meetings(now=booked.starts_at - dt.timedelta(minutes=5)) == 0


def test_join_opens_only_at_the_time_and_counts_as_held_when_both_came(slots, attendee, staff_a, event):
    booked = appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, note="", by=attendee.user), by=staff_a
    )
    with pytest.raises(AppointmentError) as early:
        appointments.join_meeting(booked, by=attendee.user, now=booked.starts_at - dt.timedelta(minutes=30))
    assert early.value.code == "appointment.not_yet"
    at_time = booked.starts_at - dt.timedelta(minutes=2)
    room = appointments.join_meeting(booked, by=attendee.user, now=at_time)
    assert room.token == booked.room_token
    assert set(room.members) == {attendee.user_id, staff_a.pk}
    assert appointments.meeting_counts_by_exhibitor(event) == {booth_a_id(booked): {"booked": 1, "held": 0}}
    appointments.join_meeting(booked, by=staff_a, now=at_time)
    assert appointments.meeting_counts_by_exhibitor(event) == {booth_a_id(booked): {"booked": 1, "held": 1}}


def booth_a_id(appointment) -> int:
    return appointment.booth.exhibitor_id


def test_shredding_the_event_deletes_meetings_and_notes(slots, attendee, event):
    appointments.book_slot(slots[0], attendee, note="private note", by=attendee.user)
    strategy = shred_strategies.get("exhibits.appointments")
    assert strategy.export(event)["appointments"][0]["note"] == "private note"
    assert strategy.shred(event) == {"appointments": 1}
    assert Appointment.objects.count() == 0


def test_forgetting_an_attendee_deletes_their_meetings(slots, attendee, event):
    appointments.book_slot(slots[0], attendee, note="private note", by=attendee.user)
    other = AttendeeFactory(event=event)
    appointments.book_slot(slots[1], other, note="", by=other.user)
    assert shred_strategies.get("exhibits.appointments").forget_attendee(attendee) == {"appointments": 1}
    assert list(Appointment.objects.values_list("attendee", flat=True)) == [other.pk]


def test_mail_speaks_the_visitors_language(
    slots, event, booth_a, staff_a, django_capture_on_commit_callbacks
):
    korean = AttendeeFactory(event=event, language="ko")
    lead = Lead.objects.create(attendee=korean, booth=booth_a, exhibitor=booth_a.exhibitor, shared_fields=[])
    with django_capture_on_commit_callbacks(execute=True):
        appointments.invite_lead(lead, slots[0], note="", by=staff_a)
    time = timezone.localtime(slots[0].starts_at, event.tz).strftime("%Y-%m-%d %H:%M")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([korean.email], f"Alpha Systems에서 {time} 미팅에 초대했습니다")
    ]
    assert "미팅 페이지에서 확인, 취소하거나 다른 시간을 제안하세요." in mail.outbox[0].body

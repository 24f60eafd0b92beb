"""Meetings by appointment: a booth's staff publish times they are free, a visitor books one from
the booth page (or staff invite a visitor who shared contact details), both confirm, either
cancels or proposes another time, and at the time both join the same media_rtc meeting room.

No double booking: booking locks the slot's row (select_for_update) and the database refuses a
second open meeting in one slot (Appointment's `one_open_appointment_per_slot`). Publishing locks
the booth's (or the staff member's) row, so two overlapping publications cannot both pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from events.errors import NotAllowed, RakwonError
from events.models import Attendee, Event, User

from ..models import Appointment, AppointmentStatus, Booth, ExhibitorStaff, Lead, MeetingSlot, VisitorMeeting
from ..models.appointments import (
    BUFFER_MAX_MINUTES,
    LENGTH_CHOICES_MINUTES,
    NOTE_MAX_LENGTH,
    OPEN_STATUSES,
    SLOTS_PER_PUBLISH_MAX,
    AskedBy,
)
from . import appointment_mail
from .appointment_mail import visitor_label

#: Reminders go out this long before a confirmed meeting starts (remind_due_meetings runs each minute).
REMINDER_LEAD = dt.timedelta(minutes=15)
# Embedded mode (no Redis): the live socket is in the web process's memory, so that process reminds
# first, from its tick, every REMINDER_CHORE_SECONDS while anyone is connected; a Celery worker
# leaves each reminder to it this long (its push would reach nobody), then mails what is left.
REMINDER_CHORE_SECONDS = 30
WORKER_REMINDER_GRACE = dt.timedelta(minutes=2)
NO_GRACE = dt.timedelta(0)
#: "Join" opens this long before the start, and stays open until the end.
JOIN_EARLY = dt.timedelta(minutes=5)

VISITOR, STAFF = AskedBy.VISITOR, AskedBy.STAFF


class AppointmentError(RakwonError):
    code = "appointment.error"


@dataclass(frozen=True)
class MeetingRoom:
    """What media_rtc needs to open the meeting: its token, its booth (None for a meeting between
    two visitors) and who is in it."""

    token: str
    booth_id: int | None
    event_id: int
    members: tuple[int, ...]


# --- Who is who in a meeting ------------------------------------------------------------------


def is_booth_staff(user: User | None, booth: Booth) -> bool:
    return bool(user and user.is_authenticated) and booth.exhibitor.staff.filter(user=user).exists()


def side_of(appointment: Appointment, user: User | None) -> str:
    """VISITOR or STAFF; anyone else is refused (views answer 404: the meeting is not theirs)."""
    if user is not None and user.is_authenticated:
        if appointment.attendee.user_id == user.pk:
            return VISITOR
        if is_booth_staff(user, appointment.booth):
            return STAFF
    raise NotAllowed(_("This meeting is not yours."))


def _require_staff(booth: Booth, by: User) -> ExhibitorStaff:
    member = ExhibitorStaff.objects.filter(exhibitor=booth.exhibitor_id, user=by).first() if by else None
    if member is None:
        raise NotAllowed(_("Only the booth's own staff can do this."))
    return member


def _require_open_event(booth: Booth) -> None:
    if booth.event.is_closed:
        raise AppointmentError(
            _("This event is closed: no more meetings can be arranged."), code="appointment.closed"
        )


# --- Publishing times ---------------------------------------------------------------------------


def _slot_times(
    event: Event, day: dt.date, start: dt.time, end: dt.time, length: int, buffer: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    first = dt.datetime.combine(day, start, tzinfo=event.tz)
    last = dt.datetime.combine(day, end, tzinfo=event.tz)
    if last <= first:
        raise AppointmentError(
            _("The end must be after the start. Check both times."), code="appointment.bad_times"
        )
    times = []
    begins = first
    while begins + dt.timedelta(minutes=length) <= last:
        times.append((begins, begins + dt.timedelta(minutes=length)))
        begins += dt.timedelta(minutes=length + buffer)
    if not times:
        raise AppointmentError(
            _(
                "No meeting of %(minutes)s minutes fits between these times. "
                "Choose a longer span or shorter meetings."
            )
            % {"minutes": length},
            code="appointment.bad_times",
        )
    if len(times) > SLOTS_PER_PUBLISH_MAX:
        raise AppointmentError(
            _("That makes more than %(count)s meeting times at once. Publish a shorter span.")
            % {"count": SLOTS_PER_PUBLISH_MAX},
            code="appointment.too_many",
        )
    return times


def _overlapping(slots: QuerySet[MeetingSlot], starts: dt.datetime, ends: dt.datetime, buffer: int) -> bool:
    """Any of `slots` within [starts, ends + buffer), its own buffer included."""
    for other in slots.filter(starts_at__lt=ends + dt.timedelta(minutes=buffer), withdrawn_at__isnull=True):
        if other.ends_at + dt.timedelta(minutes=other.buffer_minutes) > starts:
            return True
    return False


def publish_availability(
    booth: Booth,
    *,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    length_minutes: int,
    buffer_minutes: int = 0,
    staff: ExhibitorStaff | None = None,
    by: User,
) -> list[MeetingSlot]:
    """Meeting times on `day` from `start` to `end` (in the event's time zone), each
    `length_minutes` long with `buffer_minutes` free after it; for one staff member, or for the
    booth (whoever of its staff is there) when `staff` is None. All or nothing."""
    _require_staff(booth, by)
    _require_open_event(booth)
    if length_minutes not in LENGTH_CHOICES_MINUTES:
        raise AppointmentError(_("Choose one of the offered meeting lengths."), code="appointment.bad_length")
    if not 0 <= buffer_minutes <= BUFFER_MAX_MINUTES:
        raise AppointmentError(
            _("The break after each meeting must be between 0 and %(max)s minutes.")
            % {"max": BUFFER_MAX_MINUTES},
            code="appointment.bad_buffer",
        )
    if staff is not None and staff.exhibitor_id != booth.exhibitor_id:
        raise AppointmentError(_("Choose a member of this booth's staff."), code="appointment.bad_staff")
    times = _slot_times(booth.event, day, start, end, length_minutes, buffer_minutes)
    if times[0][0] <= timezone.now():
        raise AppointmentError(
            _("That time has already begun. Choose a time later than now."), code="appointment.past"
        )
    with transaction.atomic():
        if staff is None:  # the booth's own times: they may not overlap each other
            Booth.objects.select_for_update().filter(pk=booth.pk).first()
            existing = MeetingSlot.objects.filter(booth=booth, staff__isnull=True)
        else:  # one person's times, at any of the exhibitor's booths
            ExhibitorStaff.objects.select_for_update().filter(pk=staff.pk).first()
            existing = MeetingSlot.objects.filter(staff=staff)
        for starts, ends in times:
            if _overlapping(existing, starts, ends, buffer_minutes):
                raise AppointmentError(
                    _(
                        "These times overlap meeting times already published (%(time)s). "
                        "Choose other times or withdraw the old ones."
                    )
                    % {"time": timezone.localtime(starts, booth.event.tz).strftime("%H:%M")},
                    code="appointment.overlap",
                )
        return [
            MeetingSlot.objects.create(
                booth=booth, staff=staff, starts_at=starts, ends_at=ends, buffer_minutes=buffer_minutes
            )
            for starts, ends in times
        ]


def withdraw_slot(slot: MeetingSlot, *, by: User) -> None:
    """Staff take a free time back; a booked one must be cancelled first (the visitor is told)."""
    _require_staff(slot.booth, by)
    with transaction.atomic():
        slot = MeetingSlot.objects.select_for_update().get(pk=slot.pk)
        if Appointment.objects.filter(slot=slot, status__in=OPEN_STATUSES).exists():
            raise AppointmentError(
                _("A visitor has booked this time. Cancel the meeting first; they will be told."),
                code="appointment.taken",
            )
        slot.withdrawn_at = timezone.now()
        slot.save(update_fields=["withdrawn_at"])


def free_slots(booth: Booth, *, now: dt.datetime | None = None) -> list[MeetingSlot]:
    """The booth's times a visitor can still book, soonest first."""
    now = now or timezone.now()
    return list(
        MeetingSlot.objects.filter(booth=booth, withdrawn_at__isnull=True, starts_at__gt=now)
        .exclude(appointments__status__in=OPEN_STATUSES)
        .select_related("staff__user")
        .order_by("starts_at", "id")
    )


# --- Booking, inviting, confirming, cancelling, moving ----------------------------------------


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise AppointmentError(
            _("The note is too long: at most %(max)s characters. Shorten it and send again.")
            % {"max": NOTE_MAX_LENGTH},
            code="appointment.note_too_long",
        )
    return note


def _take_slot(
    slot: MeetingSlot, booth: Booth, attendee: Attendee, *, keep: Appointment | None = None
) -> MeetingSlot:
    """The slot, locked, if it can be booked now; else the error saying why. Call in a transaction."""
    locked = MeetingSlot.objects.select_for_update().filter(pk=slot.pk, booth=booth).first()
    if locked is None or locked.withdrawn_at is not None:
        raise AppointmentError(
            _("This time is no longer offered. Choose another one."), code="appointment.unavailable"
        )
    if locked.starts_at <= timezone.now():
        raise AppointmentError(_("This time has already begun. Choose a later one."), code="appointment.past")
    taken = Appointment.objects.filter(slot=locked, status__in=OPEN_STATUSES)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        raise AppointmentError(
            _("Someone else has just booked this time. Choose another one."), code="appointment.taken"
        )
    # The person too: bookings of two booths' times lock two different slots, and accepting a
    # visitor meeting locks the people (visitor_meetings), so only this lock keeps anyone from
    # holding two meetings at one time. Slot first, then person: no path locks them the other way.
    Attendee.objects.select_for_update().filter(pk=attendee.pk).first()
    busy = Appointment.objects.filter(
        attendee=attendee,
        status__in=OPEN_STATUSES,
        starts_at__lt=locked.ends_at,
        ends_at__gt=locked.starts_at,
    )
    if keep is not None:
        busy = busy.exclude(pk=keep.pk)
    with_visitors = VisitorMeeting.objects.filter(
        Q(asker=attendee) | Q(invitee=attendee),
        status=AppointmentStatus.CONFIRMED,
        starts_at__lt=locked.ends_at,
        ends_at__gt=locked.starts_at,
    )
    if busy.exists() or with_visitors.exists():
        raise AppointmentError(
            _("You already have a meeting at this time. Choose another time or cancel that meeting."),
            code="appointment.busy",
        )
    return locked


def _create(slot: MeetingSlot, attendee: Attendee, **fields) -> Appointment:
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: the constraint's refusal leaves the caller's transaction usable
            return Appointment.objects.create(
                booth=slot.booth,
                slot=slot,
                attendee=attendee,
                staff=slot.staff,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status=AppointmentStatus.ASKED,
                **fields,
            )
    except IntegrityError as clash:
        raise AppointmentError(
            _("Someone else has just booked this time. Choose another one."), code="appointment.taken"
        ) from clash


def book_slot(slot: MeetingSlot, attendee: Attendee, *, note: str = "", by: User) -> Appointment:
    """The visitor asks for `slot`; the booth's staff confirm (they hear of it by mail)."""
    if attendee.user_id != by.pk or not attendee.is_confirmed or attendee.event_id != slot.booth.event_id:
        raise NotAllowed(_("Only a confirmed attendee of this event can book a meeting."))
    note = _check_note(note)
    booth = slot.booth
    _require_open_event(booth)
    with transaction.atomic():
        locked = _take_slot(slot, booth, attendee)
        appointment = _create(locked, attendee, asked_by=VISITOR, note=note, visitor_agreed_at=timezone.now())
        transaction.on_commit(lambda: appointment_mail.tell(appointment.pk, "asked", to=STAFF))
    return appointment


def invite_lead(lead: Lead, slot: MeetingSlot, *, note: str = "", by: User) -> Appointment:
    """Staff invite a visitor who shared contact details with them; the visitor confirms."""
    member = _require_staff(slot.booth, by)
    if lead.exhibitor_id != slot.booth.exhibitor_id:
        raise NotAllowed(_("Only the booth's own staff can do this."))
    note = _check_note(note)
    _require_open_event(slot.booth)
    with transaction.atomic():
        locked = _take_slot(slot, slot.booth, lead.attendee)
        appointment = _create(
            locked, lead.attendee, asked_by=STAFF, note=note, staff_agreed_at=timezone.now()
        )
        if appointment.staff is None:
            appointment.staff = member
            appointment.save(update_fields=["staff"])
        transaction.on_commit(lambda: appointment_mail.tell(appointment.pk, "invited", to=VISITOR))
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    # The meeting's own row only: locking the joined booth, event and attendee rows too would take
    # the person before the slot when a new time is proposed, the other way round from booking.
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("booth__event", "booth__exhibitor", "attendee")
        .get(pk=appointment.pk)
    )


def _require_open(appointment: Appointment) -> None:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentError(
            _("This meeting was cancelled. Book another time."), code="appointment.cancelled"
        )
    if appointment.ends_at <= timezone.now():
        raise AppointmentError(_("This meeting is over."), code="appointment.over")


def confirm_meeting(appointment: Appointment, *, by: User) -> Appointment:
    """`by` agrees to the meeting's time; once both sides have, it is confirmed."""
    side = side_of(appointment, by)
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_open(appointment)
        now = timezone.now()
        if side == VISITOR:
            appointment.visitor_agreed_at = appointment.visitor_agreed_at or now
        else:
            appointment.staff_agreed_at = appointment.staff_agreed_at or now
            if appointment.staff_id is None:
                appointment.staff = _require_staff(appointment.booth, by)
        was = appointment.status
        if appointment.visitor_agreed_at and appointment.staff_agreed_at:
            appointment.status = AppointmentStatus.CONFIRMED
        appointment.save(update_fields=["visitor_agreed_at", "staff_agreed_at", "staff", "status"])
        if was != appointment.status:
            other = STAFF if side == VISITOR else VISITOR
            transaction.on_commit(lambda: appointment_mail.tell(appointment.pk, "confirmed", to=other))
    return appointment


def cancel_meeting(appointment: Appointment, *, by: User) -> Appointment:
    """Either side calls the meeting off; the time is free again and the other side is told."""
    side = side_of(appointment, by)
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_open(appointment)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at"])
        other = STAFF if side == VISITOR else VISITOR
        transaction.on_commit(lambda: appointment_mail.tell(appointment.pk, "cancelled", to=other))
    return appointment


def propose_time(appointment: Appointment, slot: MeetingSlot, *, by: User) -> Appointment:
    """`by` moves the meeting to another free time of the same booth; the other side must
    confirm the new time (their earlier yes was for the old one)."""
    side = side_of(appointment, by)
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_open(appointment)
        locked = _take_slot(slot, appointment.booth, appointment.attendee, keep=appointment)
        now = timezone.now()
        appointment.slot = locked
        appointment.starts_at, appointment.ends_at = locked.starts_at, locked.ends_at
        appointment.status = AppointmentStatus.ASKED
        appointment.visitor_agreed_at = now if side == VISITOR else None
        appointment.staff_agreed_at = now if side == STAFF else None
        appointment.reminded_at = None
        if locked.staff_id:
            appointment.staff_id = locked.staff_id
        appointment.save()
        other = STAFF if side == VISITOR else VISITOR
        transaction.on_commit(lambda: appointment_mail.tell(appointment.pk, "moved", to=other))
    return appointment


# --- At the time ------------------------------------------------------------------------------


def may_join_now(appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return appointment.is_confirmed and appointment.starts_at - JOIN_EARLY <= now < appointment.ends_at


def join_meeting(appointment: Appointment, *, by: User, now: dt.datetime | None = None) -> MeetingRoom:
    """`by` comes to the meeting: the room media_rtc opens for its two sides. Counted as held
    once both came."""
    side = side_of(appointment, by)
    now = now or timezone.now()
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise AppointmentError(
            _("This meeting is not confirmed. Both of you must confirm it first."),
            code="appointment.not_confirmed",
        )
    if now < appointment.starts_at - JOIN_EARLY:
        raise AppointmentError(
            _("The meeting opens %(minutes)s minutes before it starts. Come back then.")
            % {"minutes": int(JOIN_EARLY.total_seconds() // 60)},
            code="appointment.not_yet",
        )
    if now >= appointment.ends_at:
        raise AppointmentError(_("This meeting is over."), code="appointment.over")
    field = "visitor_joined_at" if side == VISITOR else "staff_joined_at"
    Appointment.objects.filter(pk=appointment.pk, **{f"{field}__isnull": True}).update(**{field: now})
    members = [appointment.attendee.user_id]
    if appointment.staff_id:
        members.append(appointment.staff.user_id)
    if side == STAFF and by.pk not in members:
        members.append(by.pk)
    return MeetingRoom(
        token=appointment.room_token,
        booth_id=appointment.booth_id,
        event_id=appointment.booth.event_id,
        members=tuple(members),
    )


def remind_due_meetings(*, now: dt.datetime | None = None, grace: dt.timedelta = NO_GRACE) -> int:
    """Each minute: both sides of every confirmed meeting starting within REMINDER_LEAD are told
    once, by mail and on the live socket. Claiming `reminded_at` first makes a second run (or a
    second worker) skip it: nobody is reminded twice."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=AppointmentStatus.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_LEAD - grace,
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        if Appointment.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            appointment_mail.remind(pk)
            reminded += 1
    return reminded


# --- Reading ----------------------------------------------------------------------------------


def meetings_of_attendee(attendee: Attendee) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(attendee=attendee)
        .select_related("booth__exhibitor", "booth__hall", "staff__user")
        .order_by("starts_at", "id")
    )


def agenda_of(exhibitor_id: int, day: dt.date, tz) -> QuerySet[Appointment]:
    """The exhibitor's meetings on `day` (in the event's time zone), cancelled ones included."""
    begins = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return (
        Appointment.objects.filter(
            booth__exhibitor_id=exhibitor_id,
            starts_at__gte=begins,
            starts_at__lt=begins + dt.timedelta(days=1),
        )
        .select_related("booth__exhibitor", "booth__event", "attendee", "staff__user")
        .order_by("starts_at", "id")
    )


def slots_of(exhibitor_id: int, *, now: dt.datetime | None = None) -> QuerySet[MeetingSlot]:
    """The exhibitor's published times still to come."""
    return (
        MeetingSlot.objects.filter(
            booth__exhibitor_id=exhibitor_id, withdrawn_at__isnull=True, ends_at__gt=now or timezone.now()
        )
        .select_related("booth", "staff__user")
        .annotate(open_meetings=Count("appointments", filter=Q(appointments__status__in=OPEN_STATUSES)))
        .order_by("starts_at", "id")
    )


def meeting_counts_by_exhibitor(event: Event) -> dict[int, dict[str, int]]:
    """Per exhibitor id: meetings booked (confirmed by both sides) and held (both sides came).
    Counts only, never who; exhibitors without a meeting are left out."""
    rows = (
        Appointment.objects.filter(booth__event=event, status=AppointmentStatus.CONFIRMED)
        .values("booth__exhibitor_id")
        .annotate(
            booked=Count("pk"),
            held=Count("pk", filter=Q(visitor_joined_at__isnull=False, staff_joined_at__isnull=False)),
        )
    )
    return {row["booth__exhibitor_id"]: {"booked": row["booked"], "held": row["held"]} for row in rows}


def labelled(appointments: Iterable[Appointment]) -> list[Appointment]:
    """Each with `.visitor_name` set for staff pages."""
    found = list(appointments)
    for each in found:
        each.visitor_name = visitor_label(each)
    return found

"""Meetings between two visitors, by consent: a visitor asks another for a time, the other
accepts, declines or proposes another time, either cancels, and at the time both join the same
media_rtc meeting room (one without a booth).

Only attendees who are confirmed, visible to others and open to meetings can ask or be asked;
anyone else is answered as if they did not exist (NoSuchPerson), so a hidden attendee is never
revealed. Nobody has two overlapping confirmed meetings: accepting locks both attendees' rows
(select_for_update, in id order) before looking for a clash.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from events.errors import NotAllowed
from events.models import Attendee, Event, User
from events.models.registration import AttendeeStatus

from ..models import Appointment, VisitorMeeting
from ..models.appointments import AppointmentStatus
from ..models.visitor_meetings import VISITOR_MEETING_LENGTHS
from . import appointment_mail
from .appointments import JOIN_EARLY, NO_GRACE, REMINDER_LEAD, AppointmentError, MeetingRoom, _check_note

ASKER, INVITEE = "asker", "invitee"
#: A meeting is asked for at most this far ahead (a typo in the year is refused, not booked).
FURTHEST_AHEAD = dt.timedelta(days=366)


class NoSuchPerson(AppointmentError):
    """The person is unknown, hidden or not open to meetings: all answered alike."""

    code = "visitor_meeting.no_such_person"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This person cannot be asked for a meeting. "
                "Choose someone from the list of people open to meetings."
            )
        )


# --- Who can be asked -------------------------------------------------------------------------


def open_people(event: Event) -> QuerySet[Attendee]:
    """Attendees who may ask and be asked: confirmed, visible to others, open to meetings, named."""
    return (
        Attendee.objects.filter(
            event=event,
            status=AttendeeStatus.CONFIRMED,
            visible_to_others=True,
            open_to_meetings=True,
            user__isnull=False,
        )
        .exclude(display_name="")
        .order_by("display_name", "id")
    )


def is_open_to_meetings(attendee: Attendee | None) -> bool:
    return attendee is not None and open_people(attendee.event).filter(pk=attendee.pk).exists()


def people_open_to_meetings(event: Event, *, by: User) -> QuerySet[Attendee]:
    """Whom `by` may ask: the others open to meetings, if `by` is open to them too."""
    me = _require_open_attendee(event, by)
    return open_people(event).exclude(pk=me.pk)


def _require_open_attendee(event: Event, by: User) -> Attendee:
    me = Attendee.objects.filter(event=event, user=by).first() if by and by.is_authenticated else None
    if not is_open_to_meetings(me):
        raise NotAllowed(
            _(
                "Only visitors who show their name and are open to meetings can ask others. "
                "Turn both on in “My data”."
            )
        )
    return me


def _require_open_event(event: Event) -> None:
    if event.is_closed:
        raise AppointmentError(
            _("This event is closed: no more meetings can be arranged."), code="appointment.closed"
        )


def side_in(meeting: VisitorMeeting, user: User | None) -> str:
    """ASKER or INVITEE; anyone else is refused (views answer 404: the meeting is not theirs)."""
    if user is not None and user.is_authenticated:
        if meeting.asker.user_id == user.pk:
            return ASKER
        if meeting.invitee.user_id == user.pk:
            return INVITEE
    raise NotAllowed(_("This meeting is not yours."))


def other_of(meeting: VisitorMeeting, side: str) -> Attendee:
    return meeting.invitee if side == ASKER else meeting.asker


def shown_name(attendee: Attendee) -> str:
    """The other person's public name (as chat and presence show it), else "Visitor"."""
    return attendee.public_name or _("Visitor")


# --- Times --------------------------------------------------------------------------------------


def _times(
    event: Event, starts_at: dt.datetime | None, length_minutes: int
) -> tuple[dt.datetime, dt.datetime]:
    if length_minutes not in VISITOR_MEETING_LENGTHS:
        raise AppointmentError(_("Choose one of the offered meeting lengths."), code="appointment.bad_length")
    if starts_at is None:
        raise AppointmentError(_("Choose a day and a time for the meeting."), code="appointment.bad_times")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, event.tz)
    now = timezone.now()
    if starts_at <= now:
        raise AppointmentError(
            _("That time has already begun. Choose a time later than now."), code="appointment.past"
        )
    if starts_at > now + FURTHEST_AHEAD:
        raise AppointmentError(
            _("That time is more than a year away. Check the date."), code="appointment.bad_times"
        )
    return starts_at, starts_at + dt.timedelta(minutes=length_minutes)


def _busy(attendee: Attendee, starts: dt.datetime, ends: dt.datetime, *, keep: VisitorMeeting | None) -> bool:
    """A confirmed meeting of `attendee` (with a visitor or an exhibitor) within [starts, ends)."""
    visitors = VisitorMeeting.objects.filter(
        Q(asker=attendee) | Q(invitee=attendee),
        status=AppointmentStatus.CONFIRMED,
        starts_at__lt=ends,
        ends_at__gt=starts,
    )
    if keep is not None:
        visitors = visitors.exclude(pk=keep.pk)
    exhibitors = Appointment.objects.filter(
        attendee=attendee, status=AppointmentStatus.CONFIRMED, starts_at__lt=ends, ends_at__gt=starts
    )
    return visitors.exists() or exhibitors.exists()


def _refuse_clash(meeting: VisitorMeeting, starts: dt.datetime, ends: dt.datetime, *, me: Attendee) -> None:
    """Locks both people's rows (in id order, so two accepts cannot deadlock), then looks."""
    list(
        Attendee.objects.select_for_update()
        .filter(pk__in=[meeting.asker_id, meeting.invitee_id])
        .order_by("pk")
    )
    if _busy(me, starts, ends, keep=meeting):
        raise AppointmentError(
            _("You already have a meeting at this time. Choose another time or cancel that meeting."),
            code="appointment.busy",
        )
    other = meeting.invitee if me.pk == meeting.asker_id else meeting.asker
    if _busy(other, starts, ends, keep=meeting):
        raise AppointmentError(
            _("The other person already has a meeting at this time. Propose another time."),
            code="appointment.other_busy",
        )


# --- Asking, answering, cancelling --------------------------------------------------------------


def ask_for_meeting(
    event: Event,
    invitee_id: object,
    *,
    starts_at: dt.datetime | None,
    length_minutes: int,
    note: str = "",
    by: User,
) -> VisitorMeeting:
    """`by` asks the attendee `invitee_id` for a meeting; they hear of it by mail."""
    me = _require_open_attendee(event, by)
    _require_open_event(event)
    if isinstance(invitee_id, bool) or not isinstance(invitee_id, int):
        raise NoSuchPerson()
    invitee = open_people(event).exclude(pk=me.pk).filter(pk=invitee_id).first()
    if invitee is None:
        raise NoSuchPerson()
    note = _check_note(note)
    starts, ends = _times(event, starts_at, length_minutes)
    if _busy(me, starts, ends, keep=None):
        raise AppointmentError(
            _("You already have a meeting at this time. Choose another time or cancel that meeting."),
            code="appointment.busy",
        )
    with transaction.atomic():
        meeting = VisitorMeeting.objects.create(
            event=event,
            asker=me,
            invitee=invitee,
            starts_at=starts,
            ends_at=ends,
            status=AppointmentStatus.ASKED,
            note=note,
            asker_agreed_at=timezone.now(),
        )
        transaction.on_commit(lambda: appointment_mail.tell_visitor(meeting.pk, "asked", to=INVITEE))
    return meeting


def _locked(meeting: VisitorMeeting) -> VisitorMeeting:
    """The meeting's row alone (of=self): the people's rows are locked, in order, by _refuse_clash."""
    return (
        VisitorMeeting.objects.select_for_update(of=("self",))
        .select_related("event", "asker", "invitee")
        .get(pk=meeting.pk)
    )


def _require_open(meeting: VisitorMeeting) -> None:
    if meeting.status == AppointmentStatus.CANCELLED:
        raise AppointmentError(
            _("This meeting was cancelled. Ask for another time."), code="appointment.cancelled"
        )
    if meeting.ends_at <= timezone.now():
        raise AppointmentError(_("This meeting is over."), code="appointment.over")


def waits_for(meeting: VisitorMeeting, side: str) -> bool:
    """Whether `side` still has to agree to the meeting's (current) time."""
    agreed = meeting.asker_agreed_at if side == ASKER else meeting.invitee_agreed_at
    return meeting.is_open and agreed is None


def accept_meeting(meeting: VisitorMeeting, *, by: User) -> VisitorMeeting:
    """`by` agrees to the proposed time; the meeting is confirmed unless either is busy then."""
    side = side_in(meeting, by)
    _require_open_event(meeting.event)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        if not waits_for(meeting, side):
            return meeting
        me = meeting.asker if side == ASKER else meeting.invitee
        _refuse_clash(meeting, meeting.starts_at, meeting.ends_at, me=me)
        setattr(meeting, f"{side}_agreed_at", timezone.now())
        meeting.status = AppointmentStatus.CONFIRMED
        meeting.save(update_fields=["asker_agreed_at", "invitee_agreed_at", "status"])
        other = INVITEE if side == ASKER else ASKER
        transaction.on_commit(lambda: appointment_mail.tell_visitor(meeting.pk, "confirmed", to=other))
    return meeting


def _call_off(meeting: VisitorMeeting, *, by: User, declined: bool) -> VisitorMeeting:
    side = side_in(meeting, by)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        meeting.status = AppointmentStatus.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.declined = declined
        meeting.save(update_fields=["status", "cancelled_at", "declined"])
        other = INVITEE if side == ASKER else ASKER
        kind = "declined" if declined else "cancelled"
        transaction.on_commit(lambda: appointment_mail.tell_visitor(meeting.pk, kind, to=other))
    return meeting


def decline_meeting(meeting: VisitorMeeting, *, by: User) -> VisitorMeeting:
    """`by` says no to a time they were asked for; the other is told."""
    side = side_in(meeting, by)
    if not waits_for(meeting, side):
        raise AppointmentError(
            _("You asked for this time yourself: cancel the meeting instead."), code="appointment.not_asked"
        )
    return _call_off(meeting, by=by, declined=True)


def cancel_meeting(meeting: VisitorMeeting, *, by: User) -> VisitorMeeting:
    """Either person calls the meeting off; the other is told."""
    return _call_off(meeting, by=by, declined=False)


def propose_time(
    meeting: VisitorMeeting, *, starts_at: dt.datetime | None, length_minutes: int, by: User
) -> VisitorMeeting:
    """`by` proposes another time; the other must agree to it (their yes was for the old one)."""
    side = side_in(meeting, by)
    _require_open_event(meeting.event)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open(meeting)
        starts, ends = _times(meeting.event, starts_at, length_minutes)
        me = meeting.asker if side == ASKER else meeting.invitee
        if _busy(me, starts, ends, keep=meeting):
            raise AppointmentError(
                _("You already have a meeting at this time. Choose another time or cancel that meeting."),
                code="appointment.busy",
            )
        now = timezone.now()
        meeting.starts_at, meeting.ends_at = starts, ends
        meeting.status = AppointmentStatus.ASKED
        meeting.asker_agreed_at = now if side == ASKER else None
        meeting.invitee_agreed_at = now if side == INVITEE else None
        meeting.reminded_at = None
        meeting.save()
        other = INVITEE if side == ASKER else ASKER
        transaction.on_commit(lambda: appointment_mail.tell_visitor(meeting.pk, "moved", to=other))
    return meeting


# --- At the time ------------------------------------------------------------------------------


def may_join_now(meeting: VisitorMeeting, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.is_confirmed and meeting.starts_at - JOIN_EARLY <= now < meeting.ends_at


def join_meeting(meeting: VisitorMeeting, *, by: User, now: dt.datetime | None = None) -> MeetingRoom:
    """`by` comes to the meeting: the booth-less room media_rtc opens for the two of them."""
    side = side_in(meeting, by)
    now = now or timezone.now()
    if meeting.status != AppointmentStatus.CONFIRMED:
        raise AppointmentError(
            _("This meeting is not confirmed. Both of you must agree to it first."),
            code="appointment.not_confirmed",
        )
    if now < meeting.starts_at - JOIN_EARLY:
        raise AppointmentError(
            _("The meeting opens %(minutes)s minutes before it starts. Come back then.")
            % {"minutes": int(JOIN_EARLY.total_seconds() // 60)},
            code="appointment.not_yet",
        )
    if now >= meeting.ends_at:
        raise AppointmentError(_("This meeting is over."), code="appointment.over")
    field = f"{side}_joined_at"
    VisitorMeeting.objects.filter(pk=meeting.pk, **{f"{field}__isnull": True}).update(**{field: now})
    return MeetingRoom(
        token=meeting.room_token,
        booth_id=None,
        event_id=meeting.event_id,
        members=(meeting.asker.user_id, meeting.invitee.user_id),
    )


def remind_due_meetings(*, now: dt.datetime | None = None, grace: dt.timedelta = NO_GRACE) -> int:
    """Both people of each confirmed meeting starting within REMINDER_LEAD, told once."""
    now = now or timezone.now()
    due = VisitorMeeting.objects.filter(
        status=AppointmentStatus.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_LEAD - grace,
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        if VisitorMeeting.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            appointment_mail.remind_visitors(pk)
            reminded += 1
    return reminded


# --- Reading ----------------------------------------------------------------------------------


def visitor_meetings_of(attendee: Attendee) -> QuerySet[VisitorMeeting]:
    return (
        VisitorMeeting.objects.filter(Q(asker=attendee) | Q(invitee=attendee))
        .select_related("event", "asker", "invitee")
        .order_by("starts_at", "id")
    )


def visitor_meeting_counts(event: Event) -> dict[str, int]:
    """Counts only, never who: confirmed meetings between visitors, and those both came to."""
    return VisitorMeeting.objects.filter(event=event, status=AppointmentStatus.CONFIRMED).aggregate(
        booked=Count("pk"),
        held=Count("pk", filter=Q(asker_joined_at__isnull=False, invitee_joined_at__isnull=False)),
    )

"""Institution members' way back to their seat. A member has no e-mail and no password: their
access lives in one browser's session. At joining each gets a personal recovery code (shown
once, only its HMAC stored); typing it on another device signs them in to the same seat. The
organiser frees a lost member's seat: their sessions end and they may join again.

Wrong recovery codes count toward the same lock-outs as access codes: per sender (an IPv6 /64
is one sender) and per code prefix, never per event or institution.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ..enums import PLACE_HOLDING_STATUSES, AttemptScope, AttendeeKind, AttendeeStatus, AuditAction
from ..errors import NotAllowed, RakwonError
from ..live.groups import close_user
from ..models import Attendee, Event, Institution, User
from .attempts import attempt_key, check_limit, count_attempt, digest, limit
from .audit import record_audit
from .institutions import ACCESS_CODE_PREFIX_LENGTH, sender_network
from .questions import require_change
from .shredding_traces import sign_out_everywhere
from .signin import format_code, new_code, normalise_code, signs_in_with_password

# 32**12 = 2**60 codes: out of reach of guessing under the lock-outs, and typeable from paper.
RECOVERY_CODE_LENGTH = 12


class SeatError(RakwonError):
    code = "seat.error"


def recovery_code_hash(event: Event, code: str) -> str:
    """What is stored of a recovery code: a keyed hash of the event and the normalised code."""
    return digest("recovery-code", f"{event.pk}:{normalise_code(code)}")


def give_recovery_code(member: Attendee) -> str:
    """A new recovery code for the member (the old one stops working). Returns it formatted
    XXXX-XXXX-XXXX; it is not kept anywhere in clear. Callers hold the transaction."""
    code = new_code(RECOVERY_CODE_LENGTH)
    member.recovery_code_hash = recovery_code_hash(member.event, code)
    member.recovery_code_made_at = timezone.now()
    member.save(update_fields=["recovery_code_hash", "recovery_code_made_at"])
    return format_code(code)


def _require_member(attendee: Attendee) -> None:
    if attendee.kind != AttendeeKind.INSTITUTION_MEMBER:
        raise SeatError(
            _("Only members who joined with an institution's code have a seat and a recovery code."),
            code="seat.not_a_member",
        )


@transaction.atomic
def renew_recovery_code(member: Attendee, *, by: User) -> str:
    """The member makes a new recovery code from "My data"; the old one stops working."""
    if member.user_id is None or member.user_id != by.pk:
        raise NotAllowed(_("Only the member themselves can make a new recovery code."))
    _require_member(member)
    member = Attendee.objects.select_for_update().select_related("event").get(pk=member.pk)
    if member.status not in PLACE_HOLDING_STATUSES:
        raise SeatError(
            _("Your seat was freed; join again with your institution's code."), code="seat.already_free"
        )
    return give_recovery_code(member)


def recover_seat(event: Event, *, code: str, ip: str = "") -> Attendee:
    """The member whose recovery code this is, to sign in again on this device: the same
    attendee and seat. Raises ValidationError (wrong code) or RateLimited (too many)."""
    typed = normalise_code(code)
    if not typed:
        raise ValidationError(
            {"code": _("Type the recovery code you were given when you joined, for example ABCD-EFGH-JKLM.")}
        )
    window = limit("ACCESS_CODE_WINDOW_MINUTES")
    ip_key = attempt_key("recovery", sender_network(ip))
    prefix_key = attempt_key("recovery", event.pk, typed[:ACCESS_CODE_PREFIX_LENGTH])
    locked = _("Too many wrong codes were tried.")
    check_limit(
        AttemptScope.ACCESS_CODE_IP,
        ip_key,
        allowed=limit("ACCESS_CODE_FAILURES_PER_IP"),
        window_minutes=window,
        message=locked,
    )
    check_limit(
        AttemptScope.ACCESS_CODE_PREFIX,
        prefix_key,
        allowed=limit("ACCESS_CODE_FAILURES_PER_PREFIX"),
        window_minutes=window,
        message=locked,
    )
    wanted = recovery_code_hash(event, typed)
    member = (
        Attendee.objects.select_related("user", "institution", "event")
        .filter(
            event=event,
            kind=AttendeeKind.INSTITUTION_MEMBER,
            status__in=PLACE_HOLDING_STATUSES,
            recovery_code_hash=wanted,
            user__isnull=False,
            user__is_active=True,
        )
        .first()
    )
    if (
        member is None
        or not constant_time_compare(member.recovery_code_hash, wanted)
        or signs_in_with_password(member.user)
    ):
        count_attempt(AttemptScope.ACCESS_CODE_IP, ip_key, window_minutes=window)
        count_attempt(AttemptScope.ACCESS_CODE_PREFIX, prefix_key, window_minutes=window)
        raise ValidationError(
            {
                "code": _(
                    "This recovery code is not valid for this event. Type it as printed "
                    "(XXXX-XXXX-XXXX), or ask your institution's contact person to free your seat "
                    "so you can join again."
                )
            }
        )
    return member


def seat_holders(institution: Institution) -> QuerySet[Attendee]:
    """The members holding one of the institution's seats, by display name."""
    return institution.members.filter(status__in=PLACE_HOLDING_STATUSES).order_by("display_name", "pk")


def _sign_out(event_id: int, user_id: int) -> None:
    sign_out_everywhere([user_id])
    async_to_sync(close_user)(event_id, user_id)


@transaction.atomic
def revoke_seat(member: Attendee, *, by: User) -> Attendee:
    """Free a lost member's seat: the registration is cancelled, its account closed, every
    browser signed in as it signed out and its live sockets closed; the recovery code stops
    working. The person may then join again with the institution's code (a new seat). Audited."""
    require_change(member.event, by)
    _require_member(member)
    member = (
        Attendee.objects.select_for_update(of=("self",)).select_related("event", "user").get(pk=member.pk)
    )
    if member.status not in PLACE_HOLDING_STATUSES:
        raise SeatError(
            _("This seat is already free; the person can join again with the institution's code."),
            code="seat.already_free",
        )
    now = timezone.now()
    member.status, member.decided_at, member.decided_by = AttendeeStatus.CANCELLED, now, by
    member.recovery_code_hash = ""
    member.save(update_fields=["status", "decided_at", "decided_by", "recovery_code_hash"])
    if member.user is not None:
        # Closed as well as signed out: a session kept only in a cache is refused at its next request.
        User.objects.filter(pk=member.user_id).update(is_active=False)
        event_id, user_id = member.event_id, member.user_id
        transaction.on_commit(lambda: _sign_out(event_id, user_id))
    record_audit(
        member.event,
        AuditAction.SEAT_REVOKED,
        by=by,
        subject=f"attendee:{member.pk}",
        details={"institution": member.institution_id},
    )
    return member

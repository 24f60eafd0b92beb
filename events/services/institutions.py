"""Institutions: the organiser issues each an access code and a number of seats; members join
with the code and a display name, each join taking a seat under a row lock.

Only an HMAC of each code is stored. The code itself exists once, in the response that made it:
the organiser prints that page or downloads its CSV then (see `verify_codes`), and regenerates
a code if it was lost. Revoking or regenerating a code does not remove members who joined.
"""

from __future__ import annotations

import ipaddress
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import PLACE_HOLDING_STATUSES, AttemptScope, AttendeeKind, AttendeeStatus, AuditAction
from ..errors import RakwonError
from ..models import AccessCode, Attendee, Event, Institution, User
from ..models.registration import PLACEHOLDER_EMAIL_DOMAIN
from ..single_line import MESSAGE as SINGLE_LINE_MESSAGE
from ..single_line import is_single_line
from . import webhooks
from .attempts import attempt_key, check_limit, count_attempt, digest, limit
from .audit import record_audit
from .questions import require_change
from .signin import new_code, normalise_code

ACCESS_CODE_LENGTH = 10
# Wrong codes are limited per prefix this long: 32**4 buckets, so nobody can fill them all.
ACCESS_CODE_PREFIX_LENGTH = 4
DISPLAY_NAME_MAX_LENGTH = 120


class JoinError(RakwonError):
    code = "join.error"


def sender_network(ip: str) -> str:
    """Who sent an attempt: the IPv4 address, or the /64 of an IPv6 one (a single home or phone
    is given a whole /64, so counting its addresses one by one would let one person act as many)."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ip or ""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def seats_taken(institution: Institution) -> int:
    return institution.members.filter(status__in=PLACE_HOLDING_STATUSES).count()


def access_code_hash(code: str) -> str:
    """What is stored of an access code: a keyed hash of its normalised form, never the code."""
    return digest("access-code", normalise_code(code))


def _issue_code(institution: Institution, *, by: User | None) -> str:
    institution.access_codes.filter(active=True).update(active=False, revoked_at=timezone.now())
    code = new_code(ACCESS_CODE_LENGTH)
    AccessCode.objects.create(
        institution=institution,
        code_hash=access_code_hash(code),
        code_hint=code[-2:],
        created_by=by,
    )
    return code


def _check_fields(event: Event, name: str, seats: int, *, institution: Institution | None) -> str:
    errors = {}
    if not is_single_line(name or ""):
        errors["name"] = SINGLE_LINE_MESSAGE
    name = " ".join((name or "").split())
    if "name" in errors:
        pass
    elif not name:
        errors["name"] = _("Give the institution a name.")
    elif len(name) > 160:
        errors["name"] = _("Keep the name under 160 characters.")
    elif event.institutions.filter(name__iexact=name).exclude(pk=getattr(institution, "pk", None)).exists():
        errors["name"] = _("There is already an institution called “%(name)s”.") % {"name": name}
    if seats is None or seats < 1:
        errors["seats"] = _("An institution needs at least one seat.")
    elif institution is not None and seats < seats_taken(institution):
        errors["seats"] = _(
            "%(n)s members have already joined; give at least that many seats, or cancel members first."
        ) % {"n": seats_taken(institution)}
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def create_institution(event: Event, *, name: str, seats: int, by: User) -> tuple[Institution, str]:
    """A new institution with its first access code. Returns it and the code (shown once)."""
    require_change(event, by)
    name = _check_fields(event, name, seats, institution=None)
    institution = Institution.objects.create(event=event, name=name, seats=seats)
    return institution, _issue_code(institution, by=by)


@transaction.atomic
def update_institution(institution: Institution, *, name: str, seats: int, by: User) -> Institution:
    require_change(institution.event, by)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    institution.name = _check_fields(institution.event, name, seats, institution=institution)
    institution.seats = seats
    institution.save(update_fields=["name", "seats"])
    return institution


@transaction.atomic
def regenerate_code(institution: Institution, *, by: User) -> str:
    """Replace the institution's code: the old one stops working at once."""
    require_change(institution.event, by)
    return _issue_code(institution, by=by)


@transaction.atomic
def regenerate_all_codes(event: Event, *, by: User) -> list[tuple[Institution, str]]:
    require_change(event, by)
    return [(institution, _issue_code(institution, by=by)) for institution in event.institutions.all()]


def revoke_code(institution: Institution, *, by: User) -> int:
    """Withdraw the institution's code without a replacement. Returns how many were active."""
    require_change(institution.event, by)
    return institution.access_codes.filter(active=True).update(active=False, revoked_at=timezone.now())


def verify_codes(event: Event, pairs: list[tuple[str, str]]) -> list[tuple[Institution, str]]:
    """The (institution id, code) pairs that are this event's active codes, for the CSV sheet."""
    found = []
    for institution_id, code in pairs:
        code = normalise_code(code)
        access = (
            AccessCode.objects.select_related("institution")
            .filter(code_hash=access_code_hash(code), active=True, institution__event=event)
            .first()
        )
        if access is not None and str(access.institution_id) == str(institution_id):
            found.append((access.institution, code))
    return found


def export_access_codes(
    event: Event, pairs: list[tuple[str, str]], *, by: User
) -> list[tuple[Institution, str]]:
    """The codes for the CSV download (only real, active ones: `verify_codes`), written to the
    event's audit log with how many came out. The log names no code, only the count."""
    require_change(event, by)
    found = verify_codes(event, pairs)
    record_audit(
        event,
        AuditAction.ACCESS_CODES_EXPORTED,
        by=by,
        subject="access_codes",
        rows=len(found),
        details={"kind": "access_codes_csv"},
    )
    return found


def _placeholder_user(display_name: str) -> User:
    """A user without e-mail or password: sessions, permissions and the socket work for members."""
    for _attempt in range(5):
        email = f"member-{secrets.token_hex(10)}@{PLACEHOLDER_EMAIL_DOMAIN}"
        try:
            with transaction.atomic():
                return User.objects.create_user(email, display_name=display_name)
        except IntegrityError:
            continue  # a clash of 80 random bits: practically never
    raise RuntimeError("could not create a unique placeholder address")


def join_institution(
    event: Event,
    *,
    code: str,
    display_name: str,
    visible_to_others: bool = False,
    language: str = "",
    ip: str = "",
) -> Attendee:
    """A member joins with the institution's code and takes a seat. Raises ValidationError,
    RateLimited or JoinError. The member returned carries `recovery_code`, their personal way
    back in (services.recovery), in clear this once.

    Wrong codes count toward a lock-out per sender (an IPv6 /64 is one sender) and per code prefix,
    never per event: one person cannot lock a whole institution out, and guessing from many
    addresses still hits the prefix's limit (a code's other characters keep the space vast)."""
    window = limit("ACCESS_CODE_WINDOW_MINUTES")
    ip_key = attempt_key(sender_network(ip))
    prefix_key = attempt_key(event.pk, normalise_code(code)[:ACCESS_CODE_PREFIX_LENGTH])
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
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ValidationError({"display_name": _("Enter the name others will know you by.")})
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            {"display_name": _("Keep your name under %(n)s characters.") % {"n": DISPLAY_NAME_MAX_LENGTH}}
        )
    if event.is_closed or not event.is_published:
        raise JoinError(_("This event is not taking new members."), code="join.closed")
    access = (
        AccessCode.objects.filter(code_hash=access_code_hash(code), institution__event=event)
        .select_related("institution")
        .first()
    )
    if access is None:
        count_attempt(AttemptScope.ACCESS_CODE_IP, ip_key, window_minutes=window)
        count_attempt(AttemptScope.ACCESS_CODE_PREFIX, prefix_key, window_minutes=window)
        raise ValidationError(
            {
                "code": _(
                    "This code is not valid for this event. Check it with your institution: "
                    "codes look like ABCDE-FGH23."
                )
            }
        )
    if not access.active:
        raise JoinError(
            _("This code has been withdrawn. Ask your institution for its new code."),
            code="join.revoked",
        )
    with transaction.atomic():
        # The lock serialises joins of one institution, so seats are never over-allocated.
        institution = Institution.objects.select_for_update().get(pk=access.institution_id)
        if seats_taken(institution) >= institution.seats:
            raise JoinError(
                _("All %(n)s seats of %(name)s are taken. Ask your institution's contact person for help.")
                % {"n": institution.seats, "name": institution.name},
                code="join.full",
            )
        member = Attendee.objects.create(
            event=event,
            user=_placeholder_user(display_name),
            kind=AttendeeKind.INSTITUTION_MEMBER,
            status=AttendeeStatus.CONFIRMED,
            institution=institution,
            display_name=display_name,
            language=language[:8],
            visible_to_others=bool(visible_to_others),
            confirmed_at=timezone.now(),
        )
        webhooks.registration_confirmed(member)
        from .recovery import give_recovery_code  # recovery builds on this module's limits

        # Not a field: the clear code lives only on this object, for the one page that shows it.
        member.recovery_code = give_recovery_code(member)
        return member

"""API tokens: made by an event's owners (or an exhibitor's staff, for its leads), shown once,
stored as a SHA-256 of a 256-bit secret, limited by scopes and an expiry, revocable.

A token speaks for the person who made it only while that person still may: an event token stops
working when its maker is no longer an owner, an exhibitor token when its maker leaves the staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..enums import TeamRole
from ..errors import ApiTokenError, NotAllowed
from ..models import ApiToken, Event, User

TOKEN_PREFIX = "rkw_"  # noqa: S105 (a marker that says whose token it is, not a secret)

# What a token may be allowed to do, and who may hand that out.
EVENT_SCOPES = {
    "event:read": _lazy("Read the event, its sessions, halls, exhibitors and booths"),
    "event:write": _lazy("Change the event and add sessions, halls and exhibitors"),
    "registrations:read": _lazy("Read registrations without personal data"),
    "registrations:personal": _lazy("Read registrations with names, addresses and answers (audited)"),
    "registrations:write": _lazy("Approve, reject or cancel registrations"),
}
EXHIBITOR_SCOPES = {
    "leads:read": _lazy("Read the exhibitor's leads, with the details visitors shared (audited)"),
}
ALL_SCOPES = {**EVENT_SCOPES, **EXHIBITOR_SCOPES}


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, to the person who made it, and never again


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_owner(event: Event, user: User | None) -> bool:
    return bool(user and user.is_authenticated) and event.team.filter(user=user, role=TeamRole.OWNER).exists()


def _is_staff(exhibitor_id: int, user: User | None) -> bool:
    # By the reverse relation's name: events never imports exhibits.
    return (
        bool(user and user.is_authenticated)
        and user.exhibitor_roles.filter(exhibitor_id=exhibitor_id).exists()
    )


def _check_scopes(scopes: list[str], offered: dict) -> list[str]:
    chosen = sorted(set(scopes))
    if not chosen:
        raise ApiTokenError(_("Tick at least one thing the token may do."), code="api_token.no_scope")
    unknown = [scope for scope in chosen if scope not in offered]
    if unknown:
        raise ApiTokenError(
            _("This kind of token cannot be given: %(scopes)s. Choose from the list.")
            % {"scopes": ", ".join(unknown)},
            code="api_token.bad_scope",
        )
    return chosen


def _check_days(days: int) -> int:
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApiTokenError(
            _("A token lasts from 1 to %(max)s days. Enter a number of days in that range.")
            % {"max": settings.API_TOKEN_MAX_DAYS},
            code="api_token.bad_expiry",
        )
    return days


def _make(
    event: Event, *, exhibitor_id: int | None, name: str, scopes: list[str], days: int, by: User
) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Give the token a name that says who uses it."), code="api_token.no_name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        event=event,
        exhibitor_id=exhibitor_id,
        name=name[:80],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_secret(secret),
        scopes=scopes,
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return NewToken(token, secret)


def create_event_token(event: Event, *, name: str, scopes: list[str], days: int, by: User) -> NewToken:
    """A token for the event's own systems; only an owner may make one, while the event is open."""
    if not _is_owner(event, by):
        raise NotAllowed(_("Only an owner of the event can make API tokens."))
    if event.is_closed:
        raise ApiTokenError(
            _("This event is closed. Reopen it to make tokens."), code="api_token.event_closed"
        )
    return _make(
        event,
        exhibitor_id=None,
        name=name,
        scopes=_check_scopes(scopes, EVENT_SCOPES),
        days=_check_days(days),
        by=by,
    )


def create_exhibitor_token(
    event: Event, exhibitor_id: int, *, name: str, scopes: list[str], days: int, by: User
) -> NewToken:
    """A token for the exhibitor's own systems (its leads); only its staff may make one."""
    if not _is_staff(exhibitor_id, by):
        raise NotAllowed(_("Only the exhibitor's staff can make tokens for its leads."))
    return _make(
        event,
        exhibitor_id=exhibitor_id,
        name=name,
        scopes=_check_scopes(scopes, EXHIBITOR_SCOPES),
        days=_check_days(days),
        by=by,
    )


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoking twice changes nothing; the token answers 401 from now on."""
    allowed = _is_staff(token.exhibitor_id, by) if token.exhibitor_id else _is_owner(token.event, by)
    if not allowed:
        raise NotAllowed(_("Only the people who may make this token can revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def event_tokens(event: Event) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(event=event, exhibitor_id__isnull=True).select_related("created_by")


def exhibitor_tokens(event: Event, exhibitor_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(event=event, exhibitor_id=exhibitor_id).select_related("created_by")


def find_token(secret: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The usable token of a presented secret, its last use noted; None for anything else."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("event", "created_by").filter(token_hash=hash_secret(secret)).first()
    )
    if token is None or not token.is_usable(now):
        return None
    maker = token.created_by
    still_allowed = (
        _is_staff(token.exhibitor_id, maker) if token.exhibitor_id else _is_owner(token.event, maker)
    )
    if not still_allowed:
        return None
    # At most one write a minute per token: a busy integration must not mean a write per call.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

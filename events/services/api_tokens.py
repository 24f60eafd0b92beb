"""API tokens: made by an event's owners (or by the people who manage a party another app
registers, events.registry.api_parties), shown once, stored as a SHA-256 of a 256-bit secret,
limited by scopes and an expiry, revocable.

A token speaks for the person who made it only while that person still may: an event token stops
working when its maker is no longer an owner, a party's token when its maker no longer manages it.
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
from ..registry import ApiParty, api_parties

TOKEN_PREFIX = "rkw_"  # noqa: S105 (a marker that says whose token it is, not a secret)

# What an event token may be allowed to do; a party's tokens get the scopes it registers.
EVENT_SCOPES = {
    "event:read": _lazy("Read the event, its sessions and its floor plan"),
    "event:write": _lazy("Change the event and add to its schedule and floor plan"),
    "registrations:read": _lazy("Read registrations without personal data"),
    "registrations:personal": _lazy("Read registrations with names, addresses and answers (audited)"),
    "registrations:write": _lazy("Approve, reject or cancel registrations"),
}


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, to the person who made it, and never again


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_owner(event: Event, user: User | None) -> bool:
    return bool(user and user.is_authenticated) and event.team.filter(user=user, role=TeamRole.OWNER).exists()


def party(owner_kind: str) -> ApiParty:
    """The registered party of a kind, or the error telling what to do about an unknown one."""
    found = api_parties.get(owner_kind)
    if found is None:
        raise ApiTokenError(
            _("Tokens cannot be made for “%(kind)s”. Open the API page of the party you manage.")
            % {"kind": owner_kind},
            code="api_token.unknown_party",
        )
    return found


def may_hold(event: Event, owner_kind: str, owner_id: int | None, user: User | None) -> bool:
    """Whether `user` may make, revoke and use the tokens of this owner (the event's, or a party's)."""
    if not user or not user.is_authenticated:
        return False
    if not owner_kind:
        return _is_owner(event, user)
    found = api_parties.get(owner_kind)
    return bool(found and owner_id and found.may_manage(user, event, owner_id))


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
    event: Event, *, owner_kind: str, owner_id: int | None, name: str, scopes: list[str], days: int, by: User
) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Give the token a name that says who uses it."), code="api_token.no_name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        event=event,
        owner_kind=owner_kind,
        owner_id=owner_id,
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
        owner_kind="",
        owner_id=None,
        name=name,
        scopes=_check_scopes(scopes, EVENT_SCOPES),
        days=_check_days(days),
        by=by,
    )


def create_party_token(
    event: Event, owner_kind: str, owner_id: int, *, name: str, scopes: list[str], days: int, by: User
) -> NewToken:
    """A token for a party's own systems, with its scopes; only the people who manage it may make one."""
    holder = party(owner_kind)
    if not may_hold(event, owner_kind, owner_id, by):
        raise NotAllowed(
            _("Only the people who manage this %(party)s can make its tokens.") % {"party": holder.label}
        )
    return _make(
        event,
        owner_kind=owner_kind,
        owner_id=owner_id,
        name=name,
        scopes=_check_scopes(scopes, holder.scopes),
        days=_check_days(days),
        by=by,
    )


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoking twice changes nothing; the token answers 401 from now on."""
    if not may_hold(token.event, token.owner_kind, token.owner_id, by):
        raise NotAllowed(_("Only the people who may make this token can revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def event_tokens(event: Event) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(event=event, owner_kind="").select_related("created_by")


def party_tokens(event: Event, owner_kind: str, owner_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(event=event, owner_kind=owner_kind, owner_id=owner_id).select_related(
        "created_by"
    )


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
    if not may_hold(token.event, token.owner_kind, token.owner_id, token.created_by):
        return None
    # At most one write a minute per token: a busy integration must not mean a write per call.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

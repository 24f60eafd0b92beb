"""Who is calling: a bearer token (events.services.api_tokens), its scopes, and its rate.

Each token has API_RATE_LIMIT calls per API_RATE_WINDOW_SECONDS; past that the answer is 429
with `Retry-After` (seconds until the window ends). An unknown, expired or revoked token is 401;
a token without the scope an endpoint needs is 403 naming the scope.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from ..enums import AuditAction
from ..models import ApiToken
from ..registry import api_parties
from ..services.api_tokens import find_token
from ..services.audit import record_audit


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def count_call(token: ApiToken, now: float | None = None) -> None:
    """Count a call in the token's current window; raise RateLimited past the limit."""
    now = time.time() if now is None else now
    window = settings.API_RATE_WINDOW_SECONDS
    started = math.floor(now / window) * window
    key = f"rakwon:api-rate:{token.pk}:{started}"
    cache.add(key, 0, timeout=window + 1)
    try:
        calls = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        calls = 1
    if calls > settings.API_RATE_LIMIT:
        raise RateLimited(max(1, math.ceil(started + window - now)))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        found = find_token(token)
        if found is not None:
            count_call(found)
        return found


def require(request, scope: str) -> ApiToken:
    """The calling token, if it has `scope`; else 403 saying which scope is missing."""
    token: ApiToken = request.auth
    if scope not in token.scopes:
        raise HttpError(
            403, _("This token may not do this: it needs the scope “%(scope)s”.") % {"scope": scope}
        )
    return token


def acting_user(token: ApiToken):
    """Writes are done as the person who made the token (the services check their rights)."""
    return token.created_by


def audit_personal_read(token: ApiToken, *, kind: str, subject: str, rows: int) -> None:
    """Reading personal data through the API is logged like an export: who (the token's maker,
    and which token), what, how many records."""
    record_audit(
        token.event,
        AuditAction.API_PERSONAL_READ,
        by=token.created_by,
        as_role=api_parties[token.owner_kind].audit_role if token.owner_kind else "",
        subject=subject,
        rows=rows,
        details={"kind": kind, "token": token.pk, "token_name": token.name},
    )

"""Rate limits and lock-outs that guard every way in (sign-in mail, sign-in codes, institution
access codes, password resets): attempts are counted by a keyed hash, never by address or IP."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..enums import AttemptScope
from ..errors import RakwonError
from ..models import CountedAttempt, Event


def limit(name: str) -> int:
    return int(getattr(settings, name))  # the named limits live in rakwon_site/settings.py


class RateLimited(RakwonError):
    """Too many attempts: `retry_after_minutes` says when to try again."""

    code = "signin.rate_limited"

    def __init__(self, message: str, *, retry_after_minutes: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_minutes = retry_after_minutes


def digest(purpose: str, value: str) -> str:
    """A keyed hash (SECRET_KEY): a stolen database alone does not allow guessing codes offline."""
    return salted_hmac(f"rakwon.{purpose}", value, algorithm="sha256").hexdigest()


# --- Rate limits ----------------------------------------------------------------------------


def attempt_key(*parts: object) -> str:
    return digest("attempt", "|".join(str(part) for part in parts))


def check_limit(scope: str, key: str, *, allowed: int, window_minutes: int, message: str) -> None:
    """Raise RateLimited if `allowed` attempts of `scope` by `key` happened within the window."""
    since = timezone.now() - timedelta(minutes=window_minutes)
    recent = list(
        CountedAttempt.objects.filter(scope=scope, key=key, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:allowed]
    )
    if len(recent) < allowed:
        return
    # The oldest of the last `allowed` attempts must leave the window before one more is allowed.
    free_at = recent[-1] + timedelta(minutes=window_minutes)
    minutes = max(1, math.ceil((free_at - timezone.now()).total_seconds() / 60))
    raise RateLimited(
        message
        + " "
        + ngettext("Try again in %(minutes)s minute.", "Try again in %(minutes)s minutes.", minutes)
        % {"minutes": minutes},
        retry_after_minutes=minutes,
    )


def count_attempt(scope: str, key: str, *, window_minutes: int) -> None:
    now = timezone.now()
    CountedAttempt.objects.filter(
        scope=scope, key=key, created_at__lt=now - timedelta(minutes=window_minutes)
    ).delete()
    CountedAttempt.objects.create(scope=scope, key=key, created_at=now)


def forget_old_attempts() -> int:
    """Delete attempts older than every window (a periodic task calls this)."""
    longest = max(
        limit("SIGNIN_MAIL_WINDOW_MINUTES"),
        limit("SIGNIN_CODE_WINDOW_MINUTES"),
        limit("ACCESS_CODE_WINDOW_MINUTES"),
    )
    deleted, _per_model = CountedAttempt.objects.filter(
        created_at__lt=timezone.now() - timedelta(minutes=longest)
    ).delete()
    return deleted


def check_mail_limits(event: Event, email: str, ip: str) -> None:
    """Refuse (RateLimited) before a sign-in mail if the address or the IP had too many."""
    window = limit("SIGNIN_MAIL_WINDOW_MINUTES")
    check_limit(
        AttemptScope.SIGNIN_MAIL_ADDRESS,
        attempt_key(event.pk, email),
        allowed=limit("SIGNIN_MAILS_PER_ADDRESS"),
        window_minutes=window,
        message=_(
            "We have already sent several sign-in mails to this address. Check your inbox and spam folder."
        ),
    )
    check_limit(
        AttemptScope.SIGNIN_MAIL_IP,
        attempt_key(ip),
        allowed=limit("SIGNIN_MAILS_PER_IP"),
        window_minutes=window,
        message=_("Too many sign-in mails were requested from your network."),
    )


def count_mail(event: Event, email: str, ip: str) -> None:
    window = limit("SIGNIN_MAIL_WINDOW_MINUTES")
    count_attempt(AttemptScope.SIGNIN_MAIL_ADDRESS, attempt_key(event.pk, email), window_minutes=window)
    count_attempt(AttemptScope.SIGNIN_MAIL_IP, attempt_key(ip), window_minutes=window)

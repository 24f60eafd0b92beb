"""Getting in without a password: sign-in links and codes, registration mail, and the rate limits
and lock-outs that guard every way in (sign-in mail, sign-in codes, institution access codes).

Accounts that have a password or any rights (team, exhibitor staff, staff, superuser) are never
signed in this way: their registrations wait until the owner logs in with the password.

A sign-in link is reusable until it expires (SIGNIN_LINK_VALID_DAYS): people open the mail on a
phone and again on a PC. Issuing a new link revokes the older ones, so "send me a new link" is
also how a leaked link is withdrawn. Tokens and codes are generated inside the mail task and only
their HMACs are stored, so no secret ever sits in the task queue or the database.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ..enums import MAILS_WITH_LINK, AttemptScope, AttendeeKind, AttendeeStatus, RegistrationMail
from ..errors import RakwonError
from ..models import Attendee, Event, SignInLink
from ..models.registration import is_placeholder_email
from ..queue import enqueue_after_commit
from ..registry import event_roles
from .attempts import attempt_key, check_limit, check_mail_limits, count_attempt, count_mail, digest, limit
from .mail import send_invitation_mail
from .registration import confirm_registration

# No 0/O, 1/I: codes are read off paper and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SIGNIN_CODE_LENGTH = 8


class SignInError(RakwonError):
    """A link or code that does not sign in; `event` is set when known (to offer a new link)."""

    code = "signin.invalid"

    def __init__(self, message: str, *, code: str | None = None, event: Event | None = None) -> None:
        super().__init__(message, code=code)
        self.event = event


# --- Secrets: random codes and their HMACs ------------------------------------------------------


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def normalise_code(text: str) -> str:
    """What a person typed, as a code: upper case, without spaces or hyphens."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:64]


def format_code(code: str) -> str:
    """Split into groups of four or five, easier to read aloud and type."""
    size = 5 if len(code) % 5 == 0 else 4
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


# --- Sign-in links ----------------------------------------------------------------------------


@transaction.atomic
def issue_signin_link(attendee: Attendee) -> tuple[SignInLink, str, str]:
    """A new link for the attendee, revoking older ones. Returns (link, token, code) in clear."""
    now = timezone.now()
    attendee.signin_links.filter(revoked_at__isnull=True).update(revoked_at=now)
    token, code = secrets.token_urlsafe(32), new_code(SIGNIN_CODE_LENGTH)
    link = SignInLink.objects.create(
        attendee=attendee,
        token_hash=digest("signin-token", token),
        code_hash=digest("signin-code", f"{attendee.pk}:{code}"),
        created_at=now,
        expires_at=now + timedelta(days=limit("SIGNIN_LINK_VALID_DAYS")),
    )
    return link, token, code


def signs_in_with_password(user) -> bool:
    """Accounts with a password or any rights are never signed in by a link or code: a mailbox
    alone must not open an organiser's, a place's staff's or an administrator's account."""
    if user is None:
        return False
    if user.has_usable_password() or user.is_staff or user.is_superuser or user.teams.exists():
        return True
    # Other apps' roles in events (events.registry.event_roles) are rights too.
    return bool(event_roles.accounts([user.pk]))


def _use(link: SignInLink) -> Attendee:
    """Count the use; the first use also confirms the registration (the mailbox's owner chose to)."""
    SignInLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now(), use_count=link.use_count + 1)
    attendee = link.attendee
    if attendee.status == AttendeeStatus.UNCONFIRMED:
        attendee = confirm_registration(attendee, by=attendee.user)
    return attendee


def sign_in_with_token(token: str) -> Attendee:
    """The attendee a link belongs to; SignInError (signin.invalid/expired/revoked) if unusable.

    An expired or revoked link's error carries `event` so the page can offer a new link.
    """
    link = (
        SignInLink.objects.select_related("attendee__event", "attendee__user")
        .filter(token_hash=digest("signin-token", token or ""))
        .first()
    )
    if link is None or link.attendee.user is None:
        raise SignInError(
            _("This sign-in link is not valid. Copy the whole link from the mail, or ask for a new one.")
        )
    if link.revoked_at is not None:
        raise SignInError(
            _(
                "This sign-in link was replaced by a newer one. "
                "Use the link in your latest mail, or ask for a new one."
            ),
            code="signin.revoked",
            event=link.attendee.event,
        )
    if link.expires_at <= timezone.now():
        raise SignInError(
            _("This sign-in link has expired. Ask for a new one: it arrives in a minute."),
            code="signin.expired",
            event=link.attendee.event,
        )
    if signs_in_with_password(link.attendee.user):
        raise SignInError(
            _("This account logs in with its password. Log in, then open the event's lobby."),
            code="signin.password_account",
            event=link.attendee.event,
        )
    return _use(link)


def sign_in_with_code(event: Event, *, email: str, code: str, ip: str) -> Attendee:
    """The attendee whose latest link has this code; wrong codes are counted and lock out."""
    email = (email or "").strip().lower()
    window = limit("SIGNIN_CODE_WINDOW_MINUTES")
    address_key, ip_key = attempt_key(event.pk, email), attempt_key(ip)
    locked = _("Too many wrong codes.")
    check_limit(
        AttemptScope.SIGNIN_CODE_ADDRESS,
        address_key,
        allowed=limit("SIGNIN_CODE_FAILURES_PER_ADDRESS"),
        window_minutes=window,
        message=locked,
    )
    check_limit(
        AttemptScope.SIGNIN_CODE_IP,
        ip_key,
        allowed=limit("SIGNIN_CODE_FAILURES_PER_IP"),
        window_minutes=window,
        message=locked,
    )
    attendee = (
        Attendee.objects.select_related("user", "event")
        .filter(event=event, kind=AttendeeKind.INDIVIDUAL, email=email, user__isnull=False)
        .first()
    )
    if attendee is not None and signs_in_with_password(attendee.user):
        attendee = None  # refused exactly like a wrong code: the page says nothing about the account
    link = attendee.signin_links.filter(revoked_at__isnull=True).first() if attendee else None
    wanted = digest("signin-code", f"{attendee.pk if attendee else 0}:{normalise_code(code)}")
    if link is None or not constant_time_compare(link.code_hash, wanted):
        count_attempt(AttemptScope.SIGNIN_CODE_ADDRESS, address_key, window_minutes=window)
        count_attempt(AttemptScope.SIGNIN_CODE_IP, ip_key, window_minutes=window)
        raise SignInError(
            _(
                "This e-mail address and code do not match. "
                "Use the code from your latest mail, or ask for a new one."
            )
        )
    if link.expires_at <= timezone.now():
        raise SignInError(
            _("This code has expired. Ask for a new one: it arrives in a minute."),
            code="signin.expired",
        )
    link.attendee = attendee
    return _use(link)


def request_new_link(event: Event, *, email: str, ip: str) -> None:
    """Mail a new link if the address is registered. Says nothing about whether it is."""
    email = (email or "").strip().lower()
    check_mail_limits(event, email, ip)
    attendee = Attendee.objects.filter(event=event, kind=AttendeeKind.INDIVIDUAL, email=email).first()
    count_mail(event, email, ip)
    if attendee is not None:
        enqueue_after_commit("events.tasks.send_registration_mail", attendee.pk, RegistrationMail.NEW_LINK)


# --- Mail ---------------------------------------------------------------------------------


def send_registration_mail(attendee_id: int, reason: str) -> None:
    """Send one registration mail; those that carry a link issue a fresh one (revoking older)."""
    attendee = Attendee.objects.select_related("event").filter(pk=attendee_id).first()
    if attendee is None or not attendee.email or is_placeholder_email(attendee.email):
        return  # deleted since, or an institution member: nothing to send (idempotent on retry)
    event = attendee.event
    context = {"attendee": attendee, "event": event, "reason": reason}
    context["new_link_page"] = settings.SITE_URL + reverse("attendee:new_link", args=[event.slug])
    lobby = reverse("attendee:lobby", args=[event.slug])
    if reason in MAILS_WITH_LINK and signs_in_with_password(attendee.user):
        # No link and no code: the owner logs in with the password and confirms there.
        context["login_link"] = settings.SITE_URL + reverse("accounts:login") + "?next=" + lobby
    elif reason in MAILS_WITH_LINK:
        link, token, code = issue_signin_link(attendee)
        context.update(
            link=settings.SITE_URL + reverse("attendee:signin_link", args=[token]),
            code=format_code(code),
            code_page=settings.SITE_URL + reverse("attendee:signin", args=[event.slug]),
            expires_at=link.expires_at,
        )
    send_invitation_mail(
        to=attendee.email,
        subject_template="events/registration/mail/subject.txt",
        body_template="events/registration/mail/body.txt",
        context={**context, "language": attendee.language or (event.languages or [None])[0]},
    )

"""Organiser sign-up that answers the same for any address (issue 10, part 7).

Nothing is looked up or stored while the page answers: the pending sign-up (address, name, the
chosen password as its salted hash, where to go next) is sealed (Fernet: AES plus HMAC, with a key
derived from SECRET_KEY) and handed to the mail task. The task alone looks the address up: an
unknown address gets a link carrying the sealed sign-up, which creates the account and logs in;
a known one gets a mail pointing at the log-in and password-reset pages, and its account is not
touched. So a stranger can neither learn whether an address has an account nor squat an address
with an inactive account of their own: no row exists until the mailbox's owner confirms.

A link works once: the account it creates makes it refuse every later use.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..enums import AttemptScope
from ..errors import RakwonError
from ..models import User
from .mail import send_invitation_mail
from .signin import attempt_key, check_limit, count_attempt, limit


class SignupError(RakwonError):
    """A confirmation link that creates no account: invalid, expired, or used already."""

    code = "signup.invalid"


@dataclass(frozen=True)
class PendingSignup:
    email: str
    display_name: str
    password_hash: str
    next_url: str
    language: str


def _sealer() -> MultiFernet:
    # The current key seals; keys of SECRET_KEY_FALLBACKS still open links mailed before a rotation.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        Fernet(
            base64.urlsafe_b64encode(
                salted_hmac("rakwon.signup-seal", "key", secret=s, algorithm="sha256").digest()
            )
        )
        for s in secrets
    ]
    return MultiFernet(keys)


def seal(pending: PendingSignup) -> str:
    payload = {
        "e": pending.email,
        "n": pending.display_name,
        "p": pending.password_hash,
        "x": pending.next_url,
        "l": pending.language,
    }
    token = _sealer().encrypt(json.dumps(payload, separators=(",", ":")).encode())
    return token.decode().rstrip("=")  # the padding is restored on opening: shorter, cleaner links


def open_sealed(token: str) -> PendingSignup:
    """The pending sign-up in a link; SignupError (signup.invalid / signup.expired) if unusable."""
    padded = (token or "") + "=" * (-len(token or "") % 4)
    sealer = _sealer()
    try:
        raw = sealer.decrypt(padded.encode())
    except (InvalidToken, ValueError, TypeError):
        raise SignupError(
            _("This link is not valid. Copy the whole link from the mail, or sign up again.")
        ) from None
    # Expiry by the sealing time (whole seconds); "<=" so a validity of 0 days refuses at once.
    if sealer.extract_timestamp(padded.encode()) + limit("SIGNIN_LINK_VALID_DAYS") * 86400 <= time.time():
        raise SignupError(
            _("This link has expired. Sign up again: a new mail arrives in a minute."),
            code="signup.expired",
        )
    data = json.loads(raw)
    return PendingSignup(data["e"], data["n"], data["p"], data["x"], data["l"])


def request_signup(
    *, email: str, display_name: str, password: str, next_url: str, language: str, ip: str
) -> None:
    """Mail the address a way on; RateLimited if it or the network asked too often.

    The same work for any address (limits, one password hash, one queued mail), so neither the
    answer nor its timing says whether an account exists.
    """
    from ..tasks import send_signup_mail

    email = (email or "").strip().lower()
    window = limit("SIGNIN_MAIL_WINDOW_MINUTES")
    address_key, ip_key = attempt_key("signup", email), attempt_key(ip)
    check_limit(
        AttemptScope.SIGNIN_MAIL_ADDRESS,
        address_key,
        allowed=limit("SIGNIN_MAILS_PER_ADDRESS"),
        window_minutes=window,
        message=_("We have already sent several mails to this address. Check your inbox and spam folder."),
    )
    check_limit(
        AttemptScope.SIGNIN_MAIL_IP,
        ip_key,
        allowed=limit("SIGNIN_MAILS_PER_IP"),
        window_minutes=window,
        message=_("Too many sign-in mails were requested from your network."),
    )
    sealed = seal(PendingSignup(email, display_name.strip(), make_password(password), next_url, language))
    count_attempt(AttemptScope.SIGNIN_MAIL_ADDRESS, address_key, window_minutes=window)
    count_attempt(AttemptScope.SIGNIN_MAIL_IP, ip_key, window_minutes=window)
    transaction.on_commit(lambda: send_signup_mail.delay(sealed))


def send_signup_mail(sealed: str) -> None:
    """The mail task's work: a confirmation link for a new address, a way in for a known one."""
    try:
        pending = open_sealed(sealed)
    except SignupError:
        return  # waited in the queue past its validity: a link would not work anyway
    context = {
        "pending": pending,
        "login_link": settings.SITE_URL + reverse("accounts:login"),
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
    }
    if User.objects.filter(email=pending.email).exists():
        subject, body = (
            "events/accounts/mail/signup_exists_subject.txt",
            "events/accounts/mail/signup_exists.txt",
        )
    else:
        subject, body = "events/accounts/mail/signup_subject.txt", "events/accounts/mail/signup.txt"
        context["link"] = settings.SITE_URL + reverse("accounts:signup_confirm", args=[sealed])
        context["valid_days"] = limit("SIGNIN_LINK_VALID_DAYS")
    send_invitation_mail(
        to=pending.email,
        subject_template=subject,
        body_template=body,
        context={**context, "language": pending.language},
    )


def _used() -> SignupError:
    return SignupError(
        _("This link was used already: the account exists. Log in, or set a new password if you forgot it."),
        code="signup.used",
    )


def check_signup_link(token: str) -> PendingSignup:
    """The pending sign-up if its link would still create the account; SignupError if not."""
    pending = open_sealed(token)
    if User.objects.filter(email=pending.email).exists():
        raise _used()
    return pending


def confirm_signup(token: str) -> tuple[User, str]:
    """Create the account of a mailed link: (user, where to go next). Works once."""
    pending = check_signup_link(token)
    user = User(email=pending.email, username=pending.email, display_name=pending.display_name)
    user.password = pending.password_hash  # hashed at sign-up; the clear password was never kept
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise _used() from None  # two tabs confirming at once: the other one won
    return user, pending.next_url

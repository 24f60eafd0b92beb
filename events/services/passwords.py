"""Setting a new password from a mailed link (Django's token generator), for anyone with an
account: an organiser who forgot theirs, or a password-less visitor who was later given a role
(a team or a booth) and from then on must log in with a password.

The page answers the same for any address; the mail is sent by a task, which makes the one-use
token there, so no secret waits in the queue and the answer takes as long for any address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..enums import AttemptScope
from ..models import User
from ..models.registration import is_placeholder_email
from ..queue import enqueue_after_commit
from .attempts import attempt_key, check_limit, count_attempt, limit
from .mail import send_invitation_mail


def users_for_reset(email: str) -> list[User]:
    """Active accounts of the address, with or without a password; never an institution member's
    placeholder address (nobody reads it)."""
    email = (email or "").strip().lower()
    if not email or is_placeholder_email(email):
        return []
    return list(User.objects.filter(email=email, is_active=True))


def request_password_reset(*, email: str, language: str, ip: str) -> None:
    """Queue the reset mail if the address has an account; RateLimited alike for any address."""
    email = (email or "").strip().lower()
    window = limit("SIGNIN_MAIL_WINDOW_MINUTES")
    address_key, ip_key = attempt_key("password-reset", email), attempt_key(ip)
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
    count_attempt(AttemptScope.SIGNIN_MAIL_ADDRESS, address_key, window_minutes=window)
    count_attempt(AttemptScope.SIGNIN_MAIL_IP, ip_key, window_minutes=window)
    # The task looks the address up, so this answer does the same work for any address.
    enqueue_after_commit("events.tasks.send_password_reset_mail", email, language)


def send_password_reset_mail(email: str, language: str) -> None:
    for user in users_for_reset(email):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        send_invitation_mail(
            to=user.email,
            subject_template="events/accounts/mail/password_reset_subject.txt",
            body_template="events/accounts/mail/password_reset.txt",
            context={
                "user": user,
                "link": settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token]),
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                "language": language,
            },
        )

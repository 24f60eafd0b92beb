"""Organiser sign-up that answers the same for any address (issue 10, part 7).

Nothing is looked up or stored while the page answers: the pending sign-up (address, name, the
chosen password as its salted hash, where to go next) is sealed (Fernet: AES plus HMAC, with a key
derived from SECRET_KEY) and handed to the mail task. The task alone looks the address up: an
unknown address gets a link carrying the sealed sign-up, which creates the account and logs in;
a known one gets a mail pointing at the log-in and password-reset pages, and its account is not
touched. So a stranger can neither learn whether an address has an account nor squat an address
with an inactive account of their own: no row exists until the mailbox's owner confirms.

A link works once: the account it creates makes it refuse every later use.

Who may create events is the ORGANISER_SIGNUP setting (README, docs/deploy.md):

- ``open``: any account; anyone may sign up.
- ``invitation`` (default): superusers, owners of an event, and accounts a superuser invited as
  organisers (Django's ``events.add_event`` permission, given when the invitation is accepted).
  Sign-up needs an invitation: an organiser invitation for that address, or a link to a pending
  team or exhibitor-staff invitation. Only superusers send organiser invitations: an organiser
  invites colleagues into their own event's team, which never gives the right to create events.
- ``superuser``: only superusers create events; sign-up needs a team or staff invitation.

An organiser invitation is sealed like a pending sign-up (no table): the address and the time,
valid INVITATION_VALID_DAYS, and usable only by an account of that very address.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..enums import AttemptScope, TeamRole
from ..errors import InvitationError, NotAllowed, RakwonError
from ..models import EventTeamMember, User
from ..queue import enqueue_after_commit
from .attempts import attempt_key, check_limit, count_attempt, limit
from .mail import send_invitation_mail


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
    organiser: bool = False  # came with an organiser invitation: the account may create events


def _sealer(salt: str = "rakwon.signup-seal") -> MultiFernet:
    # The current key seals; keys of SECRET_KEY_FALLBACKS still open links mailed before a rotation.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        Fernet(base64.urlsafe_b64encode(salted_hmac(salt, "key", secret=s, algorithm="sha256").digest()))
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
        "o": pending.organiser,
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
    return PendingSignup(data["e"], data["n"], data["p"], data["x"], data["l"], bool(data.get("o")))


def request_signup(
    *,
    email: str,
    display_name: str,
    password: str,
    next_url: str,
    language: str,
    ip: str,
    invitation: str = "",
    invited_elsewhere: bool = False,
) -> None:
    """Mail the address a way on; RateLimited if it or the network asked too often, SignupError
    if this server wants an invitation that is missing (`check_signup_allowed`).

    The same work for any address (limits, one password hash, one queued mail), so neither the
    answer nor its timing says whether an account exists.
    """
    email = (email or "").strip().lower()
    organiser = check_signup_allowed(email=email, invitation=invitation, invited_elsewhere=invited_elsewhere)
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
    sealed = seal(
        PendingSignup(email, display_name.strip(), make_password(password), next_url, language, organiser)
    )
    count_attempt(AttemptScope.SIGNIN_MAIL_ADDRESS, address_key, window_minutes=window)
    count_attempt(AttemptScope.SIGNIN_MAIL_IP, ip_key, window_minutes=window)
    enqueue_after_commit("events.tasks.send_signup_mail", sealed)


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
            if pending.organiser:
                _make_organiser(user)
    except IntegrityError:
        raise _used() from None  # two tabs confirming at once: the other one won
    return user, pending.next_url


# --- Who may create events ------------------------------------------------------------------


def signup_mode() -> str:
    return settings.ORGANISER_SIGNUP


def may_create_events(user) -> bool:
    """Whether `user` may create an event on this server (ORGANISER_SIGNUP)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    mode = signup_mode()
    if user.is_superuser or mode == "open":
        return True
    if mode == "superuser":
        return False
    # Owners of an event keep the right they had before the setting existed (and the demo works).
    return (
        user.has_perm("events.add_event")
        or EventTeamMember.objects.filter(user=user, role=TeamRole.OWNER).exists()
    )


def may_invite_organisers(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) and signup_mode() == "invitation"


def _make_organiser(user: User) -> None:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="events", codename="add_event"))


INVITATION_SALT = "rakwon.organiser-invitation"


def organiser_invitation_token(email: str) -> str:
    payload = json.dumps({"e": email.strip().lower()}, separators=(",", ":")).encode()
    return _sealer(INVITATION_SALT).encrypt(payload).decode().rstrip("=")


def open_organiser_invitation(token: str) -> str:
    """The invited address; InvitationError (invitation.invalid / invitation.expired) if unusable."""
    padded = (token or "") + "=" * (-len(token or "") % 4)
    sealer = _sealer(INVITATION_SALT)
    try:
        raw = sealer.decrypt(padded.encode())
    except (InvalidToken, ValueError, TypeError):
        raise InvitationError(
            _("This invitation link is not valid. Copy the whole link from the mail, or ask for a new one.")
        ) from None
    if sealer.extract_timestamp(padded.encode()) + limit("INVITATION_VALID_DAYS") * 86400 <= time.time():
        raise InvitationError(
            _("This invitation has expired. Ask whoever invited you to send a new one."),
            code="invitation.expired",
        )
    return json.loads(raw)["e"]


def masked_address(email: str) -> str:
    """The invited address, recognisable to its owner without spelling it out to a stranger."""
    local, _at, domain = email.partition("@")
    name, _dot, tld = domain.rpartition(".")
    return f"{local[:1]}•••@{name[:1]}•••.{tld}" if name else f"{local[:1]}•••@{domain}"


def invite_organiser(email: str, *, by: User, language: str) -> None:
    """Mail `email` a link that lets its owner create events (sign up, or accept when logged in)."""
    if signup_mode() != "invitation":
        raise NotAllowed(
            _("On this server nobody is invited as an organiser: see the ORGANISER_SIGNUP setting."),
            code="signup.no_invitations",
        )
    if not by.is_superuser:
        raise NotAllowed(_("Only the server's administrators (superusers) invite organisers."))
    email = email.strip().lower()
    token = organiser_invitation_token(email)
    enqueue_after_commit("events.tasks.send_organiser_invitation_mail", email, token, language)


def send_organiser_invitation(email: str, token: str, language: str) -> None:
    """The mail task's work."""
    send_invitation_mail(
        to=email,
        subject_template="events/accounts/mail/organiser_invitation_subject.txt",
        body_template="events/accounts/mail/organiser_invitation.txt",
        context={
            "link": settings.SITE_URL + reverse("accounts:accept_organiser_invitation", args=[token]),
            "valid_days": limit("INVITATION_VALID_DAYS"),
            "language": language,
        },
    )


def accept_organiser_invitation(token: str, *, by: User) -> None:
    """Give the accepting account (`by`) the right to create events, if the invitation is theirs
    and still valid."""
    email = open_organiser_invitation(token)
    if (by.email or "").strip().lower() != email:
        raise InvitationError(
            _("This invitation was sent to %(address)s, not to the address you are logged in with.")
            % {"address": masked_address(email)},
            code="invitation.other_address",
        )
    _make_organiser(by)


def check_signup_allowed(*, email: str, invitation: str, invited_elsewhere: bool) -> bool:
    """Whether this sign-up may go on under ORGANISER_SIGNUP; True if it makes an organiser.
    `invitation`: an organiser invitation's token; `invited_elsewhere`: the sign-up leads to a
    pending team or staff invitation (the view knows those). SignupError
    (signup.invitation_required / signup.other_address) if not."""
    mode = signup_mode()
    if invitation and mode == "invitation":
        try:
            invited = open_organiser_invitation(invitation)
        except InvitationError as error:
            raise SignupError(error.message, code=error.code) from None
        if invited != (email or "").strip().lower():
            raise SignupError(
                _(
                    "This invitation was sent to another address. Sign up with the address the "
                    "invitation was sent to."
                ),
                code="signup.other_address",
            )
        return True
    if mode == "open" or invited_elsewhere:
        return False
    raise SignupError(
        _(
            "Accounts on this server are made by invitation. Ask the organisers of your event, or the "
            "server's administrator, to invite you; the mail they send has a link that brings you here."
        ),
        code="signup.invitation_required",
    )

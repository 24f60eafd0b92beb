"""The shape shared by every e-mailed invitation: a secret token, an expiry, an acceptance.

The link carries the token; the database keeps only its SHA-256 (a leaked database or backup opens
no invitation). The token is 256 random bits, so an unkeyed hash is enough: nothing to guess.
An invitation is for the address it was sent to; services refuse any other account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def unusable_token_hash() -> str:
    """The hash of a token nobody ever sees, until `issue_token` gives the invitation its link."""
    return hash_token(new_token())


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationBase(models.Model):
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True, default=unusable_token_hash, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    # The token in clear exists only in memory: set when the invitation is created or re-issued.
    token: str | None = None

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.token is None:
            self.token = new_token()
            self.token_hash = hash_token(self.token)
        super().save(*args, **kwargs)

    def issue_token(self) -> str:
        """A new token for the link being mailed; earlier links of this invitation stop working."""
        self.token = new_token()
        self.token_hash = hash_token(self.token)
        type(self).objects.filter(pk=self.pk).update(token_hash=self.token_hash)
        return self.token

    @classmethod
    def by_token(cls, token: str):
        return cls.objects.filter(token_hash=hash_token(token))

    def is_for(self, user) -> bool:
        return bool(user.email) and user.email.strip().lower() == self.email.strip().lower()

    @property
    def masked_email(self) -> str:
        """The invited address, recognisable to its owner without spelling it out to a stranger."""
        local, _at, domain = self.email.partition("@")
        name, _dot, tld = domain.rpartition(".")
        return f"{local[:1]}•••@{name[:1]}•••.{tld}" if name else f"{local[:1]}•••@{domain}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()

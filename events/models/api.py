"""The organisers' API and webhooks: access tokens (stored hashed), the answers kept for an
idempotency key, the addresses that hear of what happens, and each delivery to them.

A token or webhook belongs to an event (made by one of its owners, `owner_kind` empty) or to a
party another app registers (events.registry.api_parties), named by kind and id only: events never
imports the app, and the app removes its party's tokens and webhooks when the party goes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .event import Event


class ApiToken(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="api_tokens")
    # "" for the event's owners, else a registered party kind; owner_id is that party's id.
    owner_kind = models.CharField(max_length=40, blank=True, default="")
    owner_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the token, so a person can tell their tokens apart; never enough to use.
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotentAnswer(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, given again for the same key."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"


class Webhook(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhooks")
    # "" for the event's owners, else a registered party kind; owner_id is that party's id.
    owner_kind = models.CharField(max_length=40, blank=True, default="")
    owner_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    url = models.URLField(_("address"), max_length=500)
    kinds = models.JSONField(_("what it hears of"), default=list)
    # Kept readable: every delivery is signed with it. Shown to the people who manage the webhook.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent again")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Given up")
    REFUSED = "refused", _("Refused: address not allowed")
    GONE = "gone", _("The address answered 410 Gone; webhook disabled")


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("what happened"), max_length=40)
    # What happened, by reference ("registration:12"): one delivery per webhook and thing.
    subject = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "kind", "subject"], name="one_delivery_per_thing")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} → {self.status}"

"""Webhooks: an event's owners (or the people who manage a registered party, events.registry
.api_parties, for what the party hears of) name addresses that hear
of what happens; each delivery is signed, tried again with a doubling wait for up to three days,
and logged. Only hosts in WEBHOOK_ALLOWED_HOSTS are ever contacted; redirects are never followed.

Other apps call `notify(event, kind, subject, payload)` where the thing happens (exhibits may
import events; events never imports exhibits). Payloads name things by id, never by personal data:
a receiver reads those through the API, where reading them is scoped and audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..errors import NotAllowed, WebhookError
from ..models import DeliveryStatus, Event, Session, User, Webhook, WebhookDelivery
from ..queue import enqueue_after_commit
from ..registry import api_parties
from .api_tokens import may_hold

REGISTRATION_CONFIRMED = "registration.confirmed"
SESSION_STARTED = "session.started"

# What an event's webhooks may hear of. A party's webhooks hear only what the party registers
# (what was shared with it stays its own: the organiser never hears of it).
EVENT_KINDS = {
    REGISTRATION_CONFIRMED: _lazy("A registration is confirmed"),
    SESSION_STARTED: _lazy("A session starts"),
}


def kinds_for(owner_kind: str) -> dict:
    """What the webhooks of this owner (the event's, "", or a party kind) may hear of."""
    if not owner_kind:
        return EVENT_KINDS
    party = api_parties.get(owner_kind)
    return party.webhook_kinds if party else {}


SIGNATURE_HEADER = "X-Rakwon-Signature"
# Sessions that began this long ago at most are still announced (beat runs every minute).
SESSION_ANNOUNCE_WINDOW = dt.timedelta(minutes=10)


# --- Registering ------------------------------------------------------------------------------


def host_allowed(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return False
    return host in {allowed.lower() for allowed in settings.WEBHOOK_ALLOWED_HOSTS}


def _check_target(url: str, kinds: list[str], offered: dict) -> tuple[str, list[str]]:
    url = (url or "").strip()
    if not host_allowed(url):
        allowed = ", ".join(settings.WEBHOOK_ALLOWED_HOSTS) or _("none yet")
        raise WebhookError(
            _(
                "Webhooks may only go to the hosts the operator allowed (%(hosts)s), by http or https. "
                "Use one of those, or ask the operator to add yours to WEBHOOK_ALLOWED_HOSTS."
            )
            % {"hosts": allowed},
            code="webhook.host_not_allowed",
        )
    chosen = sorted(set(kinds))
    if not chosen or any(kind not in offered for kind in chosen):
        raise WebhookError(_("Tick at least one of the listed happenings."), code="webhook.bad_kind")
    return url, chosen


def _may_manage(webhook: Webhook, user: User | None) -> bool:
    return may_hold(webhook.event, webhook.owner_kind, webhook.owner_id, user)


def register_webhook(
    event: Event,
    *,
    url: str,
    kinds: list[str],
    by: User,
    owner_kind: str = "",
    owner_id: int | None = None,
) -> Webhook:
    """Owners register the event's webhooks; the people who manage a party register its own."""
    if not may_hold(event, owner_kind, owner_id, by):
        raise NotAllowed(_("Only an owner of the event (or whoever manages this party) can add webhooks."))
    url, kinds = _check_target(url, kinds, kinds_for(owner_kind))
    return Webhook.objects.create(
        event=event,
        owner_kind=owner_kind,
        owner_id=owner_id,
        url=url,
        kinds=kinds,
        secret=secrets.token_hex(32),
        created_by=by,
    )


def remove_webhook(webhook: Webhook, *, by: User) -> None:
    if not _may_manage(webhook, by):
        raise NotAllowed(_("Only the people who may add this webhook can remove it."))
    webhook.delete()


def enable_webhook(webhook: Webhook, *, by: User) -> Webhook:
    """Switch a webhook disabled by a 410 answer back on (its address is checked again)."""
    if not _may_manage(webhook, by):
        raise NotAllowed(_("Only the people who may add this webhook can switch it on."))
    _check_target(webhook.url, webhook.kinds, kinds_for(webhook.owner_kind))
    webhook.active, webhook.disabled_reason = True, ""
    webhook.save(update_fields=["active", "disabled_reason"])
    return webhook


def event_webhooks(event: Event) -> QuerySet[Webhook]:
    return Webhook.objects.filter(event=event, owner_kind="")


def party_webhooks(event: Event, owner_kind: str, owner_id: int) -> QuerySet[Webhook]:
    return Webhook.objects.filter(event=event, owner_kind=owner_kind, owner_id=owner_id)


def delivery_log(webhooks: QuerySet[Webhook], limit: int = 100) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__in=webhooks).select_related("webhook")[:limit]


# --- Telling them -----------------------------------------------------------------------------


def notify(
    event: Event,
    kind: str,
    subject: str,
    payload: dict[str, Any],
    *,
    owner_kind: str = "",
    owner_id: int | None = None,
) -> list[WebhookDelivery]:
    """One delivery per active webhook listening to `kind`, sent after the current transaction
    commits; the same thing (`subject`, e.g. "registration:12") is delivered once per webhook."""
    hooks = Webhook.objects.filter(event=event, active=True, owner_kind=owner_kind, owner_id=owner_id)
    made = []
    for hook in hooks:
        if kind not in hook.kinds:
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    webhook=hook, kind=kind, subject=subject, payload=payload, next_attempt_at=timezone.now()
                )
        except IntegrityError:
            continue  # already told
        made.append(delivery)
        enqueue_after_commit("events.tasks.deliver_webhook", delivery.pk)
    return made


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>` (docs/api.md has the check)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(delivery: WebhookDelivery) -> bytes:
    hook = delivery.webhook
    document = {
        "id": str(delivery.delivery_id),
        "kind": delivery.kind,
        "event": hook.event.slug,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is a failure: following it could lead to a host nobody allowed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment either: the allowed host is contacted directly.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def next_wait(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1 min, 2, 4, … at most WEBHOOK_MAX_RETRY_SECONDS."""
    seconds = settings.WEBHOOK_FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.WEBHOOK_MAX_RETRY_SECONDS))


def _finish(delivery: WebhookDelivery, status: str, *, now: dt.datetime, code=None, error: str = "") -> None:
    delivery.status, delivery.last_status_code, delivery.last_error = status, code, error[:200]
    delivery.next_attempt_at = None
    if status == DeliveryStatus.DELIVERED:
        delivery.delivered_at = now
    delivery.save(
        update_fields=["status", "last_status_code", "last_error", "next_attempt_at", "delivered_at"]
    )


def attempt_delivery(delivery_id: int, *, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """One try of a pending delivery. None when it is not pending or another worker took it."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("webhook__event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    # Claim this try: of two workers holding the same delivery, one sends it.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery.attempts += 1
    hook = delivery.webhook
    if not hook.active:
        _finish(delivery, DeliveryStatus.GAVE_UP, now=now, error="webhook disabled")
        return delivery
    if not host_allowed(hook.url):
        _finish(delivery, DeliveryStatus.REFUSED, now=now, error="host not in WEBHOOK_ALLOWED_HOSTS")
        return delivery
    body = body_of(delivery)
    request = urllib.request.Request(  # noqa: S310 (scheme checked by host_allowed: http or https)
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Rakwon-Webhooks/1",
            "X-Rakwon-Event": delivery.kind,
            "X-Rakwon-Delivery": str(delivery.delivery_id),
            SIGNATURE_HEADER: sign(hook.secret, int(now.timestamp()), body),
        },
    )
    code, error = None, ""
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            code = response.status
            response.read(1024)
    except urllib.error.HTTPError as answer:
        code = answer.code
        error = "redirect not followed" if 300 <= code < 400 else f"answered {code}"
        answer.close()
    except (OSError, ValueError) as failure:  # refused, timed out, reset, DNS
        error = str(failure) or failure.__class__.__name__
    if code is not None and 200 <= code < 300:
        _finish(delivery, DeliveryStatus.DELIVERED, now=now, code=code)
    elif code == 410:
        _finish(delivery, DeliveryStatus.GONE, now=now, code=code, error=error)
        Webhook.objects.filter(pk=hook.pk).update(active=False, disabled_reason="410 Gone")
    else:
        retry_at = now + next_wait(delivery.attempts)
        if retry_at > delivery.created_at + dt.timedelta(seconds=settings.WEBHOOK_GIVE_UP_SECONDS):
            _finish(delivery, DeliveryStatus.GAVE_UP, now=now, code=code, error=error)
        else:
            delivery.last_status_code, delivery.last_error, delivery.next_attempt_at = (
                code,
                error[:200],
                retry_at,
            )
            delivery.save(update_fields=["last_status_code", "last_error", "next_attempt_at"])
    return delivery


def deliveries_due(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )


# --- What happens -----------------------------------------------------------------------------


def registration_confirmed(attendee) -> None:
    notify(
        attendee.event,
        REGISTRATION_CONFIRMED,
        f"registration:{attendee.pk}",
        {
            "registration": attendee.pk,
            "kind": attendee.kind,
            "confirmed_at": attendee.confirmed_at.isoformat() if attendee.confirmed_at else None,
        },
    )


def announce_started_sessions(now: dt.datetime | None = None) -> int:
    """Tell the webhooks of sessions that began in the last few minutes (once each)."""
    now = now or timezone.now()
    listening = Webhook.objects.filter(active=True, owner_kind="").values_list("event_id", "kinds")
    events = {event_id for event_id, kinds in listening if SESSION_STARTED in kinds}
    sessions = Session.objects.filter(
        event_id__in=events, starts_at__lte=now, starts_at__gt=now - SESSION_ANNOUNCE_WINDOW
    ).select_related("event")
    told = 0
    for session in sessions:
        told += len(
            notify(
                session.event,
                SESSION_STARTED,
                f"session:{session.pk}",
                {
                    "session": session.pk,
                    "title": session.title,
                    "starts_at": session.starts_at.isoformat(),
                    "ends_at": session.ends_at.isoformat(),
                },
            )
        )
    return told

"""Webhooks against a real HTTP server on 127.0.0.1 started by the test: signed deliveries,
doubling retries up to three days, 410 disables, the host allow-list at registration and at
delivery, redirects never followed, bounded time-outs."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from events.enums import AttendeeStatus
from events.errors import WebhookError
from events.models import DeliveryStatus, Webhook, WebhookDelivery
from events.services import webhooks
from events.services.registration import decide
from exhibits.services.api_party import LEAD_SHARED, PARTY_KIND
from exhibits.services.leads import share_contact
from tests.factories import SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


class Target:
    """A loopback webhook receiver answering from a script: [(status, headers, delay), ...]."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.answers: list[tuple[int, dict, float]] = []
        self.received: list[dict] = []
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                target.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status, headers, delay = target.answers.pop(0) if target.answers else (200, {}, 0)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up waiting

            def do_GET(self):  # a followed 302/303 turns into a GET
                target.received.append({"headers": dict(self.headers), "body": b"", "path": self.path})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    running = Target()
    yield running
    running.close()


@pytest.fixture
def hook(event, owner, target):
    return webhooks.register_webhook(
        event, url=target.url, kinds=[webhooks.REGISTRATION_CONFIRMED, webhooks.SESSION_STARTED], by=owner
    )


def _delivery(hook, subject="registration:1"):
    return WebhookDelivery.objects.create(
        webhook=hook, kind=webhooks.REGISTRATION_CONFIRMED, subject=subject, payload={"registration": 1}
    )


def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/api.md gives it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, fields["v1"])


# --- Registering ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.10/hook",  # not allowed
        "ftp://127.0.0.1/hook",  # not http(s)
        "http://user:pw@127.0.0.1/hook",  # credentials in the address
        "http://127.0.0.1.example.org/hook",  # a look-alike name
        "not an address",
    ],
)
def test_registration_refuses_hosts_not_allowed(event, owner, target, url):
    with pytest.raises(WebhookError) as refused:
        webhooks.register_webhook(event, url=url, kinds=[webhooks.REGISTRATION_CONFIRMED], by=owner)
    assert refused.value.code == "webhook.host_not_allowed"
    assert refused.value.message == (
        "Webhooks may only go to the hosts the operator allowed (127.0.0.1), by http or https. "
        "Use one of those, or ask the operator to add yours to WEBHOOK_ALLOWED_HOSTS."
    )
    assert Webhook.objects.count() == 0


def test_organiser_cannot_listen_to_leads(event, owner, target):
    with pytest.raises(WebhookError) as refused:
        webhooks.register_webhook(event, url=target.url, kinds=[LEAD_SHARED], by=owner)
    assert refused.value.code == "webhook.bad_kind"


def test_moderator_cannot_register(event, moderator, target):
    from events.errors import NotAllowed

    with pytest.raises(NotAllowed):
        webhooks.register_webhook(
            event, url=target.url, kinds=[webhooks.REGISTRATION_CONFIRMED], by=moderator
        )


# --- Delivering -------------------------------------------------------------------------------


def test_delivery_is_signed_and_verifiable(hook, target):
    delivery = _delivery(hook)
    webhooks.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    [got] = target.received
    body = got["body"]
    assert verify(hook.secret, got["headers"]["X-Rakwon-Signature"], body, time.time())
    assert not verify("another secret", got["headers"]["X-Rakwon-Signature"], body, time.time())
    assert not verify(hook.secret, got["headers"]["X-Rakwon-Signature"], body + b" ", time.time())
    assert got["headers"]["X-Rakwon-Event"] == "registration.confirmed"
    assert got["headers"]["X-Rakwon-Delivery"] == str(delivery.delivery_id)
    document = json.loads(body)
    assert (document["kind"], document["event"], document["data"]) == (
        "registration.confirmed",
        "expo",
        {"registration": 1},
    )


def test_old_signature_is_rejected_by_the_documented_check(hook, target):
    webhooks.attempt_delivery(_delivery(hook).pk)
    [got] = target.received
    assert not verify(hook.secret, got["headers"]["X-Rakwon-Signature"], got["body"], time.time() + 301)


def test_failure_is_tried_again_after_the_wait(hook, target):
    target.answers = [(500, {}, 0)]
    delivery = _delivery(hook)
    now = timezone.now()
    webhooks.attempt_delivery(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        500,
        "answered 500",
    )
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
    assert webhooks.deliveries_due(now + dt.timedelta(seconds=59)) == []
    assert webhooks.deliveries_due(now + dt.timedelta(seconds=60)) == [delivery.pk]
    webhooks.attempt_delivery(delivery.pk, now=now + dt.timedelta(seconds=60))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(target.received)) == (DeliveryStatus.DELIVERED, 2, 2)


def test_waits_double_up_to_the_longest():
    waits = [webhooks.next_wait(attempt).total_seconds() for attempt in range(1, 12)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600]


def test_gives_up_after_three_days(hook, target):
    target.answers = [(503, {}, 0)]
    delivery = _delivery(hook)
    created = delivery.created_at
    # The next wait would end past three days after the delivery was made.
    webhooks.attempt_delivery(delivery.pk, now=created + dt.timedelta(days=3) - dt.timedelta(seconds=30))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at, delivery.last_status_code) == (
        DeliveryStatus.GAVE_UP,
        None,
        503,
    )
    assert webhooks.deliveries_due(created + dt.timedelta(days=4)) == []


def test_whole_schedule_fits_in_three_days(hook, target):
    """Failing for ever: tried again and again, then given up, never past three days."""
    target.answers = [(500, {}, 0)] * 40
    delivery = _delivery(hook)
    now = delivery.created_at
    while True:
        webhooks.attempt_delivery(delivery.pk, now=now)
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.PENDING:
            break
        now = delivery.next_attempt_at
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert now - delivery.created_at <= dt.timedelta(days=3)
    assert delivery.attempts == 20  # 1+2+4+…+256 min, then every 6 h, until three days are up


def test_410_disables_the_webhook(hook, target):
    target.answers = [(410, {}, 0)]
    delivery = _delivery(hook)
    webhooks.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    hook.refresh_from_db()
    assert (delivery.status, hook.active, hook.disabled_reason) == (DeliveryStatus.GONE, False, "410 Gone")
    assert webhooks.notify(hook.event, webhooks.REGISTRATION_CONFIRMED, "registration:2", {}) == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_never_followed(hook, target, status):
    elsewhere = Target("127.0.0.2")
    try:
        target.answers = [(status, {"Location": elsewhere.url}, 0)]
        delivery = _delivery(hook)
        webhooks.attempt_delivery(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
            DeliveryStatus.PENDING,
            status,
            "redirect not followed",
        )
        assert elsewhere.received == []
    finally:
        elsewhere.close()


def test_host_removed_from_the_allow_list_is_refused_at_delivery(settings, hook, target):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.lan"]
    delivery = _delivery(hook)
    webhooks.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (
        DeliveryStatus.REFUSED,
        "host not in WEBHOOK_ALLOWED_HOSTS",
    )
    assert target.received == []


def test_silent_target_times_out_within_the_bound(settings, hook, target):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    target.answers = [(200, {}, 3)]
    delivery = _delivery(hook)
    started = time.monotonic()
    webhooks.attempt_delivery(delivery.pk)
    assert time.monotonic() - started < 2.5
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, None)
    assert "timed out" in delivery.last_error


def test_delivery_is_tried_once_by_two_workers(hook, target):
    delivery = _delivery(hook)
    assert webhooks.attempt_delivery(delivery.pk) is not None
    assert webhooks.attempt_delivery(delivery.pk) is None
    assert len(target.received) == 1


# --- What happens -----------------------------------------------------------------------------


def test_approving_a_registration_tells_the_webhook_once(event, owner, hook):
    attendee = AttendeeFactory(event=event, status=AttendeeStatus.PENDING, confirmed_at=None)
    decide(attendee, "approve", by=owner)
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.kind, delivery.subject, delivery.payload["registration"]) == (
        "registration.confirmed",
        f"registration:{attendee.pk}",
        attendee.pk,
    )
    webhooks.registration_confirmed(attendee)  # told again: nothing new
    assert WebhookDelivery.objects.count() == 1


def test_payload_names_no_personal_data(event, owner, hook):
    attendee = AttendeeFactory(
        event=event, status=AttendeeStatus.PENDING, confirmed_at=None, display_name="Kim"
    )
    decide(attendee, "approve", by=owner)
    payload = WebhookDelivery.objects.get().payload
    assert set(payload) == {"registration", "kind", "confirmed_at"}


def test_shared_lead_tells_only_the_exhibitors_webhook(event, owner, booth_a, staff_a, target, hook):
    mine = webhooks.register_webhook(
        event,
        url=target.url,
        kinds=[LEAD_SHARED],
        by=staff_a,
        owner_kind=PARTY_KIND,
        owner_id=booth_a.exhibitor_id,
    )
    attendee = AttendeeFactory(event=event)
    lead = share_contact(booth_a, attendee, keys=["name"], by=attendee.user)
    assert list(WebhookDelivery.objects.values_list("webhook_id", "kind", "subject")) == [
        (mine.pk, "lead.shared", f"lead:{lead.pk}")
    ]


def test_started_sessions_are_announced_once(event, hook):
    now = timezone.now()
    session = SessionFactory(
        event=event, starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=1)
    )
    SessionFactory(event=event, starts_at=now + dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
    assert webhooks.announce_started_sessions(now) == 1
    assert webhooks.announce_started_sessions(now + dt.timedelta(minutes=1)) == 0
    assert list(WebhookDelivery.objects.values_list("subject", flat=True)) == [f"session:{session.pk}"]


def test_webhook_tasks_are_not_on_the_mail_queue():
    from events import tasks

    for task in (tasks.deliver_webhook, tasks.retry_webhook_deliveries, tasks.announce_started_sessions):
        routed = [glob for glob in django_settings.CELERY_TASK_ROUTES if fnmatch.fnmatch(task.name, glob)]
        assert routed == []

"""Leads through the API: only the exhibitor's own token, only its own leads, every read audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import AuditAction
from events.models import ApiToken, AuditLogEntry
from events.services.api_tokens import create_party_token, hash_secret
from exhibits.models import Lead
from exhibits.services.audit_words import STAFF_ROLE
from tests.events.api.conftest import api_world, call, make_token  # noqa: F401 (fixtures)
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def test_lead_read_shows_what_was_shared_and_is_audited(api_world, make_token, call):  # noqa: F811
    secret = make_token("leads:read")
    page = call("GET", "/leads", secret).json()
    assert page["count"] == 1
    assert page["items"][0]["details"] == [{"key": "name", "label": "Name", "value": "Kim Minji"}]
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_role, entry.subject, entry.rows) == (
        AuditAction.API_PERSONAL_READ,
        api_world["staff"],
        STAFF_ROLE,
        f"exhibitor:{api_world['exhibitor'].pk}",
        1,
    )


def test_other_exhibitors_token_sees_none_of_these_leads(api_world, exhibitor_b, staff_b, call):  # noqa: F811
    made = create_party_token(
        api_world["event"], "exhibitor", exhibitor_b.pk, name="B", scopes=["leads:read"], days=1, by=staff_b
    )
    assert call("GET", "/leads", made.secret).json()["count"] == 0
    assert call("GET", f"/leads/{api_world['lead'].pk}", made.secret).status_code == 404


def test_event_token_with_leads_scope_forced_in_is_still_refused(api_world, call):  # noqa: F811
    secret = "rkw_forged-into-the-database"
    ApiToken.objects.create(
        event=api_world["event"],
        name="forced",
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        scopes=["leads:read"],
        created_by=api_world["owner"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert call("GET", "/leads", secret).status_code == 403
    assert AuditLogEntry.objects.count() == 0


def test_withdrawn_lead_is_gone_from_the_api(api_world, make_token, call):  # noqa: F811
    secret = make_token("leads:read")
    Lead.objects.all().delete()
    assert call("GET", "/leads", secret).json()["count"] == 0
    AttendeeFactory(event=api_world["event"])  # a registration is no lead
    assert call("GET", "/leads", secret).json()["items"] == []


def test_deleting_an_exhibitor_removes_its_tokens_and_webhooks(event, exhibitor_b, staff_b, owner):
    from events.models import Webhook
    from exhibits.services.exhibitors import delete_exhibitor

    create_party_token(
        event, "exhibitor", exhibitor_b.pk, name="B", scopes=["leads:read"], days=1, by=staff_b
    )
    assert ApiToken.objects.filter(owner_kind="exhibitor", owner_id=exhibitor_b.pk).count() == 1
    Webhook.objects.create(
        event=event,
        owner_kind="exhibitor",
        owner_id=exhibitor_b.pk,
        url="http://hooks.lan/b",
        kinds=["lead.shared"],
    )
    Webhook.objects.create(
        event=event, url="http://hooks.lan/e", kinds=["session.started"]
    )  # the event's: kept
    gone = exhibitor_b.pk  # delete() clears the object's pk
    delete_exhibitor(exhibitor_b)
    assert ApiToken.objects.filter(owner_id=gone).count() == 0
    assert list(Webhook.objects.values_list("url", flat=True)) == ["http://hooks.lan/e"]

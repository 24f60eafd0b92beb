"""The data migration that gives old lead and access-code downloads their own audit actions."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from events.enums import AuditAction, AuditActor
from events.models import AuditLogEntry
from events.services.audit import record_audit

pytestmark = pytest.mark.django_db
migration = importlib.import_module("events.migrations.0010_audit_export_actions")


def _old_download(event, owner, kind: str) -> AuditLogEntry:
    return record_audit(event, AuditAction.EXPORT_DOWNLOADED, by=owner, details={"kind": kind})


def test_old_lead_downloads_become_leads_exported_by_staff(event, owner):
    entry = _old_download(event, owner, "leads_csv")

    migration.name_old_downloads(apps, None)

    entry.refresh_from_db()
    assert (entry.action, entry.actor_role, entry.actor_label) == (
        "leads_exported",  # the stored values, now registered by exhibits (events/0014)
        "staff",
        "owner@example.org",
    )


def test_old_code_downloads_become_access_codes_exported_and_others_stay(event, owner):
    codes = _old_download(event, owner, "access_codes_csv")
    export = _old_download(event, owner, "attendees_csv")

    migration.name_old_downloads(apps, None)

    assert list(AuditLogEntry.objects.order_by("id").values_list("action", "actor_role")) == [
        (AuditAction.ACCESS_CODES_EXPORTED, AuditActor.TEAM),
        (AuditAction.EXPORT_DOWNLOADED, AuditActor.TEAM),
    ]
    assert [codes.pk, export.pk] == list(AuditLogEntry.objects.order_by("id").values_list("id", flat=True))


def test_unname_puts_them_back(event, owner):
    _old_download(event, owner, "leads_csv")
    migration.name_old_downloads(apps, None)

    migration.unname_old_downloads(apps, None)

    assert list(AuditLogEntry.objects.values_list("action", "actor_role")) == [
        (AuditAction.EXPORT_DOWNLOADED, AuditActor.TEAM)
    ]

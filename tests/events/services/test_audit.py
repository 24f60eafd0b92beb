"""The audit log: who (team, attendee, automatic retention), what, and no personal data."""

from __future__ import annotations

import pytest

from events.enums import AuditAction, AuditActor
from events.services.audit import audit_entries, record_audit
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji(event):
    return AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")


def test_record_audit_team_member_keeps_their_address(event, owner):
    entry = record_audit(event, AuditAction.ATTENDEES_EXPORTED, by=owner, subject="export:3", rows=12)

    assert (entry.actor, entry.actor_role, entry.actor_label) == (
        owner,
        AuditActor.TEAM,
        "owner@example.org",
    )
    assert (entry.action, entry.subject, entry.rows) == ("attendees_exported", "export:3", 12)


def test_record_audit_without_actor_is_automatic_retention(event):
    entry = record_audit(event, AuditAction.EVENT_SHREDDED, by=None)

    assert (entry.actor, entry.actor_role, entry.actor_label) == (None, AuditActor.RETENTION, "")


def test_record_audit_attendee_leaves_no_address(event, minji):
    entry = record_audit(event, AuditAction.OWN_DATA_DOWNLOADED, by=minji.user, as_attendee=True)

    assert (entry.actor, entry.actor_role, entry.actor_label) == (
        minji.user,
        AuditActor.ATTENDEE,
        "",
    )


def test_audit_entries_newest_first_and_only_this_event(event, owner):
    first = record_audit(event, AuditAction.ATTENDEES_EXPORTED, by=owner)
    second = record_audit(event, AuditAction.EXPORT_DOWNLOADED, by=owner)
    record_audit(EventFactory(), AuditAction.EXPORT_DOWNLOADED, by=None)

    assert list(audit_entries(event)) == [second, first]

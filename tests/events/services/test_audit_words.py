"""The audit log in the organiser's words for what other apps record (events.registry
audit_actions, audit_actors, audit_subjects): events names none of them itself."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from events import registry
from events.models import AuditLogEntry
from events.services.audit import record_audit
from events.views.organiser_privacy import describe_actor, describe_subject
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_words():
    registry.audit_actions.register("club_read", _("Club members read"))
    registry.audit_actors.register("clubstaff", lambda address: f"{address} (club)")
    registry.audit_subjects.register("club", lambda number: f"Club #{number}")
    yield
    registry.audit_actions.unregister("club_read")
    registry.audit_actors.unregister("clubstaff")
    registry.audit_subjects.unregister("club")


def test_a_registered_actor_action_and_subject_read_as_their_app_words_them(event, club_words):
    member = UserFactory(email="m@example.org")

    entry = record_audit(event, "club_read", by=member, as_role="clubstaff", subject="club:7", rows=2)

    entry = AuditLogEntry.objects.get(pk=entry.pk)
    assert (entry.actor_role, entry.actor_label) == ("clubstaff", "m@example.org")
    assert (describe_actor(entry), entry.get_action_display(), describe_subject(entry)) == (
        "m@example.org (club)",
        "Club members read",
        "Club #7",
    )


def test_an_unregistered_actor_role_is_refused_and_nothing_is_written(event):
    with pytest.raises(registry.UnknownKey, match="register"):
        record_audit(event, "club_read", by=UserFactory(), as_role="nobody")

    assert AuditLogEntry.objects.count() == 0


def test_the_floor_words_its_own_entries():
    assert str(registry.audit_actions["leads_exported"]) == "Leads downloaded by the exhibitor"
    assert registry.audit_actors["staff"]("a@example.org") == "a@example.org (exhibitor staff)"
    assert registry.audit_subjects["exhibitor"]("4") == "Leads of exhibitor #4 (CSV)"

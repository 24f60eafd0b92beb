"""The audit log of personal data: every export, download and deletion, who did it and when.

Entries name their subject by reference ("export:12", "attendee:45"), never by personal data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..enums import AuditActor
from ..models import AuditLogEntry, Event, User
from ..registry import audit_actors


def record_audit(
    event: Event,
    action: str,
    *,
    by: User | None,
    as_attendee: bool = False,
    as_role: str = "",
    subject: str = "",
    rows: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """One audit entry. `by` None is automatic retention; `as_attendee`: an attendee's own act;
    `as_role`: someone another app registers in events.registry.audit_actors (named by address,
    like the team), e.g. the staff of a party with its own API tokens; an unregistered role raises
    before anything is written."""
    if as_role:
        audit_actors[as_role]  # an unknown role raises UnknownKey, saying where to register it
    if as_attendee:
        role, label = AuditActor.ATTENDEE, ""
    elif by is None:
        role, label = AuditActor.RETENTION, ""
    elif as_role:
        role, label = as_role, by.email
    else:
        role, label = AuditActor.TEAM, by.email
    return AuditLogEntry.objects.create(
        event=event,
        actor=by,
        actor_role=role,
        actor_label=label,
        action=action,
        subject=subject[:100],
        rows=rows,
        details=details or {},
    )


def audit_entries(event: Event) -> QuerySet[AuditLogEntry]:
    return AuditLogEntry.objects.filter(event=event).order_by("-created_at", "-id")

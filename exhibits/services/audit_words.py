"""What the floor writes in the event's audit log, in the organiser's words (events.registry
audit_actions, audit_actors, audit_subjects): leads downloaded by an exhibitor's staff."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Stored values: entries written before these were registered read the same.
LEADS_EXPORTED = "leads_exported"
STAFF_ROLE = "staff"
LEADS_SUBJECT = "exhibitor"  # "exhibitor:<id>", the exhibitor whose leads were read

LEADS_EXPORTED_LABEL = gettext_lazy("Leads downloaded by the exhibitor")


def describe_staff(address: str) -> str:
    return _("%(address)s (exhibitor staff)") % {"address": address}


def describe_leads(number: str) -> str:
    return _("Leads of exhibitor #%(number)s (CSV)") % {"number": number}

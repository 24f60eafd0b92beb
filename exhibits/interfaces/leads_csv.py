"""The leads of an exhibitor as a CSV file (an exporter): one row per lead with the fields the
visitor chose to share; every cell guarded against spreadsheet formulas. Reading them for staff
is written to the event's audit log."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import User
from events.models.registration import in_language
from events.services.audit import record_audit
from events.services.spreadsheets import csv_row

from ..models import Exhibitor, Lead
from ..models.leads import ANSWER_PREFIX, EMAIL_KEY, NAME_KEY
from ..services.audit_words import LEADS_EXPORTED, LEADS_SUBJECT, STAFF_ROLE
from ..services.leads import leads_of, require_leads_staff


def _answer_columns(leads: list[Lead], language: str) -> list[tuple[str, str]]:
    """(key, header) for every answer any lead shared, in the order of the event's questions."""
    columns: dict[str, str] = {}
    for lead in leads:
        for shared in lead.shared_fields or []:
            key = shared.get("key", "")
            if key.startswith(ANSWER_PREFIX) and key not in columns:
                fallbacks = lead.booth.event.languages
                columns[key] = in_language(shared.get("label", {}), language, fallbacks) or key
    if not leads:
        return []
    positions = {
        ANSWER_PREFIX + identifier: position
        for identifier, position in leads[0].booth.event.questions.values_list("identifier", "position")
    }
    return sorted(columns.items(), key=lambda item: (positions.get(item[0], 10**6), item[0]))


def leads_csv(exhibitor: Exhibitor, language: str) -> str:
    """The exhibitor's current leads as CSV text; withdrawn ones are gone. Every cell is guarded
    against spreadsheet formulas."""
    return _leads_csv(list(leads_of(exhibitor).order_by("created_at", "id")), exhibitor, language)


def export_leads(exhibitor: Exhibitor, *, by: User, language: str) -> str:
    """The leads CSV for the exhibitor's staff, written to the event's audit log (who, how many)."""
    require_leads_staff(exhibitor, by)
    leads = list(leads_of(exhibitor).order_by("created_at", "id"))
    body = _leads_csv(leads, exhibitor, language)
    record_audit(
        exhibitor.event,
        LEADS_EXPORTED,
        by=by,
        as_role=STAFF_ROLE,
        subject=f"{LEADS_SUBJECT}:{exhibitor.pk}",
        rows=len(leads),
        details={"kind": "leads_csv", "exhibitor": exhibitor.pk},
    )
    return body


def _leads_csv(leads: list[Lead], exhibitor: Exhibitor, language: str) -> str:
    answers = _answer_columns(leads, language)
    tz = exhibitor.event.tz
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        csv_row(
            [
                _("Booth"),
                _("Shared on"),
                _("Name"),
                _("E-mail address"),
                *[header for _key, header in answers],
                _("Rating"),
                _("Notes"),
            ]
        )
    )
    for lead in leads:
        row = [
            lead.booth.number,
            timezone.localtime(lead.created_at, tz).strftime("%Y-%m-%d %H:%M"),
            lead.value_of(NAME_KEY, language),
            lead.value_of(EMAIL_KEY, language),
            *[lead.value_of(key, language) for key, _header in answers],
            lead.rating or "",
            lead.notes,
        ]
        writer.writerow(csv_row(row))
    return buffer.getvalue()


def csv_file_name(exhibitor: Exhibitor) -> str:
    day = timezone.localdate(timezone.now(), exhibitor.event.tz).isoformat()
    return f"{exhibitor.event.slug}-exhibitor-{exhibitor.pk}-leads-{day}.csv"

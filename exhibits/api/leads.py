"""The exhibitor's leads, for the exhibitor's own tokens (`leads:read`); every read is audited.

An event token never reads leads, whatever its scopes: visitors shared them with the exhibitor.
"""

# No `from __future__ import annotations`: django-ninja reads the views' annotations as classes.

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from events.api.access import audit_personal_read, require
from events.api.paging import Page, page_of

from ..models import Lead
from ..services.api_party import PARTY_KIND

router = Router(tags=["leads"])


class SharedField(Schema):
    key: str
    label: str
    value: str


class LeadOut(Schema):
    id: int
    booth: int
    shared_at: dt.datetime
    rating: int | None
    notes: str
    details: list[SharedField]


def show_lead(lead: Lead) -> dict:
    language = lead.booth.event.languages[0]
    keys = [field.get("key", "") for field in lead.shared_fields or []]
    details = [
        {"key": key, "label": label, "value": value}
        for key, (label, value) in zip(keys, lead.details_in(language), strict=True)
    ]
    return {
        "id": lead.pk,
        "booth": lead.booth_id,
        "shared_at": lead.created_at.isoformat(),
        "rating": lead.rating,
        "notes": lead.notes,
        "details": details,
    }


def _leads(request):
    token = require(request, "leads:read")
    if token.owner_kind != PARTY_KIND:
        raise HttpError(403, "This token may not do this: it needs the scope “leads:read”.")
    return token, Lead.objects.filter(exhibitor_id=token.owner_id, booth__event=token.event).select_related(
        "booth__event"
    )


@router.get("/leads", response=Page, summary="The exhibitor's leads (audited)")
def list_leads(request, limit: int | None = None, offset: int = 0):
    token, leads = _leads(request)
    answer = page_of(leads.order_by("created_at", "id"), limit, offset, show_lead)
    audit_personal_read(token, kind="leads", subject=f"exhibitor:{token.owner_id}", rows=len(answer["items"]))
    return answer


@router.get("/leads/{lead_id}", response=LeadOut, summary="One lead (audited)")
def read_lead(request, lead_id: int):
    token, leads = _leads(request)
    lead = get_object_or_404(leads, pk=lead_id)
    audit_personal_read(token, kind="lead", subject=f"lead:{lead.pk}", rows=1)
    return show_lead(lead)

"""The exhibitor as a party of the API (events.registry.api_parties): its staff make tokens that
read its leads and webhooks told when a visitor shares contact details with it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from events.models import Event, User
from events.registry import ApiParty

from ..models import ExhibitorStaff
from .audit_words import STAFF_ROLE

PARTY_KIND = "exhibitor"
LEAD_SHARED = "lead.shared"


def is_exhibitor_staff(user: User, event: Event, exhibitor_id: int) -> bool:
    staff = ExhibitorStaff.objects.filter(user=user, exhibitor_id=exhibitor_id, exhibitor__event=event)
    return staff.exists()


# A lead belongs to its exhibitor: only its staff hear of it and read it (the organiser never
# learns who shared details with whom).
exhibitor_party = ApiParty(
    label=_("exhibitor"),
    scopes={"leads:read": _("Read the exhibitor's leads, with the details visitors shared (audited)")},
    webhook_kinds={LEAD_SHARED: _("A visitor shares contact details with the exhibitor")},
    may_manage=is_exhibitor_staff,
    audit_role=STAFF_ROLE,
)

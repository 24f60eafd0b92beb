"""Leads: a visitor shares chosen contact details with an exhibitor, staff keep notes and a
rating and export them as CSV, and the visitor withdraws them again.

Leads are the exhibitor's alone: the visitor shared them with that exhibitor, not with the
organisers, so only its staff read, annotate and download them (docs/leads.md). Every download
is written to the event's audit log.

Withdrawing deletes the lead: the row links a person to a booth, and the visitor asked to take
that back. Only the number survives, in the booth's daily counts (services.analytics), which
identify nobody; it is taken off again, so sharing and withdrawing in a loop counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.enums import AttendeeStatus
from events.errors import NotAllowed, RakwonError
from events.models import Attendee, Event, User
from events.models.registration import is_placeholder_email
from events.services import webhooks
from events.services.privacy import is_deleted_attendee
from events.services.questions import NAME_QUESTION
from events.services.registration import attendance_of
from events.shredder import ShredItem, ShredStrategy

from ..models import Booth, Exhibitor, Lead
from ..models.leads import ANSWER_PREFIX, EMAIL_KEY, NAME_KEY, NOTES_MAX_LENGTH
from . import analytics
from .api_party import LEAD_SHARED, PARTY_KIND


class LeadError(RakwonError):
    code = "lead.error"


@dataclass(frozen=True)
class ShareableField:
    """One detail a visitor may share: its key, and how the visitor reads it."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class ShareOffer:
    """What the booth page offers the signed-in person. `state` is one of: "anonymous",
    "not_attendee", "not_confirmed", "closed", "shared", "open"."""

    state: str
    exhibitor: Exhibitor
    fields: list[ShareableField] = field(default_factory=list)
    lead: Lead | None = None


# --- What a visitor may share ---------------------------------------------------------------


def _personal_answers(attendee: Attendee):
    # The answer to the name question is the display name, already offered as "Name".
    return (
        attendee.answers.filter(question__contains_personal_data=True)
        .exclude(question__identifier=NAME_QUESTION)
        .select_related("question__event")
        .order_by("question__position", "question_id")
    )


def shareable_fields(attendee: Attendee, language: str) -> list[ShareableField]:
    """Their name, their e-mail address if they have one, and their answers to questions the
    organiser flagged as personal data; each as the visitor reads it."""
    offered = []
    if attendee.display_name:
        offered.append(ShareableField(NAME_KEY, _("Name"), attendee.display_name))
    if attendee.email and not is_placeholder_email(attendee.email):
        offered.append(ShareableField(EMAIL_KEY, _("E-mail address"), attendee.email))
    for answer in _personal_answers(attendee):
        offered.append(
            ShareableField(
                ANSWER_PREFIX + answer.question.identifier,
                answer.question_label_in(language),
                answer.display_in(language),
            )
        )
    return offered


def _display_in(answer, language: str) -> str:
    # "Yes"/"No" and country names are translated by gettext: speak that language meanwhile.
    with translation.override(language):
        return answer.display_in(language)


def _snapshot(attendee: Attendee, keys: set[str]) -> list[dict]:
    """The chosen fields as they read now, in every language of the event (staff read them in
    theirs). Later edits by the visitor or the organiser do not change what was shared."""
    languages = attendee.event.languages
    chosen = []
    if NAME_KEY in keys:
        chosen.append({"key": NAME_KEY, "value": attendee.display_name})
    if EMAIL_KEY in keys:
        chosen.append({"key": EMAIL_KEY, "value": attendee.email})
    for answer in _personal_answers(attendee):
        key = ANSWER_PREFIX + answer.question.identifier
        if key in keys:
            chosen.append(
                {
                    "key": key,
                    "label": {code: answer.question_label_in(code) for code in languages},
                    "value": {code: _display_in(answer, code) for code in languages},
                }
            )
    return chosen


def lead_for(booth: Booth, attendee: Attendee | None) -> Lead | None:
    """The attendee's current lead at this booth, or None."""
    if attendee is None or attendee.pk is None:
        return None
    return Lead.objects.filter(booth=booth, attendee=attendee).first()


def share_offer(booth: Booth, user: User | None, language: str) -> ShareOffer:
    """What the booth page shows about sharing contact details, for this person."""
    exhibitor = booth.exhibitor
    if user is None or not user.is_authenticated:
        return ShareOffer("anonymous", exhibitor)
    attendee = attendance_of(booth.event, user)
    if attendee is None:
        return ShareOffer("not_attendee", exhibitor)
    lead = lead_for(booth, attendee)
    if lead is not None:
        return ShareOffer("shared", exhibitor, lead=lead)
    if attendee.status != AttendeeStatus.CONFIRMED:
        return ShareOffer("not_confirmed", exhibitor)
    if not booth.event.is_published:
        return ShareOffer("closed", exhibitor)
    return ShareOffer("open", exhibitor, fields=shareable_fields(attendee, language))


# --- Sharing and withdrawing ----------------------------------------------------------------


def _require_self(attendee: Attendee, by: User | None) -> None:
    if by is None or not by.is_authenticated or attendee.user_id != by.pk:
        raise NotAllowed(_("Only the visitor can do this, signed in as themselves."))


def share_contact(booth: Booth, attendee: Attendee, *, keys: Iterable[str], by: User) -> Lead:
    """The visitor shares the ticked details with the booth's exhibitor (a snapshot of them).

    Refused (LeadError, nothing saved) unless they are a confirmed attendee of the booth's
    published event, ticked at least one detail they have, and have not shared here already.
    """
    _require_self(attendee, by)
    keys = {str(key) for key in keys}
    if attendee.event_id != booth.event_id:
        raise NotAllowed(_("This booth belongs to another event."))
    if attendee.status != AttendeeStatus.CONFIRMED:
        raise LeadError(
            _("Only confirmed visitors can share their contact details. Wait for your confirmation."),
            code="lead.not_confirmed",
        )
    if not booth.event.is_published:
        raise LeadError(
            _("This event is closed, so contact details can no longer be shared."), code="lead.event_closed"
        )
    if not keys:
        raise LeadError(
            _("Tick at least one detail to share, then press “Share”."), code="lead.nothing_chosen"
        )
    offered = {each.key for each in shareable_fields(attendee, attendee.event.languages[0])}
    if not keys <= offered:
        raise LeadError(
            _(
                "Some of the details you ticked are no longer in your registration. "
                "Reload the page and choose again."
            ),
            code="lead.unknown_field",
        )
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                attendee=attendee,
                booth=booth,
                exhibitor=booth.exhibitor,
                shared_fields=_snapshot(attendee, keys),
            )
            analytics.count_lead(booth, lead.created_at)
            # The exhibitor's own webhooks hear of it by id; the details stay behind the API's audit.
            webhooks.notify(
                booth.event,
                LEAD_SHARED,
                f"lead:{lead.pk}",
                {"lead": lead.pk, "booth": booth.pk, "shared_at": lead.created_at.isoformat()},
                owner_kind=PARTY_KIND,
                owner_id=booth.exhibitor_id,
            )
    except IntegrityError:
        raise LeadError(
            _(
                "You have already shared your contact details with this exhibitor. "
                "Withdraw them first to change what you share."
            ),
            code="lead.already_shared",
        ) from None
    return lead


def withdraw_contact(booth: Booth, attendee: Attendee, *, by: User) -> None:
    """The visitor takes back what they shared: the lead is deleted, also from future exports.
    Allowed at any time, also once the event is closed."""
    _require_self(attendee, by)
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(booth=booth, attendee=attendee).first()
        if lead is None:
            raise LeadError(
                _(
                    "You have not shared your contact details with this exhibitor, "
                    "so there is nothing to withdraw."
                ),
                code="lead.not_shared",
            )
        analytics.uncount_lead(booth, lead.created_at)
        lead.delete()


def forget_leads_of_deleted_attendee(attendee: Attendee) -> int:
    """A visitor who deleted their registration leaves no leads behind (registry.attendee_deleted)."""
    if attendee.pk is None or not is_deleted_attendee(attendee):
        return 0
    deleted = 0
    with transaction.atomic():
        for lead in Lead.objects.select_for_update().filter(attendee=attendee):
            analytics.uncount_lead(lead.booth, lead.created_at)
            lead.delete()
            deleted += 1
    return deleted


# --- The exhibitor's side -------------------------------------------------------------------


def leads_of(exhibitor: Exhibitor) -> QuerySet[Lead]:
    return Lead.objects.filter(exhibitor=exhibitor).select_related("booth__event", "exhibitor")


def require_leads_staff(exhibitor: Exhibitor, by: User | None) -> None:
    """Only the exhibitor's own staff: the event team is refused too, and told why."""
    if by is None or not by.has_perm("exhibits.view_leads", exhibitor):
        raise NotAllowed(
            _(
                "The visitors shared these contact details with %(exhibitor)s only, so only its "
                "staff can see, change or download them. The booth analytics show how many were shared."
            )
            % {"exhibitor": exhibitor.name},
            code="lead.not_exhibitor_staff",
        )


def update_lead(lead: Lead, *, notes: str, rating: int | None, by: User) -> Lead:
    """The exhibitor's staff keep notes and a rating (1 to 5, or none) on a lead.

    Refused while the event is closed (read-only); ValidationError for bad input, nothing saved.
    """
    require_leads_staff(lead.exhibitor, by)
    if not by.has_perm("exhibits.change_leads", lead.exhibitor):
        raise NotAllowed(_("This event is closed and can no longer be changed."))
    notes = (notes or "").strip()
    errors = {}
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = _("Keep the notes under %(n)s characters (they have %(length)s). Shorten them.") % {
            "n": NOTES_MAX_LENGTH,
            "length": len(notes),
        }
    if rating is not None and rating not in range(1, 6):
        errors["rating"] = _("Choose a rating from 1 to 5, or none.")
    if errors:
        raise ValidationError(errors)
    Lead.objects.filter(pk=lead.pk).update(notes=notes, rating=rating)
    lead.notes, lead.rating = notes, rating
    return lead


# --- Shredding ------------------------------------------------------------------------------


class LeadShredder(ShredStrategy):
    """Contact details visitors shared with exhibitors, with the staff's notes and ratings.

    Deleted outright: nothing in a lead is useful without the person. The booths' daily counts
    of contacts shared are not personal data and stay.
    """

    name = "exhibits.leads"
    label = gettext_lazy("Contact details shared with exhibitors")

    def _leads(self, event: Event) -> QuerySet[Lead]:
        return Lead.objects.filter(booth__event=event)

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(_("Contact details shared with exhibitors, with notes"), self._leads(event).count())
        ]

    def export(self, event: Event) -> dict[str, Any]:
        leads = self._leads(event).select_related("booth", "exhibitor").order_by("created_at", "id")
        return {
            "leads": [
                {
                    "attendee": lead.attendee_id,
                    "exhibitor": lead.exhibitor.name,
                    "booth": lead.booth.number,
                    "shared_at": lead.created_at.isoformat(),
                    "shared": lead.shared_fields,
                    "notes": lead.notes,
                    "rating": lead.rating,
                }
                for lead in leads.iterator(chunk_size=500)
            ]
        }

    def shred(self, event: Event) -> dict[str, int]:
        deleted, _per_model = self._leads(event).delete()
        return {"leads": deleted}

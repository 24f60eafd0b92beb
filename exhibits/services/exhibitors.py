"""Exhibitors and their staff: inviting by e-mail link, accepting, removing."""

from __future__ import annotations

import io
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from events.errors import EventClosed, InvitationError
from events.models import ApiToken, Event, User, Webhook
from events.queue import enqueue_after_commit
from events.services.team import check_invited_address
from events.single_line import clean_instance

from ..errors import ExhibitorInUse
from ..models import Exhibitor, ExhibitorStaff, StaffInvitation
from .api_party import PARTY_KIND


@transaction.atomic
def create_exhibitor(event: Event, **fields) -> Exhibitor:
    """Add an exhibitor organisation to an event (a logo, if given, was checked by the caller)."""
    if event.is_closed:
        raise EventClosed(_("This event is closed; no new exhibitors can be added."))
    exhibitor = Exhibitor(event=event, **fields)
    clean_instance(exhibitor)
    exhibitor.save()
    return exhibitor


def invite_staff(exhibitor: Exhibitor, email: str, *, by: User) -> StaffInvitation:
    """Record an invitation and have Celery mail its link once the transaction commits."""
    if exhibitor.event.is_closed:
        raise EventClosed(_("This event is closed; no new staff can be invited."))
    email = email.strip().lower()
    if exhibitor.staff.filter(user__email=email).exists():
        raise InvitationError(
            _("%(email)s is already staff of %(exhibitor)s.") % {"email": email, "exhibitor": exhibitor.name},
            code="invitation.already_staff",
        )
    invitation = StaffInvitation.objects.create(exhibitor=exhibitor, email=email, invited_by=by)
    enqueue_after_commit("exhibits.tasks.send_staff_invitation", invitation.pk)
    return invitation


@transaction.atomic
def accept_staff_invitation(token: str, *, by: User) -> ExhibitorStaff:
    """Only the account with the invited address accepts: a forwarded or leaked link is no key."""
    invitation = StaffInvitation.by_token(token).select_for_update().select_related("exhibitor").first()
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationError(_("This invitation link is not valid or has already been used."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the organiser to send a new one."), code="invitation.expired"
        )
    check_invited_address(invitation, by=by)
    staff, _created = ExhibitorStaff.objects.get_or_create(exhibitor=invitation.exhibitor, user=by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return staff


def remove_staff(staff: ExhibitorStaff) -> None:
    staff.delete()


def delete_exhibitor(exhibitor: Exhibitor) -> None:
    if exhibitor.event.is_closed:
        raise EventClosed(_("This event is closed; its exhibitors can no longer change."))
    if exhibitor.booths.exists():
        raise ExhibitorInUse(
            _("%(exhibitor)s still has a booth. Delete the booth first.") % {"exhibitor": exhibitor.name}
        )
    # Its API tokens and lead webhooks name it by id only (events does not import exhibits).
    for model in (ApiToken, Webhook):
        model.objects.filter(event=exhibitor.event, owner_kind=PARTY_KIND, owner_id=exhibitor.pk).delete()
    exhibitor.delete()


def plan_logo_version(exhibitor: Exhibitor) -> str:
    """What names the logo's plan thumbnail: the stored logo's own (random) file name, so a new
    logo gets a new address and an old thumbnail can be cached for ever."""
    return os.path.splitext(os.path.basename(exhibitor.logo.name))[0] if exhibitor.logo else ""


def plan_logo(exhibitor: Exhibitor) -> bytes:
    """The logo as a small square WebP for the visitor's hall plan, made once and kept beside it."""

    size = settings.PLAN_LOGO_PIXELS
    storage = exhibitor.logo.storage
    name = f"exhibitors/logos/plan/{plan_logo_version(exhibitor)}-{size}.webp"
    if storage.exists(name):
        with storage.open(name, "rb") as kept:
            return kept.read()
    with exhibitor.logo.open("rb") as original, Image.open(original) as picture:
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        square = Image.new("RGBA", (size, size), (255, 255, 255, 0))
        square.paste(picture.convert("RGBA"), ((size - picture.width) // 2, (size - picture.height) // 2))
    output = io.BytesIO()
    square.save(output, "WEBP", quality=80)
    data = output.getvalue()
    storage.save(name, ContentFile(data))
    return data

"""Mail sent for the exhibition floor."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.services.mail import send_invitation_mail

from ..models import StaffInvitation


def send_staff_invitation_mail(invitation_id: int) -> None:
    invitation = StaffInvitation.objects.select_related("exhibitor__event").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return  # withdrawn or already used: nothing to send (idempotent on retry)
    event = invitation.exhibitor.event
    # Each mail carries a fresh token; only its hash is stored, so none sits in the task queue.
    link = settings.SITE_URL + reverse("staff_invitations:accept", args=[invitation.issue_token()])
    send_invitation_mail(
        to=invitation.email,
        subject_template="exhibits/mail/staff_invitation_subject.txt",
        body_template="exhibits/mail/staff_invitation.txt",
        context={
            "invitation": invitation,
            "exhibitor": invitation.exhibitor,
            "event": event,
            "link": link,
            "language": event.languages[0] if event.languages else None,
        },
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])

"""Outgoing mail of the events app, rendered in the recipient's language where known."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..models import TeamInvitation


def send_invitation_mail(*, to: str, subject_template: str, body_template: str, context: dict) -> None:
    language = context.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(subject_template, context).strip()
        body = render_to_string(body_template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_team_invitation_mail(invitation_id: int) -> None:
    invitation = TeamInvitation.objects.select_related("event", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return  # withdrawn or already used: nothing to send (idempotent on retry)
    link = settings.SITE_URL + reverse("accounts:accept_team_invitation", args=[invitation.token])
    send_invitation_mail(
        to=invitation.email,
        subject_template="events/mail/team_invitation_subject.txt",
        body_template="events/mail/team_invitation.txt",
        context={
            "invitation": invitation,
            "event": invitation.event,
            "link": link,
            "language": invitation.event.languages[0] if invitation.event.languages else None,
            "now": timezone.now(),
        },
    )

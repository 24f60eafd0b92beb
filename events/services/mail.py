"""Outgoing mail of the events app, rendered in the recipient's language where known, and the
list of mail that could not be sent, shown to the organisers on the event's dashboard."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ..models import Attendee, StageSpeaker, TeamInvitation
from ..registry import mail_kinds

logger = logging.getLogger(__name__)

# What a failed mail was, as the organisers read it (keys are the `what` of record_failed_mail).
MAIL_KINDS = {
    "team_invitation": _("Team invitation"),
    "registration": _("Registration mail"),
    "stage_invitation": _("Stage speaker invitation"),
}
FAILED_MAILS_KEPT = 50  # per event: the newest ones; an organiser needs the pattern, not a log


def one_line(text: str) -> str:
    """A mail header's value on one line: a line break (in a name saved before one-line fields
    were checked) would make Django refuse the whole mail (BadHeaderError)."""
    cleaned = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text)
    return " ".join(cleaned.split())


def send_invitation_mail(*, to: str, subject_template: str, body_template: str, context: dict) -> None:
    language = context.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = one_line(render_to_string(subject_template, context))
        body = render_to_string(body_template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_team_invitation_mail(invitation_id: int) -> None:
    invitation = TeamInvitation.objects.select_related("event", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return  # withdrawn or already used: nothing to send (idempotent on retry)
    # Each mail carries a fresh token; only its hash is stored, so none sits in the task queue.
    link = settings.SITE_URL + reverse("accounts:accept_team_invitation", args=[invitation.issue_token()])
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


def stage_invitation_language(speaker: StageSpeaker) -> str | None:
    """The outside speaker's language where the event knows it (they registered for it), else
    the event's first."""
    registered = (
        Attendee.objects.filter(event_id=speaker.event_id, email__iexact=speaker.email)
        .exclude(language="")
        .values_list("language", flat=True)
        .first()
    )
    return registered or (speaker.event.languages[0] if speaker.event.languages else None)


def send_stage_invitation_mail(speaker: StageSpeaker, *, token: str, inviter: str) -> None:
    """The invitation of an outside speaker, with the link the organiser is shown: sent in the
    request (not queued) so the organiser learns at once whether it went, and no token sits in
    a queue. Raises what the mail backend raises (OSError, smtplib.SMTPException)."""
    link = settings.SITE_URL + reverse("stage:accept", args=[token])
    send_invitation_mail(
        to=speaker.email,
        subject_template="events/mail/stage_invitation_subject.txt",
        body_template="events/mail/stage_invitation.txt",
        context={
            "speaker": speaker,
            "session": speaker.session,
            "event": speaker.event,
            "inviter": one_line(inviter),
            "link": link,
            "language": stage_invitation_language(speaker),
        },
    )


# --- Mail that could not be sent ---------------------------------------------------------------
# Kept in a small file per event in the private folder (never served), which the web processes
# and the workers share in both set-ups. An entry names what failed by reference
# ("attendee:45"), never by address, so it holds no personal data.


def _failures_file(event_id: int) -> Path:
    return Path(settings.PRIVATE_ROOT) / "mail-failures" / f"event-{event_id}.jsonl"


def record_failed_mail(event_id: int, *, what: str, subject: str, reason: str) -> None:
    """Note a mail given up on (after its retries), with a log line for the operator."""
    logger.error("mail not sent: %s of event %s: %s", subject, event_id, reason)
    path = _failures_file(event_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"at": timezone.now().isoformat(), "what": what, "subject": subject, "reason": reason}
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def failed_mails(event) -> list[dict]:
    """The newest mail of this event that could not be sent, newest first, for its dashboard."""
    path = _failures_file(event.pk)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines()[-FAILED_MAILS_KEPT:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash mid-write
        entry["at"] = parse_datetime(entry.get("at") or "")
        what = entry.get("what")
        entry["label"] = MAIL_KINDS.get(what) or mail_kinds.get(what) or what
        entries.append(entry)
    return entries[::-1]

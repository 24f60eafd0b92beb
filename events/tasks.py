"""Celery tasks of the events app: thin wrappers that load objects and call a service.

Each task is safe to run twice (the service skips what is already done) and is acknowledged only
when it has finished (acks_late): a worker killed mid-task leaves it to be redelivered, never lost.
Passing trouble (the database or the mail server away for a moment) retries with growing pauses.
"""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .interfaces.attendee_export import export_attendees_csv
from .models import Attendee, ExportJob, TeamInvitation
from .services import activity, attempts, exports, passwords, shredding, signin, signup, webhooks
from .services.mail import record_failed_mail, send_team_invitation_mail

# Errors that a later attempt can outlive; anything else is a bug and is not retried blindly.
TRANSIENT = (OSError, OperationalError, InterfaceError)
RELIABLY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


class MailTask(Task):
    """A task that sends one mail. Given up on (its retries spent, or an error no retry can
    outlive), it is listed on the event's dashboard and logged, never swallowed. Each mail task
    says what it sends with `mail_of(*args) -> (event id, what, subject)`, or None if gone."""

    abstract = True
    mail_of = None

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        mail_of = type(self).mail_of  # a plain function, not a method of the task
        found = mail_of(*args, **kwargs) if mail_of else None
        if found is not None:
            event_id, what, subject = found
            record_failed_mail(event_id, what=what, subject=subject, reason=type(exc).__name__)


def _team_invitation_mail(invitation_id: int) -> tuple[int, str, str] | None:
    event_id = TeamInvitation.objects.filter(pk=invitation_id).values_list("event_id", flat=True).first()
    return None if event_id is None else (event_id, "team_invitation", f"team_invitation:{invitation_id}")


def _registration_mail(attendee_id: int, reason: str = "") -> tuple[int, str, str] | None:
    event_id = Attendee.objects.filter(pk=attendee_id).values_list("event_id", flat=True).first()
    return None if event_id is None else (event_id, "registration", f"attendee:{attendee_id}")


@shared_task(base=MailTask, mail_of=_team_invitation_mail, **RELIABLY)
def send_team_invitation(invitation_id: int) -> None:
    send_team_invitation_mail(invitation_id)


@shared_task(base=MailTask, mail_of=_registration_mail, **RELIABLY)
def send_registration_mail(attendee_id: int, reason: str) -> None:
    """Registration mail; those with a sign-in link issue the link here, so no secret is queued."""
    signin.send_registration_mail(attendee_id, reason)


@shared_task(base=MailTask, **RELIABLY)
def send_organiser_invitation_mail(email: str, token: str, language: str) -> None:
    """An organiser invitation from a superuser (ORGANISER_SIGNUP=invitation)."""
    signup.send_organiser_invitation(email, token, language)


@shared_task(base=MailTask, **RELIABLY)
def send_signup_mail(sealed: str) -> None:
    """Sign-up mail: the address is looked up here, so the sign-up page answers alike for any."""
    signup.send_signup_mail(sealed)


@shared_task(base=MailTask, **RELIABLY)
def send_password_reset_mail(email: str, language: str) -> None:
    """Password-reset mail; the one-use token is made here, so no secret is queued."""
    passwords.send_password_reset_mail(email, language)


@shared_task(**RELIABLY)
def forget_old_attempts() -> int:
    """Periodic: drop rate-limit attempts older than every window."""
    return attempts.forget_old_attempts()


# --- Privacy: exports, shredding, retention ---------------------------------------------------


@shared_task(**RELIABLY)
def export_attendees(job_id: int) -> None:
    """Write an attendee list export (progress shown on its page)."""
    job = ExportJob.objects.select_related("event", "requested_by").filter(pk=job_id).first()
    if job is not None:
        export_attendees_csv(job)


@shared_task(**RELIABLY)
def shred_event_after_export(job_id: int) -> None:
    """An owner's "export first, then shred": the archive, then every shred strategy."""
    job = ExportJob.objects.select_related("event", "requested_by").filter(pk=job_id).first()
    if job is not None:
        shredding.run_shred_job(job)


@shared_task(**RELIABLY)
def shred_expired_events() -> int:
    """Periodic (daily): automatic retention; returns how many events were shredded."""
    return len(shredding.shred_expired_events())


@shared_task(**RELIABLY)
def delete_expired_exports() -> int:
    """Periodic (daily): export files are kept on the server only for EXPORT_FILE_KEEP_DAYS."""
    return exports.delete_expired_exports()


# Webhooks: on the default queue, never the mail queue (names do not start with send_).
@shared_task(**RELIABLY)
def deliver_webhook(delivery_id: int) -> None:
    """One try of a webhook delivery; a failure is tried again by retry_webhook_deliveries."""
    webhooks.attempt_delivery(delivery_id)


@shared_task(**RELIABLY)
def retry_webhook_deliveries() -> int:
    """Periodic (every minute): the deliveries whose wait is over are tried again."""
    due = webhooks.deliveries_due()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)


@shared_task(**RELIABLY)
def announce_started_sessions() -> int:
    """Periodic (every minute): webhooks hear of sessions that began."""
    return webhooks.announce_started_sessions()


@shared_task
def sample_online_counts() -> int:
    """Periodic (every few minutes): each live event's online count, for its dashboard's chart.
    Not retried: a sample missed is a gap the next one closes, not a count lost."""
    return len(activity.sample_online())

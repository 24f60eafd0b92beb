"""Celery tasks of the exhibits app: thin wrappers around services.

Safe to run twice and acknowledged only when finished (see events/tasks.py): a worker killed
mid-task leaves the task to another worker; passing database or mail trouble is retried.
"""

from celery import shared_task
from django.conf import settings

from events.tasks import RELIABLY, MailTask

from .models import StaffInvitation
from .services import analytics, appointments, visitor_meetings
from .services.asset_processing import process_asset
from .services.mail import send_staff_invitation_mail

# Processing one upload may take long (an hour of video) but not for ever: at the soft limit the
# service records "asset.too_slow" on the asset; at the hard limit the worker process is killed.
PROCESSING_TIME_LIMITS = {
    "soft_time_limit": settings.ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS,
    "time_limit": settings.ASSET_PROCESSING_TIME_LIMIT_SECONDS,
}


def _staff_invitation_mail(invitation_id: int) -> tuple[int, str, str] | None:
    found = StaffInvitation.objects.filter(pk=invitation_id).values_list("exhibitor__event_id", flat=True)
    event_id = found.first()
    return None if event_id is None else (event_id, "staff_invitation", f"staff_invitation:{invitation_id}")


@shared_task(base=MailTask, mail_of=_staff_invitation_mail, **RELIABLY)
def send_staff_invitation(invitation_id: int) -> None:
    send_staff_invitation_mail(invitation_id)


@shared_task(**RELIABLY, **PROCESSING_TIME_LIMITS)
def process_booth_asset(asset_id: int) -> None:
    """Turn an uploaded booth file into what visitors get (page images, 360p video, Opus, thumbnails).

    Safe to run twice: a finished asset is left alone, a half-done one is redone from the start.
    """
    process_asset(asset_id)


@shared_task(**RELIABLY)
def forget_visit_marks() -> int:
    """Hourly: delete the day-keyed visit marks of finished days (counts stay, identities never)."""
    return analytics.forget_visit_marks()


@shared_task(**RELIABLY)
def remind_due_meetings() -> int:
    """Each minute: both sides of meetings starting soon are reminded, by mail and on the live
    socket; each meeting once, however often this runs (services.appointments), meetings
    between two visitors too (services.visitor_meetings)."""
    # Without Redis the live socket lives in the web process's memory and a worker's push would be
    # lost: the web process reminds first, from its tick (exhibits/contributions.py); this worker
    # takes what is left a little later, when no tab was open to hear it (by mail, as always).
    grace = appointments.NO_GRACE if settings.REDIS_URL else appointments.WORKER_REMINDER_GRACE
    return appointments.remind_due_meetings(grace=grace) + visitor_meetings.remind_due_meetings(grace=grace)

"""Shredding an event's personal data: export first (an archive from every registered strategy),
then run every strategy in one transaction. Done by an owner after the event, or automatically
once the event's retention period has passed (`shred_expired_events`, a daily Celery task).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AuditAction, ExportKind, ExportStatus
from ..errors import NotAllowed, RakwonError
from ..models import Event, ExportJob, RegistrationSettings, User
from ..queue import enqueue_after_commit
from ..shredder import ShredItem, ShredStrategy, shred_strategies
from . import privacy  # noqa: F401  registers the event's own shred strategy
from .audit import record_audit
from .exports import fail_job, finish_job, job_path, new_file_name, report_progress, start_job

logger = logging.getLogger(__name__)

IN_FLIGHT = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ShredError(RakwonError):
    code = "shred.error"


def limit(name: str) -> int:
    return int(getattr(settings, name))  # the named limits live in rakwon_site/settings.py


def require_owner(event: Event, by: User | None) -> None:
    """Only an owner shreds; `by` None is automatic retention (never reachable from a page)."""
    if by is not None and not by.has_perm("events.delete_event", event):
        raise NotAllowed(_("Only an owner of the event can delete its personal data."))


def describe_shredding(event: Event) -> list[tuple[ShredStrategy, list[ShredItem]]]:
    return [(strategy, strategy.describe(event)) for strategy in shred_strategies]


def has_personal_data(event: Event) -> bool:
    return any(strategy.remaining(event) for strategy in shred_strategies)


def shred_in_flight(event: Event) -> ExportJob | None:
    return ExportJob.objects.filter(event=event, kind=ExportKind.SHRED_ARCHIVE, status__in=IN_FLIGHT).first()


def request_shred(event: Event, *, by: User, confirmation: str, language: str = "") -> ExportJob:
    """Queue "export first, then shred" for a closed event; the owner typed its short name."""
    if by is None:
        raise NotAllowed(_("Only an owner of the event can delete its personal data."))
    require_owner(event, by)
    if (confirmation or "").strip() != event.slug:
        raise ShredError(
            _("Type the event's short name “%(slug)s” exactly to confirm.") % {"slug": event.slug},
            code="shred.unconfirmed",
        )
    if not event.is_closed:
        raise ShredError(
            _("Close the event first, so that nobody registers while its data is being deleted."),
            code="shred.not_closed",
        )
    with transaction.atomic():
        if shred_in_flight(event) is not None:
            raise ShredError(
                _("Deleting the personal data of this event is already under way. Wait for it to finish."),
                code="shred.running",
            )
        job = ExportJob.objects.create(
            event=event,
            requested_by=by,
            kind=ExportKind.SHRED_ARCHIVE,
            language=language if language in event.languages else (event.languages or [""])[0],
        )
        enqueue_after_commit("events.tasks.shred_event_after_export", job.pk)
    return job


def write_archive(job: ExportJob) -> bool:
    """Export everything the strategies will remove into one JSON file. True if written."""
    event = job.event
    strategies = list(shred_strategies)
    start_job(job, total=len(strategies) + 1)  # +1: the shredding itself
    job.file_name = new_file_name(job, "json")
    try:
        records = sum(item.count for _strategy, items in describe_shredding(event) for item in items)
        archive: dict[str, Any] = {
            "event": {
                "name": event.name,
                "slug": event.slug,
                "last_day": event.ends_on.isoformat(),
            },
            "written_at": timezone.now().isoformat(),
            "data": {},
        }
        for done, strategy in enumerate(strategies, start=1):
            archive["data"][strategy.name] = strategy.export(event)
            report_progress(job, done)
        with open(job_path(job), "w", encoding="utf-8") as handle:
            json.dump(archive, handle, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    except Exception:
        logger.exception("archive %s before shredding failed", job.pk)
        fail_job(job, _("Writing the archive failed, so nothing was deleted. Try again."))
        return False
    finish_job(job, rows=records)
    job.progress_done = len(strategies)  # the shredding step is still to come
    ExportJob.objects.filter(pk=job.pk).update(progress_done=job.progress_done)
    record_audit(
        event,
        AuditAction.ARCHIVE_EXPORTED,
        by=job.requested_by,
        subject=f"export:{job.pk}",
        rows=records,
        details={"kind": job.kind, "strategies": [strategy.name for strategy in strategies]},
    )
    return True


def recent_archive(event: Event) -> ExportJob | None:
    since = timezone.now() - timedelta(minutes=limit("SHRED_EXPORT_MAX_AGE_MINUTES"))
    candidates = ExportJob.objects.filter(
        event=event, kind=ExportKind.SHRED_ARCHIVE, status=ExportStatus.DONE, finished_at__gte=since
    ).order_by("-finished_at")
    return next((job for job in candidates if (path := job_path(job)) and path.is_file()), None)


def shred_event(
    event: Event, *, by: User | None, archive: ExportJob | None = None
) -> dict[str, dict[str, int]]:
    """Run every strategy in one transaction. Refused (ShredError "shred.no_export") unless an
    archive was written within SHRED_EXPORT_MAX_AGE_MINUTES. Returns counts by strategy."""
    require_owner(event, by)
    if archive is None:
        archive = recent_archive(event)
    if archive is None or archive.event_id != event.pk or not archive.is_downloadable:
        raise ShredError(
            _(
                "Nothing was deleted: write an archive of the data first "
                "(it is made for you when you confirm)."
            ),
            code="shred.no_export",
        )
    with transaction.atomic():
        counts = {strategy.name: strategy.shred(event) for strategy in shred_strategies}
        now = timezone.now()
        ExportJob.objects.filter(pk=archive.pk).update(shredded_at=now, progress_done=archive.progress_total)
        archive.shredded_at, archive.progress_done = now, archive.progress_total
        record_audit(
            event,
            AuditAction.EVENT_SHREDDED,
            by=by,
            subject=f"export:{archive.pk}",
            rows=sum(sum(each.values()) for each in counts.values()),
            details={"counts": counts},
        )
    return counts


def run_shred_job(job: ExportJob) -> ExportJob:
    """Export first, then shred; nothing is shredded unless the archive was written."""
    if job.shredded_at is not None or job.status in (ExportStatus.FAILED, ExportStatus.EXPIRED):
        return job  # a redelivered task does nothing twice
    if job.status != ExportStatus.DONE and not write_archive(job):
        return job
    try:
        shred_event(job.event, by=job.requested_by, archive=job)
    except Exception as error:
        if not isinstance(error, RakwonError):
            logger.exception("shredding after archive %s failed", job.pk)
        message = error.message if isinstance(error, RakwonError) else _("Deleting failed.")
        job.error = message + " " + _("Nothing was deleted; the archive is kept. Try again.")
        job.save(update_fields=["error"])
    return job


# --- Automatic retention --------------------------------------------------------------------


def events_past_retention(today: dt.date | None = None) -> list[Event]:
    """Events whose last day plus their retention period has passed."""
    today = today or timezone.localdate()
    found = RegistrationSettings.objects.filter(
        personal_data_retention_days__isnull=False, event__ends_on__lt=today
    ).select_related("event")
    return [each.event for each in found if each.personal_data_deleted_on < today]


def shred_expired_events(today: dt.date | None = None) -> list[Event]:
    """Periodic: export then shred every event past its retention period that still holds
    personal data. Recorded in the audit log as automatic retention (no actor)."""
    shredded = []
    for event in events_past_retention(today):
        if not has_personal_data(event) or shred_in_flight(event) is not None:
            continue
        job = ExportJob.objects.create(
            event=event,
            kind=ExportKind.SHRED_ARCHIVE,
            language=(event.languages or [settings.LANGUAGE_CODE])[0],
        )
        run_shred_job(job)
        if job.shredded_at is not None:
            shredded.append(event)
        else:
            logger.error("automatic retention could not shred event %s: %s", event.slug, job.error)
    return shredded

"""Exports of personal data for the event team: files written by a Celery task into a private
folder (never under MEDIA_ROOT, which is served to anyone), with progress, audit and expiry.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import AuditAction, ExportKind, ExportStatus
from ..errors import NotAllowed, RakwonError
from ..models import Event, ExportJob, User
from ..queue import enqueue_after_commit
from .audit import record_audit

logger = logging.getLogger(__name__)

DOWNLOAD_SUFFIX = {
    ExportKind.ATTENDEES_CSV: "attendees.csv",
    ExportKind.SHRED_ARCHIVE: "archive.json",
}


class ExportError(RakwonError):
    code = "export.error"


def limit(name: str) -> int:
    return int(getattr(settings, name))  # the named limits live in rakwon_site/settings.py


def exports_dir() -> Path:
    """The private folder for export files; PRIVATE_ROOT is never served over HTTP."""
    root = Path(settings.PRIVATE_ROOT)
    folder = root / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def job_path(job: ExportJob) -> Path | None:
    if not job.file_name:
        return None
    folder = exports_dir().resolve()
    path = (folder / job.file_name).resolve()
    return path if path.parent == folder else None


def require_team(event: Event, by: User | None) -> None:
    """Exports are for the event team, also once the event is closed (that is when they matter)."""
    if by is None or not by.has_perm("events.manage_event", event):
        raise NotAllowed(_("Only the event team can export or download its attendees' data."))


# --- Running a job -------------------------------------------------------------------------------


def new_file_name(job: ExportJob, extension: str) -> str:
    # Unguessable, though the folder is private anyway.
    return f"{job.event.slug}-{job.kind}-{job.pk}-{secrets.token_hex(8)}.{extension}"


def start_job(job: ExportJob, *, total: int) -> None:
    job.status, job.started_at = ExportStatus.RUNNING, timezone.now()
    job.progress_done, job.progress_total, job.error = 0, total, ""
    job.save(update_fields=["status", "started_at", "progress_done", "progress_total", "error"])


def report_progress(job: ExportJob, done: int) -> None:
    # An UPDATE outside any transaction, so the progress page sees it at once.
    job.progress_done = done
    ExportJob.objects.filter(pk=job.pk).update(progress_done=done)


def fail_job(job: ExportJob, message: str) -> None:
    try:
        path = job_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
    except OSError:
        logger.exception("could not remove the partial file of export %s", job.pk)
    job.status, job.error, job.file_name = ExportStatus.FAILED, message, ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "file_name", "finished_at"])


def finish_job(job: ExportJob, *, rows: int) -> None:
    job.status, job.rows, job.finished_at = ExportStatus.DONE, rows, timezone.now()
    job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "rows",
            "finished_at",
            "progress_done",
            "progress_total",
            "file_name",
        ]
    )


# --- The attendee list as CSV --------------------------------------------------------------------


def request_attendee_export(event: Event, *, by: User, language: str = "") -> ExportJob:
    """Queue an attendee list export; the file is written by a Celery task."""
    require_team(event, by)
    languages = event.languages or [settings.LANGUAGE_CODE]
    with transaction.atomic():
        job = ExportJob.objects.create(
            event=event,
            requested_by=by,
            kind=ExportKind.ATTENDEES_CSV,
            language=language if language in languages else languages[0],
        )
        enqueue_after_commit("events.tasks.export_attendees", job.pk)
    return job


# --- Downloading and expiry ----------------------------------------------------------------


def download_name(job: ExportJob) -> str:
    day = timezone.localtime(job.finished_at or job.created_at, job.event.tz).strftime("%Y-%m-%d")
    return f"{job.event.slug}-{day}-{DOWNLOAD_SUFFIX[job.kind]}"


def open_export(job: ExportJob, *, by: User) -> Path:
    """A finished export's file, for the team only; every download goes into the audit log."""
    require_team(job.event, by)
    path = job_path(job) if job.is_downloadable else None
    if path is None or not path.is_file():
        raise ExportError(
            _("This export's file is no longer on the server. Make a new export."),
            code="export.gone",
        )
    record_audit(
        job.event,
        AuditAction.EXPORT_DOWNLOADED,
        by=by,
        subject=f"export:{job.pk}",
        rows=job.rows,
        details={"kind": job.kind},
    )
    return path


def delete_export_files(jobs: QuerySet[ExportJob]) -> int:
    """Delete the jobs' files (after the transaction commits) and mark them expired."""
    paths = [path for job in jobs if (path := job_path(job)) is not None]
    updated = jobs.update(status=ExportStatus.EXPIRED, file_name="")

    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.on_commit(remove)
    return updated


def delete_expired_exports(now=None) -> int:
    """Periodic: remove export files older than EXPORT_FILE_KEEP_DAYS, and stray files."""
    cutoff = (now or timezone.now()) - timedelta(days=limit("EXPORT_FILE_KEEP_DAYS"))
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff).exclude(file_name="")
    deleted = delete_export_files(expired)
    known = set(ExportJob.objects.exclude(file_name="").values_list("file_name", flat=True))
    for path in exports_dir().iterdir():
        is_old = path.is_file() and path.stat().st_mtime < cutoff.timestamp()
        if is_old and path.name not in known:
            path.unlink(missing_ok=True)  # left by a crashed task or a deleted event
    return deleted

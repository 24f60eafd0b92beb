"""The attendee list as a CSV file (an exporter): one row per registration with its answers,
written for an export job of services/exports.py, which keeps the job, its file and its expiry.
Cells that start like a formula are made harmless (services/spreadsheets.py)."""

from __future__ import annotations

import csv
import logging

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..enums import AuditAction
from ..models import Answer, Attendee, Event, ExportJob, Question
from ..services.audit import record_audit
from ..services.exports import (
    fail_job,
    finish_job,
    job_path,
    limit,
    new_file_name,
    report_progress,
    start_job,
)
from ..services.privacy import shown_name
from ..services.spreadsheets import csv_row

logger = logging.getLogger(__name__)


def export_questions(event: Event) -> list[Question]:
    """Every question, archived ones too: their answers are still stored."""
    return list(event.questions.select_related("event").order_by("position", "id"))


def attendee_header(questions: list[Question], language: str) -> list[str]:
    header = [
        _("Registration"),
        _("Kind"),
        _("Status"),
        _("Name"),
        _("E-mail address"),
        _("Institution"),
        _("Registered"),
        _("Confirmed"),
        _("Visible to others"),
    ]
    for question in questions:
        label = question.label_in(language) or question.identifier
        header.append(_("%(question)s (archived)") % {"question": label} if question.is_archived else label)
    return header


def _local(moment, event: Event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def attendee_row(attendee: Attendee, questions: list[Question], language: str) -> list[str]:
    event = attendee.event
    answers = {answer.question_id: answer for answer in attendee.answers.all()}
    row = [
        attendee.pk,
        attendee.get_kind_display(),
        attendee.get_status_display(),
        shown_name(attendee),
        attendee.email,
        attendee.institution.name if attendee.institution_id else "",
        _local(attendee.created_at, event),
        _local(attendee.confirmed_at, event),
        _("Yes") if attendee.visible_to_others else _("No"),
    ]
    for question in questions:
        answer = answers.get(question.pk)
        row.append(answer.display_in(language) if answer else "")
    return csv_row(row)


def export_attendees_csv(job: ExportJob) -> ExportJob:
    """Write the event's attendee list, reporting progress every EXPORT_PROGRESS_EVERY rows.

    On failure the partial file is removed and the job says why; a finished job is left alone
    (a redelivered task does nothing twice). The finished export is written to the audit log.
    """
    if job.is_finished:
        return job
    event, every = job.event, max(1, limit("EXPORT_PROGRESS_EVERY"))
    attendees = (
        Attendee.objects.filter(event=event)
        .select_related("event", "institution")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .order_by("created_at", "id")
    )
    start_job(job, total=attendees.count())
    job.file_name = new_file_name(job, "csv")
    written = 0
    try:
        with translation.override(job.language or None):
            questions = export_questions(event)
            # utf-8-sig: spreadsheets then read Korean names correctly.
            with open(job_path(job), "w", newline="", encoding="utf-8-sig") as handle:
                handle_writer = csv.writer(handle)
                handle_writer.writerow(csv_row(attendee_header(questions, job.language)))
                for attendee in attendees.iterator(chunk_size=every):
                    handle_writer.writerow(attendee_row(attendee, questions, job.language))
                    written += 1
                    if written % every == 0:
                        report_progress(job, written)
    except Exception:
        logger.exception("attendee export %s failed", job.pk)
        fail_job(job, _("The export failed. Try again; if it fails again, tell the site's operator."))
        return job
    job.progress_total = written  # people may have registered while it ran
    finish_job(job, rows=written)
    record_audit(
        event,
        AuditAction.ATTENDEES_EXPORTED,
        by=job.requested_by,
        subject=f"export:{job.pk}",
        rows=written,
        details={"kind": job.kind},
    )
    return job

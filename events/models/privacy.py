"""Privacy records: the audit log of every export and deletion of personal data, and export jobs
(files written by a Celery task into a private folder that is never served publicly).

The audit log itself holds no attendee's personal data: subjects are references such as
"attendee:45" or "export:12", so shredding an event leaves its audit log intact and harmless.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import AuditActor, ExportKind, ExportStatus
from ..registry import audit_action_choices
from .event import Event

FINISHED_STATUSES = (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)


class AuditLogEntry(models.Model):
    """Who did what with personal data of an event, and when."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(_("by"), max_length=12, choices=AuditActor.choices)
    # A team member's e-mail address as it was then: the log must still say who after the
    # account changes. Blank for attendees and automatic retention (no personal data here).
    actor_label = models.CharField(max_length=254, blank=True)
    # The event's own actions and those other apps register (a callable: read when shown).
    action = models.CharField(_("what"), max_length=32, choices=audit_action_choices)
    subject = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("records"), null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["event", "-created_at"], name="audit_event_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.subject}) @ {self.created_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A file of personal data being written (or written) for the event team."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="export_jobs")
    # Null: started by automatic retention (or the requester's account is gone).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    # Column headings and labels are written in the language of the person who asked.
    language = models.CharField(max_length=8, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(_("records"), null=True, blank=True)
    # Relative to the private exports folder (services.exports.exports_dir), never under MEDIA_ROOT.
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    shredded_at = models.DateTimeField(null=True, blank=True)  # archives made before shredding

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file_name)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

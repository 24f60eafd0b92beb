"""Organiser pages of personal data: attendee exports with progress, downloads, the audit log,
and the shredder. The whole team sees them (also for closed events); only owners shred.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from ..enums import AuditActor, ExportKind, ExportStatus
from ..errors import NotAllowed
from ..interfaces.privacy_forms import ConfirmShredForm
from ..models import AuditLogEntry, ExportJob
from ..permissions import DELETE_EVENT
from ..registry import audit_actors, audit_subjects
from ..services.audit import audit_entries
from ..services.exports import (
    ExportError,
    download_name,
    limit,
    open_export,
    request_attendee_export,
)
from ..services.privacy import personal_data_deleted_on
from ..services.shredding import (
    ShredError,
    describe_shredding,
    has_personal_data,
    request_shred,
    shred_in_flight,
)
from .mixins import FormRefusalMixin, OrganiserMixin

AUDIT_PAGE_SIZE = 50


class ExportJobMixin(OrganiserMixin):
    """Loads `self.job`, one of this event's exports."""

    def get_job(self) -> ExportJob:
        return get_object_or_404(
            ExportJob.objects.select_related("event", "requested_by"),
            pk=self.kwargs["job_id"],
            event=self.event,
        )


def is_settled(job: ExportJob) -> bool:
    """Nothing more will happen to the job: an archive also waits for the shredding after it."""
    if job.kind == ExportKind.SHRED_ARCHIVE and job.status == ExportStatus.DONE:
        return bool(job.shredded_at or job.error)
    return job.is_finished


class ExportsView(OrganiserMixin, TemplateView):
    template_name = "events/privacy_admin/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = self.event.export_jobs.select_related("requested_by")[:50]
        return context


class ExportCreateView(OrganiserMixin, View):
    """Queue an attendee list export. Allowed on closed events: that is when it is needed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            job = request_attendee_export(self.event, by=request.user, language=get_language())
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        messages.success(request, _("The attendee list is being prepared. This page shows its progress."))
        return redirect("privacy_admin:export", slug=self.event.slug, job_id=job.pk)


class ExportView(ExportJobMixin, TemplateView):
    template_name = "events/privacy_admin/export.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = context["job"] = self.get_job()
        context["is_archive"] = job.kind == ExportKind.SHRED_ARCHIVE
        context["settled"] = is_settled(job)
        context["keep_days"] = limit("EXPORT_FILE_KEEP_DAYS")
        return context


class ExportProgressView(ExportJobMixin, View):
    """The job's progress for progress.js, polled about once a second."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        response = JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "done": job.progress_done,
                "total": job.progress_total,
                "percent": job.percent,
                "finished": is_settled(job),
                "download_url": reverse("privacy_admin:export_download", args=[self.event.slug, job.pk])
                if job.is_downloadable
                else None,
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class ExportDownloadView(ExportJobMixin, View):
    """The file, for the event team only; each download is written to the audit log."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            path = open_export(job, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ExportError as error:
            messages.error(request, error.message)
            return redirect("privacy_admin:export", slug=self.event.slug, job_id=job.pk)
        content_type = "text/csv" if job.kind == ExportKind.ATTENDEES_CSV else "application/json"
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=download_name(job),
            content_type=content_type,
        )
        response["Cache-Control"] = "no-store"
        return response


def describe_subject(entry: AuditLogEntry) -> str:
    """An audit entry's subject ("export:12") in the reader's words."""
    kind, _sep, number = entry.subject.partition(":")
    if kind == "export":
        return _("Export #%(number)s") % {"number": number}
    if kind == "attendee":
        return _("Registration #%(number)s") % {"number": number}
    if kind in audit_subjects:
        return audit_subjects[kind](number)
    if kind == "access_codes":
        return _("Access codes of institutions (CSV)")
    return entry.subject


def describe_actor(entry: AuditLogEntry) -> str:
    """Who did it: a team member by address, another app's actor as it words them (by address and
    side), else the role."""
    if entry.actor_role == AuditActor.TEAM:
        return entry.actor_label
    if entry.actor_role in audit_actors:
        return audit_actors[entry.actor_role](entry.actor_label)
    return entry.get_actor_role_display()


class AuditLogView(OrganiserMixin, TemplateView):
    template_name = "events/privacy_admin/audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(audit_entries(self.event), AUDIT_PAGE_SIZE).get_page(self.request.GET.get("page"))
        for entry in page.object_list:
            entry.subject_text = describe_subject(entry)
            entry.actor_text = describe_actor(entry)
        context["page"] = page
        return context


class ShredView(FormRefusalMixin, OrganiserMixin, FormView):
    """What shredding removes, for the whole team; the typed confirmation is for owners only."""

    template_name = "events/privacy_admin/shred.html"
    form_class = ConfirmShredForm
    write_permission = DELETE_EVENT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_shred = self.request.user.has_perm(DELETE_EVENT, self.event)
        context.update(
            can_shred=can_shred,
            strategies=describe_shredding(self.event),
            has_personal_data=has_personal_data(self.event),
            in_flight=shred_in_flight(self.event),
            deleted_on=personal_data_deleted_on(self.event),
            keep_days=limit("EXPORT_FILE_KEEP_DAYS"),
        )
        if not can_shred:
            context.pop("form", None)
        return context

    def form_valid(self, form):
        try:
            job = request_shred(
                self.event,
                by=self.request.user,
                confirmation=form.cleaned_data["confirmation"],
                language=get_language(),
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ShredError as error:
            return self.form_refused(
                form, error, "confirmation" if error.code == "shred.unconfirmed" else None
            )
        messages.success(
            self.request,
            _("The archive is being written; the personal data is deleted as soon as it is ready."),
        )
        return redirect("privacy_admin:export", slug=self.event.slug, job_id=job.pk)

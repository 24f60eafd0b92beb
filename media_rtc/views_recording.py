"""Pages of recordings: the organiser starts and stops recording a session's stage or a booth's
room (and sees how each recording ended and its replay), and the replay's files and progress,
served from PRIVATE_ROOT only to those who may watch them."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.errors import NotAllowed
from events.permissions import ENTER_EVENT, MANAGE_EVENT
from events.views.mixins import EventPageMixin, OrganiserMixin
from exhibits.models import Booth

from .models import Recording, RecordingState
from .rules import RECORD_ROOMS
from .services.recordings import (
    RecordingError,
    failure_text,
    file_of,
    start_recording,
    stop_reason_text,
    stop_recording,
)

#: Which of a recording's files a URL names, and the type it is served as.
VARIANTS = {
    "replay": ("replay_file", "video/webm"),
    "low": ("low_file", "video/mp4"),
    "poster": ("poster_file", "image/webp"),
}
_OTHER = re.compile(r"^other-([1-9][0-9]?)$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
#: A range answer holds at most this much (a browser asks again for the rest): "bytes=0-" of a
#: four-hour recording must not be read into memory.
RANGE_CHUNK = 4 * 1024 * 1024


class RecordingTargetMixin(OrganiserMixin):
    """A session's stage or a booth's room of this event, from the URL (else 404)."""

    refused_reason = _("Only the event's organisers can record its sessions and booths.")

    @cached_property
    def session(self):
        if "session_id" not in self.kwargs:
            return None
        return get_object_or_404(self.event.sessions, pk=self.kwargs["session_id"])

    @cached_property
    def booth(self):
        if "booth_id" not in self.kwargs:
            return None
        return get_object_or_404(
            Booth.objects.select_related("exhibitor"), pk=self.kwargs["booth_id"], event=self.event
        )

    def recordings(self):
        found = Recording.objects.filter(event=self.event)
        return found.filter(session=self.session) if self.session else found.filter(booth=self.booth)

    def page(self):
        if self.session is not None:
            return redirect("recordings:session", slug=self.event.slug, session_id=self.session.pk)
        return redirect("recordings:booth", slug=self.event.slug, booth_id=self.booth.pk)


class RecordingPageView(RecordingTargetMixin, TemplateView):
    """The recordings of one session's stage or booth's room, with Start or Stop."""

    template_name = "media_rtc/organiser/recordings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [
            {
                "recording": recording,
                "stop_reason": stop_reason_text(recording),
                "failure": failure_text(recording),
            }
            for recording in self.recordings().select_related("started_by")
        ]
        context.update(
            session=self.session,
            booth=self.booth,
            rows=rows,
            recording_now=any(row["recording"].state == RecordingState.RECORDING for row in rows),
            may_record=self.request.user.has_perm(RECORD_ROOMS, self.event),
        )
        return context


class StartRecordingView(RecordingTargetMixin, View):
    http_method_names = ["post"]
    write_permission = RECORD_ROOMS

    def post(self, request, *args, **kwargs):
        try:
            start_recording(self.event, session=self.session, booth=self.booth, by=request.user)
        except (RecordingError, NotAllowed) as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Recording. Everyone on air is told that they are recorded."))
        return self.page()


class StopRecordingView(RecordingTargetMixin, View):
    http_method_names = ["post"]
    write_permission = RECORD_ROOMS

    def post(self, request, *args, **kwargs):
        current = self.recordings().filter(state=RecordingState.RECORDING).first()
        if current is None:
            messages.info(request, _("Nothing is being recorded here."))
            return self.page()
        try:
            stop_recording(current, by=request.user)
        except NotAllowed as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Recording stopped. The replay is being prepared."))
        return self.page()


class ReplayMixin(EventPageMixin):
    """A recording of this event that the visitor may watch: a session's replay for everyone in
    the live event, a booth room's for its organisers only (it is not shown to visitors)."""

    @cached_property
    def recording(self) -> Recording:
        return get_object_or_404(Recording, pk=self.kwargs["recording_id"], event=self.event)

    def permitted(self) -> None:
        user = self.request.user
        needed = ENTER_EVENT if self.recording.session_id else MANAGE_EVENT
        if not user.has_perm(needed, self.event):
            raise Http404(_("No such recording."))


class ReplayProgressView(ReplayMixin, View):
    """progress.js's view of a replay being prepared."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        recording = self.recording
        finished = recording.state in (RecordingState.READY, RecordingState.FAILED)
        return JsonResponse(
            {
                "done": recording.progress,
                "total": 100,
                "percent": recording.progress,
                "finished": finished,
                "status_label": recording.get_state_display(),
            },
            headers={"Cache-Control": "no-store"},
        )


class ReplayFileView(ReplayMixin, View):
    """A replay's WebM, its low-bitrate MP4 or its poster, with byte ranges so the video seeks."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        if self.recording.state != RecordingState.READY:
            raise Http404(_("No such recording."))
        variant = self.kwargs["variant"]
        other = _OTHER.match(variant)
        if other is not None:  # another publisher's stream, "other-1" for other_files[0]
            index = int(other.group(1)) - 1
            names = self.recording.other_files
            name, content_type = (names[index] if 0 <= index < len(names) else ""), "video/webm"
        else:
            field, content_type = VARIANTS.get(variant, (None, None))
            name = getattr(self.recording, field) if field else ""
        path = file_of(self.recording, name)
        if path is None:
            raise Http404(_("No such recording."))
        return ranged_file(request, path, content_type)


def ranged_file(request, path, content_type: str):
    """The file, or the one byte range a <video> asks for (Django's FileResponse sends it whole)."""
    size = path.stat().st_size
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        first, last = match.groups()
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        end = min(end, start + RANGE_CHUNK - 1)
        if start >= size or start > end:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        handle = path.open("rb")
        handle.seek(start)
        response = HttpResponse(handle.read(end - start + 1), content_type=content_type, status=206)
        handle.close()
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Recording a live room and preparing its replay: the organiser starts and stops it (a session's
stage or a booth's room), the room's media process writes what passes (media_rtc/recording.py),
and a task remuxes it into WebM and makes the low-bitrate variant booth videos get.

recording → processing → ready, or failed with a code saying why. The files live in
PRIVATE_ROOT/recordings/<id>/ and go with the row (a deleted session, booth or event takes them).
A recording whose media process died is found by its stale heartbeat (`sweep_interrupted_recordings`)
and goes on to processing like any other, from what reached the disk.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from events.errors import NotAllowed, RakwonError
from events.queue import enqueue_after_commit
from exhibits.processing import ProcessingError
from exhibits.processing.video import VideoLimits, transcode_video

from ..errors import RtcError
from ..models import Recording, RecordingState
from ..recording import (
    CAP_REACHED,
    DISK_ERROR,
    DISK_TOO_SLOW,
    INTERRUPTED,
    MEDIA_STOPPED,
    STOPPED,
    last_heartbeat,
)
from ..replay import ReplayError, remux_recording
from ..rooms import booth_room
from ..routing import get_router
from ..rules import RECORD_ROOMS

log = logging.getLogger(__name__)

RECORDINGS_FOLDER = "recordings"
#: Of the replay's preparation: the remux is quick, the low-bitrate variant takes the rest.
REMUX_SHARE = 20

#: What the organiser reads about how a recording ended.
STOP_REASONS = {
    STOPPED: _("Stopped by the organiser."),
    CAP_REACHED: _(
        "Stopped by itself at the longest or largest recording allowed (RECORDING_MAX_SECONDS, "
        "RECORDING_MAX_BYTES). What was recorded is kept; start a new recording to go on."
    ),
    DISK_ERROR: _(
        "Stopped because the server could not write the recording (is its disk full?). What was "
        "written until then is kept. Ask the operator to free space, then start a new recording."
    ),
    MEDIA_STOPPED: _(
        "Stopped because the media server was shut down (a restart). What was recorded is kept; "
        "start a new recording to go on."
    ),
    DISK_TOO_SLOW: _(
        "Stopped because the server's disk could not keep up. What was written until then is kept. "
        "Ask the operator to check the disk, then start a new recording."
    ),
    INTERRUPTED: _(
        "Interrupted at %(time)s: the media server stopped without finishing the recording. The "
        "replay is prepared from what was recorded until then; start a new recording to go on."
    ),
}
FAILURES = {
    "recording.empty": _("Nothing was recorded: nobody was live while recording was on."),
    "recording.unreadable": _("The recorded files could not be read, so there is no replay."),
    "recording.not_started": _("Recording could not start on the media server. Try again in a moment."),
    "recording.unexpected": _("Something went wrong on our side while preparing the replay."),
}


class RecordingError(RakwonError):
    code = "recording.error"


class AlreadyRecording(RecordingError):
    code = "recording.already_recording"


def stage_room_of(session_id: int) -> str:
    """The live room of a session's stage (media_rtc/rooms.py names rooms the same way)."""
    return f"stage.{int(session_id)}"


def folder_of(recording: Recording) -> Path:
    return Path(settings.PRIVATE_ROOT) / recording.folder


def file_of(recording: Recording, name: str) -> Path | None:
    """One of the recording's files by its stored name, or None if it has none (or it is gone)."""
    if not name or not recording.folder:
        return None
    path = folder_of(recording) / name
    return path if path.is_file() else None


def stop_reason_text(recording: Recording) -> str:
    if not recording.stop_reason:
        return ""
    text = str(STOP_REASONS.get(recording.stop_reason, ""))
    if recording.stop_reason == INTERRUPTED:
        at = recording.stopped_at or recording.started_at
        local = timezone.localtime(at, recording.event.tz) if at else None
        text = text % {"time": formats.time_format(local, "H:i") if local else "?"}
    return text


def failure_text(recording: Recording) -> str:
    if not recording.failure:
        return ""
    return str(FAILURES.get(recording.failure, FAILURES["recording.unexpected"]))


def recording_now(room: str) -> Recording | None:
    return Recording.objects.filter(room=room, state=RecordingState.RECORDING).first()


# --- Starting and stopping -----------------------------------------------------------------


def start_recording(event, *, session=None, booth=None, by) -> Recording:
    """Record a session's stage or a booth's room of `event` from now on, as the organiser `by`."""
    if not by.has_perm(RECORD_ROOMS, event):
        raise NotAllowed(_("Only the event's organisers can record its sessions and booths."))
    if (session is None) == (booth is None) or (session or booth).event_id != event.pk:
        raise RecordingError(_("Choose a session or a booth of this event to record."))
    room = stage_room_of(session.pk) if session is not None else booth_room(booth.pk)
    try:
        with transaction.atomic():
            recording = Recording.objects.create(
                event=event, room=room, session=session, booth=booth, started_by=by
            )
            recording.folder = f"{RECORDINGS_FOLDER}/{recording.pk}"
            recording.save(update_fields=["folder"])
    except IntegrityError:
        raise AlreadyRecording(_("This is being recorded already.")) from None
    try:
        _tell_room(
            room,
            "record.start",
            recording=recording.pk,
            folder=str(folder_of(recording)),
            max_bytes=settings.RECORDING_MAX_BYTES,
            max_seconds=settings.RECORDING_MAX_SECONDS,
        )
    except (RtcError, OSError):
        log.warning("recording %s of %s could not start", recording.pk, room, exc_info=True)
        _fail(recording, "recording.not_started")
        raise RecordingError(FAILURES["recording.not_started"]) from None
    return recording


def stop_recording(recording: Recording, *, by) -> Recording:
    """Stop recording; the replay is then prepared in the background. Stopping twice is a no-op."""
    if not by.has_perm(RECORD_ROOMS, recording.event):
        raise NotAllowed(_("Only the event's organisers can record its sessions and booths."))
    if recording.state != RecordingState.RECORDING:
        return recording
    try:
        stopped = _tell_room(recording.room, "record.stop", recording=recording.pk)
    except RtcError as failed:
        log.warning("recording %s: the media process did not answer the stop (%r)", recording.pk, failed)
        stopped = {"known": False}
    if stopped.get("known") is False:
        # The media process died (or was replaced by one that never heard of this recording): what
        # it wrote until then is on the disk, prepare that, told as interrupted when it last beat.
        finish_recording(recording.pk, INTERRUPTED, at=last_alive(recording))
    else:
        finish_recording(recording.pk, stopped.get("reason") or STOPPED)
    recording.refresh_from_db()
    return recording


def finish_recording(recording_id: int, reason: str, error: str = "", *, at: datetime | None = None) -> bool:
    """Recording `recording_id` stopped (asked to, by itself at a cap or on a disk error, or
    interrupted `at` the time its media process last beat): its replay is prepared from what was
    written. Safe to run twice: False when it had stopped already."""
    with transaction.atomic():
        recording = Recording.objects.select_for_update().filter(pk=recording_id).first()
        if recording is None or recording.state != RecordingState.RECORDING:
            return False
        if error:
            log.warning("recording %s stopped (%s): %s", recording_id, reason, error)
        recording.state = RecordingState.PROCESSING
        recording.stop_reason = reason if reason in STOP_REASONS else STOPPED
        recording.stopped_at = at or timezone.now()
        recording.progress = 0
        recording.save(update_fields=["state", "stop_reason", "stopped_at", "progress"])
        enqueue_after_commit("media_rtc.tasks.prepare_replay", recording.pk)
    return True


# --- Recordings whose media process died ------------------------------------------------------


def last_alive(recording: Recording) -> datetime:
    """When the recording's media process last touched its heartbeat (its start if it never did)."""
    beat = last_heartbeat(folder_of(recording)) if recording.folder else None
    if beat is None:
        return recording.started_at
    return max(recording.started_at, datetime.fromtimestamp(beat, tz=UTC))


def sweep_interrupted_recordings(*, now: datetime | None = None) -> list[int]:
    """Stop, as INTERRUPTED, every recording whose heartbeat is older than RECORDING_STALE_SECONDS
    (its media process was killed) and prepare its replay from what reached the disk. Returns the
    ones stopped now; a second sweep finds none of them again."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.RECORDING_STALE_SECONDS)
    swept = []
    for recording in Recording.objects.filter(state=RecordingState.RECORDING, started_at__lt=stale_before):
        alive = last_alive(recording)
        if alive < stale_before and finish_recording(recording.pk, INTERRUPTED, at=alive):
            log.warning(
                "recording %s of %s interrupted: no heartbeat since %s", recording.pk, recording.room, alive
            )
            swept.append(recording.pk)
    return swept


def _tell_room(room: str, op: str, **args) -> dict:
    """Ask the process hosting `room` (this one, or its media worker) to do `op`."""

    async def call() -> dict:
        return await get_router().call(room, op, **args)

    return async_to_sync(call)()


# --- The replay ------------------------------------------------------------------------------


def prepare_replay(recording_id: int) -> None:
    """Remux the recording into WebM (no re-encoding), then make its low-bitrate variant and
    poster as booth videos get them; progress 0–100 on the row as it goes. Safe to run twice."""
    recording = Recording.objects.filter(pk=recording_id, state=RecordingState.PROCESSING).first()
    if recording is None:
        return
    folder = folder_of(recording)

    def report(percent: int) -> None:
        Recording.objects.filter(pk=recording_id).update(progress=max(0, min(99, int(percent))))

    try:
        replay = remux_recording(folder, progress=lambda p: report(p * REMUX_SHARE // 100))
    except ReplayError as failed:
        _fail(recording, failed.code)
        return
    recording.replay_file = replay.main.name
    recording.other_files = [other.name for other in replay.others]
    recording.duration = replay.duration
    recording.save(update_fields=["replay_file", "other_files", "duration"])
    report(REMUX_SHARE)
    try:
        low = transcode_video(
            replay.main,
            folder,
            limits=_low_limits(),
            progress=lambda p: report(REMUX_SHARE + p * (100 - REMUX_SHARE) // 100),
        )
    except ProcessingError:
        # The main WebM plays; only the light variant is missing (an audio-only recording, say).
        log.info("recording %s: no low-bitrate variant", recording_id, exc_info=True)
    else:
        recording.low_file, recording.poster_file = low.variant.name, low.poster.name
    recording.state, recording.progress = RecordingState.READY, 100
    recording.save(update_fields=["low_file", "poster_file", "state", "progress"])


def _low_limits() -> VideoLimits:
    return VideoLimits(
        height=settings.VIDEO_LOW_HEIGHT,
        bitrate=settings.VIDEO_LOW_BITRATE,
        audio_bitrate=settings.VIDEO_LOW_AUDIO_BITRATE,
        max_fps=settings.VIDEO_LOW_MAX_FPS,
        max_seconds=max(settings.VIDEO_MAX_SECONDS, settings.RECORDING_MAX_SECONDS),
        max_pixels=settings.VIDEO_MAX_PIXELS,
        poster_width=settings.VIDEO_POSTER_WIDTH,
    )


def _fail(recording: Recording, code: str) -> None:
    recording.state, recording.failure = RecordingState.FAILED, code
    recording.save(update_fields=["state", "failure"])


# --- Deleting --------------------------------------------------------------------------------


def delete_recording_files(sender, instance: Recording, **_kwargs) -> None:
    """post_delete of a Recording (itself, or its session, booth or event being deleted)."""
    if not instance.folder:
        return
    folder = folder_of(instance)
    root = (Path(settings.PRIVATE_ROOT) / RECORDINGS_FOLDER).resolve()
    if folder.resolve().parent != root:
        return  # never delete anything but a recording's own folder
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


post_delete.connect(delete_recording_files, sender=Recording, dispatch_uid="media_rtc.recording_files")

"""Celery tasks of live video: thin wrappers around media_rtc.services.recordings.

Safe to run twice and acknowledged only when finished (events/tasks.py's RELIABLY): a worker killed
while preparing a replay leaves it to another worker, which starts it again.
"""

from celery import shared_task

from events.tasks import RELIABLY
from exhibits.tasks import PROCESSING_TIME_LIMITS

from .services import recordings


@shared_task(**RELIABLY, **PROCESSING_TIME_LIMITS)
def prepare_replay(recording_id: int) -> None:
    """After recording stops: remux into WebM (no re-encoding), then the low-bitrate variant."""
    recordings.prepare_replay(recording_id)


@shared_task(**RELIABLY)
def finish_recording(recording_id: int, reason: str, error: str = "") -> None:
    """A recorder stopped by itself (a cap, the disk): the media process says so through here."""
    recordings.finish_recording(recording_id, reason, error)


@shared_task(**RELIABLY)
def sweep_interrupted_recordings() -> int:
    """Periodic (each minute): recordings whose media process died (a stale heartbeat) are stopped
    as interrupted and their replay prepared from what was recorded; returns how many."""
    return len(recordings.sweep_interrupted_recordings())

"""The native fan-out of live video (fanout.c), or why this process forwards in Python instead.

`load()` says once, in the log, which path this process uses; `/readyz` shows the same
(`description()`). RAKWON_NATIVE_FANOUT=0 forces the pure-Python path (CI runs the media tests both
ways). A viewer whose connection the native path cannot serve (a TURN relay) stays on the Python
path on its own; see media_rtc/forwarding.py.

`send_soon()` hands a frame to the process's one sending thread: sending it to hundreds of viewers
takes milliseconds, which must not be the event loop's (ICE consent and DTLS of joining viewers
time out behind it, issue 13). fanout.c's guards keep the loop's own SRTP use apart from it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

logger = logging.getLogger(__name__)

#: "0" turns the native fan-out off for the whole process (anything else, or unset: on if built).
ENVIRONMENT_SWITCH = "RAKWON_NATIVE_FANOUT"

_loaded: tuple[ModuleType | None, str] | None = None


def _try_load() -> tuple[ModuleType | None, str]:
    if os.environ.get(ENVIRONMENT_SWITCH, "").strip() == "0":
        return None, f"turned off ({ENVIRONMENT_SWITCH}=0)"
    try:
        from . import _fanout  # the optional C extension: absent when built without a compiler
    except ImportError as error:
        return None, f"not built ({error}); reinstall with a C compiler: pip install -e ."
    # aiortc is heavy: /readyz imports this module to describe the fan-out without loading it
    from ..aiortc_internals import NativeUnavailable, srtp_protect_address

    try:
        _fanout.bind_srtp_protect(srtp_protect_address())
    except (NativeUnavailable, ImportError, AttributeError) as error:
        return None, f"libsrtp could not be bound ({error})"
    return _fanout, ""


def load() -> ModuleType | None:
    """The native module, or None (the reason is in `description()`); logged once per process."""
    global _loaded
    if _loaded is None:
        _loaded = _try_load()
        module, reason = _loaded
        if module is not None:
            logger.info("live video: native fan-out (one call per frame, libsrtp, sendmmsg)")
        else:
            logger.warning("live video: forwarding in Python, the native fan-out is %s", reason)
    return _loaded[0]


def description() -> str:
    """One line for /readyz."""
    module = load()
    if module is not None:
        return "native fan-out"
    assert _loaded is not None
    return f"Python fan-out: the native one is {_loaded[1]}"


#: The sending thread may lag this far behind the loop (seconds); beyond it, queued video is dropped
#: and its viewers restart at the next keyframe rather than falling ever further behind.
SEND_QUEUE_MAX_LAG = 1.0
#: Frames the sending thread sends per release of the GIL, at most (it takes what is queued).
SEND_BATCH_JOBS = 64
THREAD_NAME = "rakwon-native-fanout"


@dataclass(slots=True)
class _Job:
    queued_at: float
    #: send_frame's arguments: (outlets, chunks, timestamp, keyframe, source, generation, serial);
    #: holding them keeps the outlets and the chunks' bytes alive until the thread is done.
    frame: tuple | None = None
    video: bool = False
    #: What to call on the loop if this frame is dropped (the source's keyframe request).
    on_dropped: Callable[[], None] | None = None
    #: Outlets to mark waiting for a keyframe, in order with the frames (frames were dropped).
    restart: Sequence = ()
    #: Set once every job queued before it is done (`drain()`).
    done: threading.Event | None = None


class SendingThread:
    """One thread per process sending every native frame in the order they were queued (so each
    outlet's frames stay in order). fanout.c's send_frames releases the GIL for its work, once for
    all the frames queued meanwhile: each time the thread takes the GIL back from a busy event
    loop can cost it the interpreter's switch interval (5 ms), too much to pay per frame."""

    def __init__(self, send_frames: Callable[[list[tuple]], list[int]]) -> None:
        self._send_frames = send_frames
        self._jobs: deque[_Job] = deque()
        self._ready = threading.Condition(threading.Lock())
        self._behind = False  # in an episode of dropping (logged once)
        self._dropped = 0
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._pid == os.getpid() and self._thread.is_alive()

    def send(self, frame: tuple, *, video: bool, on_dropped: Callable[[], None] | None = None) -> None:
        """Queue `frame` (send_frame's arguments); called on the event loop, returns at once."""
        now = time.monotonic()
        job = _Job(now, frame, video, on_dropped)
        dropped: list[_Job] = []
        with self._ready:
            if self._jobs and now - self._jobs[0].queued_at > SEND_QUEUE_MAX_LAG:
                dropped = self._drop_behind(now)
            self._jobs.append(job)
            self._ready.notify()
            first_of_episode = bool(dropped) and not self._behind
            if dropped:
                self._behind = True
                self._dropped += len(dropped)
        if not dropped:
            return
        if first_of_episode:
            logger.warning(
                "live video: the native fan-out is over %.1f s behind; dropped %d queued frames, "
                "their viewers restart at the next keyframe",
                SEND_QUEUE_MAX_LAG,
                len(dropped),
            )
        asked = set()
        for old in dropped:
            if old.on_dropped is not None and old.on_dropped not in asked:
                asked.add(old.on_dropped)
                try:
                    old.on_dropped()
                except Exception:
                    logger.exception("asking for a keyframe after dropping frames failed")

    def _drop_behind(self, now: float) -> list[_Job]:
        """Drop every queued video frame and any frame older than the bound; the outlets they were
        for wait for a keyframe from where they were (a job ahead of the frames still queued)."""
        kept: deque[_Job] = deque()
        dropped: list[_Job] = []
        restart: dict[int, object] = {}
        for job in self._jobs:
            if job.frame is not None and (job.video or now - job.queued_at > SEND_QUEUE_MAX_LAG):
                dropped.append(job)
                if job.video:
                    for outlet in job.frame[0]:
                        restart[id(outlet)] = outlet
            else:
                kept.append(job)
        if restart:
            kept.appendleft(_Job(now, restart=tuple(restart.values())))
        self._jobs = kept
        return dropped

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every frame queued so far is sent (for tests). False on timeout."""
        done = threading.Event()
        with self._ready:
            self._jobs.append(_Job(time.monotonic(), done=done))
            self._ready.notify()
        return done.wait(timeout)

    def _run(self) -> None:
        while True:
            caught_up = None
            with self._ready:
                while not self._jobs:
                    self._ready.wait()
                # Whatever is queued, at most a batch: one GIL release for all of it.
                jobs = [self._jobs.popleft() for _ in range(min(len(self._jobs), SEND_BATCH_JOBS))]
                if self._behind and not self._jobs:  # nothing more queued: the episode is over
                    caught_up, self._dropped, self._behind = self._dropped, 0, False
            if caught_up is not None:
                logger.info("live video: the native fan-out caught up (%d frames dropped)", caught_up)
            self._run_jobs(jobs)
            del jobs  # the outlets and bytes go now, on this thread, with the GIL held

    def _run_jobs(self, jobs: list[_Job]) -> None:
        frames: list[tuple] = []
        for job in jobs:
            if job.frame is not None:
                frames.append(job.frame)
                continue
            self._send(frames)  # what was queued before a mark or a drain goes first
            frames = []
            try:
                for outlet in job.restart:
                    outlet.waiting_for_keyframe = True
            finally:
                if job.done is not None:
                    job.done.set()
        self._send(frames)

    def _send(self, frames: list[tuple]) -> None:
        if not frames:
            return
        try:
            self._send_frames(frames)
        except Exception:
            logger.exception("live video: the native fan-out failed to send %d frames", len(frames))


_sending: SendingThread | None = None
_sending_lock = threading.Lock()


def sending_thread() -> SendingThread:
    """The process's sending thread, started on first use (again in a forked child)."""
    global _sending
    sending = _sending
    if sending is not None and sending.alive:
        return sending
    with _sending_lock:
        if _sending is None or not _sending.alive:
            module = load()
            if module is None:
                raise RuntimeError(f"no native fan-out: {description()}")
            _sending = SendingThread(module.send_frames)
        return _sending


def send_soon(frame: tuple, *, video: bool, on_dropped: Callable[[], None] | None = None) -> None:
    """Send `frame` (fanout.send_frame's arguments) on the sending thread, in queue order."""
    sending_thread().send(frame, video=video, on_dropped=on_dropped)


def drain(timeout: float = 5.0) -> bool:
    """Wait until the frames queued so far are sent (True), or `timeout` passes (False)."""
    return _sending is None or not _sending.alive or _sending.drain(timeout)

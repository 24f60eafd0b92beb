"""Opening sound and video files with PyAV: a damaged file becomes a clear ProcessingError."""

from __future__ import annotations

from pathlib import Path

import av

from . import ProcessingError

# Bounds the work FFmpeg does guessing the format of a strange file before giving up.
PROBE_OPTIONS = {"probesize": str(5 * 1024 * 1024), "analyzeduration": str(10_000_000)}


def open_media(source: Path, kind: str):
    """Open a container for reading; `kind` ("video" or "audio") picks the error code."""
    try:
        return av.open(str(source), "r", options=PROBE_OPTIONS, timeout=30)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError):
        raise ProcessingError(f"{kind}.corrupt") from None


def first_stream(container, kind: str):
    """The container's first stream of `kind` ("video" or "audio"), or None.

    A cover picture attached to a sound file counts as no video (it is a still, not a film).
    """
    for stream in container.streams:
        if stream.type != kind:
            continue
        if kind == "video" and stream.disposition & av.stream.Disposition.attached_pic:
            continue
        return stream
    return None


def seconds_of(container, stream) -> float:
    """How long the file says it is (0.0 if it does not say, as browser recordings often do)."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0

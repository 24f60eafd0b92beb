"""A recording's files (media_rtc/recording.py) → WebM replays, by remuxing: the VP8 frames and
Opus packets are copied into the new container as they were recorded, never decoded or encoded.

The main replay holds the main publisher's video (the one with the most recorded frames: the
speaker or the booth's camera) and its sound; every other publisher's tracks become a WebM of
their own beside it. Each track is placed on the recording's timeline by its manifest offset.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from .recording import read_manifest

MAIN_REPLAY = "replay.webm"


class ReplayError(Exception):
    """The recording holds nothing to replay, or its files cannot be read; `code` names which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Replay:
    main: Path
    others: list[Path]
    duration: float


def remux_recording(folder: Path, *, progress: Callable[[int], None] | None = None) -> Replay:
    """Write replay.webm (and one WebM per other publisher) into `folder`; raises ReplayError."""
    manifest = read_manifest(folder)
    by_publisher: dict[str, dict[str, dict]] = {}
    for track in manifest.get("tracks", []):
        if track.get("frames") and (folder / track["file"]).is_file():
            by_publisher.setdefault(track["publisher"], {})[track["kind"]] = track
    if not by_publisher:
        raise ReplayError("recording.empty")
    order = sorted(
        by_publisher,
        key=lambda publisher: (-by_publisher[publisher].get("video", {}).get("frames", 0), publisher),
    )
    main = folder / MAIN_REPLAY
    others = []
    duration = _remux(folder, by_publisher[order[0]], main)
    if progress:
        progress(math.floor(100 / len(order)))
    for number, publisher in enumerate(order[1:], start=2):
        other = folder / f"replay-{number}.webm"
        _remux(folder, by_publisher[publisher], other)
        others.append(other)
        if progress:
            progress(math.floor(100 * number / len(order)))
    return Replay(main=main, others=others, duration=duration)


def _remux(folder: Path, tracks: dict[str, dict], target: Path) -> float:
    """Copy one publisher's video and/or audio into `target`; returns the length in seconds. A
    track that cannot be read (cut short before its first frame reached the disk) is left out."""
    opened = [found for kind in ("video", "audio") if (found := _open_track(folder, tracks.get(kind), kind))]
    try:
        if not opened:
            raise ReplayError("recording.unreadable")
        with av.open(str(target), "w", format="webm") as output:
            end = 0.0
            copies = [
                (source, stream, output.add_stream_from_template(stream), offset)
                for source, stream, offset in opened
            ]
            for source, stream_in, stream_out, offset in copies:
                end = max(end, _copy(source, stream_in, stream_out, output, offset))
    except av.error.FFmpegError:
        raise ReplayError("recording.unreadable") from None
    finally:
        for source, _stream, _offset in opened:
            source.close()
    return round(end, 3)


def _open_track(folder: Path, track: dict | None, kind: str):
    """(container, its stream of `kind`, offset in seconds), or None if there is none to read."""
    if track is None:
        return None
    try:
        source = av.open(str(folder / track["file"]), "r")
    except (av.error.FFmpegError, ValueError):
        return None
    streams = [stream for stream in source.streams if stream.type == kind]
    if not streams:
        source.close()
        return None
    return source, streams[0], float(track.get("offset") or 0.0)


def _copy(source, stream_in, stream_out, output, offset: float) -> float:
    """Mux every packet of `stream_in` into `stream_out`, `offset` seconds later; returns where the
    last one ends. A truncated last frame (the disk filled up) ends the copy, not the replay."""
    time_base = stream_in.time_base or Fraction(1, 1000)
    shift = round(offset / time_base)
    end = 0.0
    try:
        for packet in source.demux(stream_in):
            if packet.pts is None:
                continue
            packet.pts += shift
            packet.dts = packet.pts
            length = packet.duration or 0
            end = max(end, float((packet.pts + length) * time_base))
            packet.stream = stream_out
            output.mux(packet)
    except av.error.FFmpegError:
        pass
    return end

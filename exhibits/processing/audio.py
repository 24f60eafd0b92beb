"""Sound files and voice notes → small Opus files in Ogg (mono, about 32 kbit/s)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import av

from . import ProcessingError, Progress, report_every_percent
from .media import first_stream, open_media, seconds_of

OPUS_RATE = 48_000
OPUS_FRAME = 960  # 20 ms at 48 kHz: the frame size libopus expects


@dataclass(frozen=True)
class OpusAudio:
    variant: Path
    duration: float


def transcode_audio(
    source: Path, out_dir: Path, *, bitrate: int, max_seconds: int, progress: Progress | None = None
) -> OpusAudio:
    """Write audio.opus (Ogg Opus) into `out_dir`.

    Raises ProcessingError if the file cannot be read, has no audio stream or is too long.
    """
    report = report_every_percent(progress)
    container = open_media(source, "audio")
    try:
        audio_in = first_stream(container, "audio")
        if audio_in is None:
            raise ProcessingError("audio.no_audio_stream")
        try:
            av.codec.Codec(audio_in.codec_context.name, "r")
        except (av.error.FFmpegError, ValueError, AttributeError):
            raise ProcessingError("audio.unsupported", codec=audio_in.codec_context.name or "?") from None
        duration = seconds_of(container, audio_in)
        if duration > max_seconds:
            raise ProcessingError("audio.too_long", minutes=math.ceil(duration / 60), limit=max_seconds // 60)
        report(0)
        variant = out_dir / "audio.opus"
        heard = _encode(container, audio_in, variant, bitrate, max_seconds, duration, report)
    finally:
        container.close()
    report(100)
    return OpusAudio(variant=variant, duration=max(duration, heard) if duration else heard)


def _encode(container, audio_in, variant: Path, bitrate, max_seconds, duration, report) -> float:
    """Decode and encode; returns how many seconds of sound were written."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=OPUS_RATE, frame_size=OPUS_FRAME)
    samples = 0
    with av.open(str(variant), "w", format="ogg") as output:
        audio_out = output.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        audio_out.bit_rate = bitrate
        try:
            for packet in container.demux(audio_in):
                for frame in packet.decode():
                    for chunk in resampler.resample(frame):
                        samples += chunk.samples
                        output.mux(audio_out.encode(chunk))
                    heard = samples / OPUS_RATE
                    if heard > max_seconds:
                        # The header did not say how long it is (browser recordings): stop here.
                        raise ProcessingError(
                            "audio.too_long", minutes=math.ceil(heard / 60), limit=max_seconds // 60
                        )
                    if duration > 0:
                        report(min(99, 100 * heard / duration))
        except av.error.FFmpegError:
            if samples == 0:
                raise ProcessingError("audio.corrupt") from None
        if samples == 0:
            raise ProcessingError("audio.no_sound")
        for chunk in resampler.resample(None):
            samples += chunk.samples
            output.mux(audio_out.encode(chunk))
        output.mux(audio_out.encode(None))
    return samples / OPUS_RATE

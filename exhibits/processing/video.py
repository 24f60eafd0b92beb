"""Videos → a low-bitrate MP4 (H.264 + AAC, 360p) that plays on a 1 Mbit/s link, and a poster."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from . import ProcessingError, Progress, report_every_percent
from .media import first_stream, open_media, seconds_of

POSTER_QUALITY = 80
AUDIO_RATE = 48_000


@dataclass(frozen=True)
class LowVideo:
    variant: Path
    poster: Path
    width: int
    height: int
    duration: float


@dataclass(frozen=True)
class VideoLimits:
    height: int
    bitrate: int
    audio_bitrate: int
    max_fps: int
    max_seconds: int
    max_pixels: int
    poster_width: int


def transcode_video(
    source: Path, out_dir: Path, *, limits: VideoLimits, progress: Progress | None = None
) -> LowVideo:
    """Write video-low.mp4 and poster.webp into `out_dir`.

    Raises ProcessingError if the file cannot be read, has no video stream, a codec we cannot
    decode, too many pixels or is too long.
    """
    report = report_every_percent(progress)
    container = open_media(source, "video")
    try:
        video_in = first_stream(container, "video")
        if video_in is None:
            raise ProcessingError("video.no_video_stream")
        if video_in.codec_context is None or not _decodable(video_in):
            raise ProcessingError("video.unsupported", codec=_codec_name(video_in))
        width_in, height_in = video_in.codec_context.width, video_in.codec_context.height
        if width_in * height_in > limits.max_pixels:
            raise ProcessingError("video.too_many_pixels", width=width_in, height=height_in)
        duration = seconds_of(container, video_in)
        if duration > limits.max_seconds:
            raise ProcessingError(
                "video.too_long", minutes=math.ceil(duration / 60), limit=limits.max_seconds // 60
            )
        audio_in = first_stream(container, "audio")
        report(0)
        return _transcode(container, video_in, audio_in, out_dir, limits, duration, report)
    finally:
        container.close()


def _transcode(container, video_in, audio_in, out_dir, limits, duration, report) -> LowVideo:
    variant = out_dir / "video-low.mp4"
    poster = out_dir / "poster.webp"
    fps = _output_fps(video_in, limits.max_fps)
    # faststart moves the index to the front: a phone starts playing before the whole file arrives.
    with av.open(str(variant), "w", format="mp4", options={"movflags": "+faststart"}) as output:
        video_out = output.add_stream("libx264", rate=fps)
        video_out.time_base = Fraction(1, fps)
        video_out.pix_fmt = "yuv420p"
        video_out.bit_rate = limits.bitrate
        video_out.options = {
            "preset": "veryfast",
            "profile": "main",
            "maxrate": str(limits.bitrate),
            "bufsize": str(limits.bitrate * 2),
            "x264-params": "nal-hrd=vbr",
        }
        audio_out = resampler = None
        if audio_in is not None and _decodable(audio_in):
            audio_out = output.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
            audio_out.bit_rate = limits.audio_bitrate
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=1024)
        streams = [video_in] + ([audio_in] if audio_out is not None else [])
        size = None
        if video_in.codec_context.width and video_in.codec_context.height:
            # Sized before anything is muxed: the first packet muxed opens every encoder, and in a
            # recording the sound often starts before the first picture is decoded.
            size = _low_size(video_in.codec_context.width, video_in.codec_context.height, limits.height)
            video_out.width, video_out.height = size
        last_index = -1
        frames = 0
        last_time = 0.0
        poster_frame = None
        try:
            for packet in container.demux(streams):
                for frame in packet.decode():
                    if packet.stream is video_in:
                        if frame.time is None:
                            continue
                        if frame.time > limits.max_seconds:
                            # The header did not say how long it is (or lied): stop at the limit.
                            raise ProcessingError(
                                "video.too_long",
                                minutes=math.ceil(frame.time / 60),
                                limit=limits.max_seconds // 60,
                            )
                        index = round(frame.time * fps)
                        if index <= last_index:
                            continue  # more frames than the output rate: drop this one
                        last_index = index
                        if size is None:
                            size = _low_size(frame.width, frame.height, limits.height)
                            video_out.width, video_out.height = size
                        if poster_frame is None or frame.time <= 1.0:
                            # The poster: the last frame of the first second (often past a fade-in).
                            poster_frame = frame
                        small = frame.reformat(width=size[0], height=size[1], format="yuv420p")
                        small.pts, small.time_base = index, Fraction(1, fps)
                        output.mux(video_out.encode(small))
                        frames += 1
                        last_time = max(last_time, frame.time)
                        if duration > 0:
                            report(min(99, 100 * frame.time / duration))
                    else:
                        for chunk in resampler.resample(frame):
                            output.mux(audio_out.encode(chunk))
        except av.error.FFmpegError:
            # A broken packet deep in the file: keep what was read if there is a picture.
            if frames == 0:
                raise ProcessingError("video.corrupt") from None
        if frames == 0:
            raise ProcessingError("video.no_frames")
        output.mux(video_out.encode(None))
        if audio_out is not None:
            for chunk in resampler.resample(None):
                output.mux(audio_out.encode(chunk))
            output.mux(audio_out.encode(None))
    poster_image = poster_frame.to_image()
    poster_image.thumbnail((limits.poster_width, limits.poster_width))
    poster_image.convert("RGB").save(poster, "WEBP", quality=POSTER_QUALITY)
    report(100)
    # Browser recordings often do not say how long they are: then the last picture does.
    length = duration or last_time
    return LowVideo(variant=variant, poster=poster, width=size[0], height=size[1], duration=length)


def _decodable(stream) -> bool:
    try:
        av.codec.Codec(stream.codec_context.name, "r")
    except (av.error.FFmpegError, ValueError, AttributeError):
        return False
    return True


def _codec_name(stream) -> str:
    context = stream.codec_context
    return getattr(context, "name", None) or "?"


def _output_fps(stream, max_fps: int) -> int:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate or rate <= 0:
        return max_fps
    return max(1, min(max_fps, round(float(rate))))


def _low_size(width: int, height: int, target_height: int) -> tuple[int, int]:
    """Scale down to `target_height` lines (never up), keeping the shape; H.264 wants even sizes."""
    if height > target_height:
        width, height = width * target_height / height, target_height
    return max(2, int(width) // 2 * 2), max(2, int(height) // 2 * 2)

"""Tests of exhibits/processing/video.py on real videos made by the tests (PyAV), and bad ones."""

from __future__ import annotations

import av
import pytest
from PIL import Image

from exhibits.processing import ProcessingError
from exhibits.processing.video import VideoLimits, transcode_video
from tests.asset_factories import audio_bytes, video_bytes

LIMITS = VideoLimits(
    height=360,
    bitrate=400_000,
    audio_bitrate=64_000,
    max_fps=30,
    max_seconds=3600,
    max_pixels=4096 * 2304,
    poster_width=640,
)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def streams_of(path) -> list[tuple]:
    with av.open(str(path)) as container:
        return [
            (
                s.type,
                s.codec_context.name,
                getattr(s.codec_context, "width", None),
                getattr(s.codec_context, "height", None),
            )
            for s in container.streams
        ]


def test_transcode_video_360p_h264_mp4_with_sound_and_poster(tmp_path):
    source = write(tmp_path, "in.mp4", video_bytes(2, size=(1280, 720)))
    reported = []

    low = transcode_video(source, tmp_path, limits=LIMITS, progress=reported.append)

    assert (low.variant.name, low.width, low.height, low.duration) == ("video-low.mp4", 640, 360, 2.0)
    assert streams_of(low.variant) == [("video", "h264", 640, 360), ("audio", "aac", None, None)]
    with Image.open(low.poster) as poster:
        assert (poster.format, poster.size) == ("WEBP", (640, 360))
    assert reported[0] == 0 and reported[-1] == 100
    assert reported == sorted(reported) and len(reported) > 10


def test_transcode_video_webm_as_browsers_record_it(tmp_path):
    source = write(tmp_path, "in.webm", video_bytes(1, size=(640, 480), container_format="webm"))

    low = transcode_video(source, tmp_path, limits=LIMITS)

    assert (low.width, low.height, round(low.duration)) == (480, 360, 1)
    assert streams_of(low.variant) == [("video", "h264", 480, 360), ("audio", "aac", None, None)]


def test_transcode_video_small_source_not_scaled_up(tmp_path):
    source = write(tmp_path, "small.mp4", video_bytes(1, size=(320, 240), sound=False))

    low = transcode_video(source, tmp_path, limits=LIMITS)

    assert (low.width, low.height) == (320, 240)
    assert streams_of(low.variant) == [("video", "h264", 320, 240)]


def test_transcode_video_bitrate_within_limit(tmp_path):
    source = write(tmp_path, "in.mp4", video_bytes(3, size=(1280, 720)))

    low = transcode_video(source, tmp_path, limits=LIMITS)

    kbits_per_second = low.variant.stat().st_size * 8 / low.duration / 1000
    assert kbits_per_second <= 500


def test_transcode_video_sound_only_file_fails_no_video_stream(tmp_path):
    source = write(tmp_path, "talk.mp4", audio_bytes(1))

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path, limits=LIMITS)

    assert caught.value.code == "video.no_video_stream"
    assert caught.value.message == (
        "This file has sound but no picture (no video stream). Upload it as audio instead, or "
        "choose the video file."
    )


def test_transcode_video_truncated_fails_as_corrupt(tmp_path):
    data = video_bytes(2)
    source = write(tmp_path, "cut.mp4", data[: len(data) // 3])

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path, limits=LIMITS)

    assert caught.value.code == "video.corrupt"


def test_transcode_video_text_file_fails_as_corrupt(tmp_path):
    source = write(tmp_path, "clip.mp4", b"this is not a video\n" * 50)

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path, limits=LIMITS)

    assert caught.value.code == "video.corrupt"


def test_transcode_video_too_long_refused(tmp_path):
    source = write(tmp_path, "long.mp4", video_bytes(2, size=(160, 120), sound=False))
    limits = VideoLimits(**{**LIMITS.__dict__, "max_seconds": 1})

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path, limits=limits)

    assert caught.value.code == "video.too_long"


def test_transcode_video_too_many_pixels_refused(tmp_path):
    source = write(tmp_path, "big.mp4", video_bytes(0.2, size=(640, 480), sound=False))
    limits = VideoLimits(**{**LIMITS.__dict__, "max_pixels": 320 * 240})

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path, limits=limits)

    assert caught.value.code == "video.too_many_pixels"
    assert "640×480" in caught.value.message

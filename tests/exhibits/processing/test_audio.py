"""Tests of exhibits/processing/audio.py on real sound files made by the tests, and bad ones."""

from __future__ import annotations

import av
import pytest

from exhibits.processing import ProcessingError
from exhibits.processing.audio import transcode_audio
from tests.asset_factories import audio_bytes, png_bytes, video_bytes


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("container_format", "name"), [("ipod", "in.m4a"), ("wav", "in.wav"), ("ogg", "in.ogg")]
)
def test_transcode_audio_small_mono_opus_in_ogg(tmp_path, container_format, name):
    source = write(tmp_path, name, audio_bytes(2, container_format))
    reported = []

    opus = transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=3600, progress=reported.append)

    with av.open(str(opus.variant)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name, stream.channels) == ("ogg", "opus", 1)
    assert opus.duration == pytest.approx(2.0, abs=0.05)
    assert opus.variant.stat().st_size < 16_000  # about 32 kbit/s for 2 s
    assert reported[0] == 0 and reported[-1] == 100


def test_transcode_audio_sound_of_a_video(tmp_path):
    source = write(tmp_path, "clip.mp4", video_bytes(1))

    opus = transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=3600)

    assert opus.duration == pytest.approx(1.0, abs=0.05)


def test_transcode_audio_silent_video_fails_no_audio_stream(tmp_path):
    source = write(tmp_path, "mute.mp4", video_bytes(1, sound=False))

    with pytest.raises(ProcessingError) as caught:
        transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=3600)

    assert caught.value.code == "audio.no_audio_stream"
    assert caught.value.message == "This file has no sound (no audio stream). Upload a file with sound."


def test_transcode_audio_truncated_fails_as_corrupt(tmp_path):
    data = audio_bytes(2)
    source = write(tmp_path, "cut.m4a", data[: len(data) // 4])

    with pytest.raises(ProcessingError) as caught:
        transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=3600)

    assert caught.value.code == "audio.corrupt"


def test_transcode_audio_picture_fails_no_audio_stream(tmp_path):
    source = write(tmp_path, "photo.mp3", png_bytes((20, 20)))

    with pytest.raises(ProcessingError) as caught:
        transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=3600)

    assert caught.value.code == "audio.no_audio_stream"


def test_transcode_audio_too_long_refused(tmp_path):
    source = write(tmp_path, "long.wav", audio_bytes(2, "wav"))

    with pytest.raises(ProcessingError) as caught:
        transcode_audio(source, tmp_path, bitrate=32_000, max_seconds=1)

    assert caught.value.code == "audio.too_long"

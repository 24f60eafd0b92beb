"""Tests of exhibits/processing/sniff.py: formats are told by content, never by name."""

from __future__ import annotations

import io

import pytest

from exhibits.processing.sniff import sniff, sniff_bytes
from tests.asset_factories import audio_bytes, pdf_bytes, png_bytes, video_bytes


@pytest.mark.parametrize(
    ("data", "name", "family"),
    [
        (pdf_bytes(1), "pdf", "pdf"),
        (png_bytes((8, 8)), "png", "image"),
        (png_bytes((8, 8), image_format="JPEG"), "jpeg", "image"),
        (png_bytes((8, 8), image_format="GIF"), "gif", "image"),
        (png_bytes((8, 8), image_format="WEBP"), "webp", "image"),
        (video_bytes(0.2), "mp4", "media"),
        (audio_bytes(0.2), "mp4", "media"),
        (audio_bytes(0.2, "wav"), "wav", "media"),
        (audio_bytes(0.2, "ogg"), "ogg", "media"),
        (b"PK\x03\x04" + b"\x00" * 40, "zip", "archive"),
        ("Hello, 안녕하세요\n".encode(), "text", "text"),
    ],
)
def test_sniff_bytes_real_files_recognised(data, name, family):
    found = sniff_bytes(data[:1024])

    assert (found.name, found.family) == (name, family)


def test_sniff_bytes_unknown_binary_is_none():
    assert sniff_bytes(b"\x00\x01\x02\x03garbage\x00") is None


def test_sniff_bytes_empty_is_none():
    assert sniff_bytes(b"") is None


def test_sniff_keeps_read_position():
    handle = io.BytesIO(pdf_bytes(1))
    handle.seek(7)

    found = sniff(handle)

    assert (found.name, handle.tell()) == ("pdf", 7)

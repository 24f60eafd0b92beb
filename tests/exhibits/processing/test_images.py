"""Tests of exhibits/processing/images.py: thumbnails, and decompression bombs refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from exhibits.processing import ProcessingError
from exhibits.processing.images import check_pixels, resize_image
from tests.asset_factories import bomb_png_bytes, png_bytes

LIMITS = {"max_pixels": 40_000_000, "display_width": 1600, "thumb_width": 400}


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_resize_image_display_copy_and_thumbnail(tmp_path):
    source = write(tmp_path, "photo.jpg", png_bytes((3000, 2000), image_format="JPEG"))
    reported = []

    resized = resize_image(source, tmp_path, progress=reported.append, **LIMITS)

    assert (resized.width, resized.height) == (1600, 1067)
    with Image.open(resized.display) as display:
        assert (display.format, display.size) == ("WEBP", (1600, 1067))
    with Image.open(resized.thumbnail) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("WEBP", (400, 267))
    assert reported == [0, 50, 100]


def test_resize_image_small_picture_not_scaled_up(tmp_path):
    source = write(tmp_path, "icon.png", png_bytes((300, 200)))

    resized = resize_image(source, tmp_path, **LIMITS)

    assert (resized.width, resized.height) == (300, 200)


def test_resize_image_bomb_refused_before_decoding(tmp_path):
    data = bomb_png_bytes(20_000, 20_000)
    assert len(data) < 100_000  # tiny on disk, 400 megapixels declared
    source = write(tmp_path, "bomb.png", data)

    with pytest.raises(ProcessingError) as caught:
        resize_image(source, tmp_path, **LIMITS)

    assert caught.value.code == "image.too_many_pixels"
    assert caught.value.message == (
        "This picture has more than 40 megapixels, too many to process safely. "
        "Scale it down and upload it again."
    )
    assert list(tmp_path.glob("*.webp")) == []


def test_check_pixels_bomb_under_pillows_own_limit_still_refused():
    # 7000×7000 = 49 megapixels: Pillow itself would decode it; our limit (40) refuses it.
    with pytest.raises(ProcessingError) as caught:
        check_pixels(io.BytesIO(bomb_png_bytes(7000, 7000)), max_pixels=40_000_000)

    assert caught.value.code == "image.too_many_pixels"


def test_check_pixels_real_picture_size():
    assert check_pixels(io.BytesIO(png_bytes((640, 480))), max_pixels=40_000_000) == (640, 480)


def test_resize_image_truncated_fails_as_corrupt(tmp_path):
    data = png_bytes((1200, 900), image_format="JPEG")
    source = write(tmp_path, "cut.jpg", data[: len(data) // 3])

    with pytest.raises(ProcessingError) as caught:
        resize_image(source, tmp_path, **LIMITS)

    assert caught.value.code == "image.corrupt"


def test_resize_image_text_fails_as_corrupt(tmp_path):
    source = write(tmp_path, "picture.png", b"not a picture\n")

    with pytest.raises(ProcessingError) as caught:
        resize_image(source, tmp_path, **LIMITS)

    assert caught.value.code == "image.corrupt"

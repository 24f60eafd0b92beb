"""Stored uploads never keep the uploader's name (events/uploads.py)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from events.models import Event
from events.uploads import (
    NotAPicture,
    RandomName,
    TooManyPixels,
    looks_redrawn,
    redraw_picture,
    reencode_picture,
    safe_extension,
    served_type,
)
from tests.factories import EventFactory
from tests.rakwon_site.test_media_polyglot import PAYLOAD, polyglot_gif


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("pwn.js", "bin"),
        ("pwn.html", "bin"),
        ("x.svg", "bin"),
        ("photo.JPG", "jpg"),
        ("a.png", "png"),
        ("", "bin"),
    ],
)
def test_safe_extension_keeps_only_types_we_serve(name, extension):
    assert safe_extension(name) == extension


def test_served_type_knows_only_what_rakwon_makes():
    assert (served_type("a/b.webp"), served_type("a/b.opus"), served_type("a.js"), served_type("a")) == (
        "image/webp",
        "audio/ogg",
        None,
        None,
    )


def test_random_name_throws_the_uploaders_name_away():
    name = RandomName("events/logos", "logo")(None, "../../etc/pwn.png")
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.png", name), name


def test_random_name_two_uploads_never_share_a_name():
    make = RandomName("events/logos", "logo")
    assert make(None, "a.png") != make(None, "a.png")


def test_reencode_picture_keeps_pixels_and_drops_the_rest():
    data, extension = reencode_picture(io.BytesIO(polyglot_gif()), max_pixels=10**6)
    assert (extension, data[:8], PAYLOAD in data) == ("png", b"\x89PNG\r\n\x1a\n", False)


def test_reencode_picture_jpeg_stays_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#aa3300").save(buffer, "JPEG")
    data, extension = reencode_picture(buffer, max_pixels=10**6)
    with Image.open(io.BytesIO(data)) as image:
        assert (extension, image.format, image.size) == ("jpg", "JPEG", (20, 10))


def test_reencode_picture_refuses_what_is_not_a_picture():
    with pytest.raises(ValidationError) as refused:
        reencode_picture(io.BytesIO(b"<script>alert(1)</script>"), max_pixels=10**6)
    assert refused.value.messages == [
        "This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."
    ]


@pytest.mark.django_db
def test_logo_saved_without_a_form_is_still_renamed_and_reencoded(settings):
    event = EventFactory(slug="direct")
    event.logo = ContentFile(polyglot_gif(), name="pwn.js")
    event.save()

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.png", event.logo.name), event.logo.name
    assert PAYLOAD not in event.logo.read()


@pytest.mark.django_db
def test_logo_that_is_not_a_picture_is_refused_and_nothing_stored(settings):
    event = EventFactory(slug="direct")
    event.logo = ContentFile(b"<html><script>alert(1)</script>", name="pwn.html")

    with pytest.raises(ValidationError), transaction.atomic():
        event.save()

    assert (Event.objects.get(pk=event.pk).logo.name, (settings.MEDIA_ROOT / "events").exists()) == (
        "",
        False,
    )


def _saved(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def test_redraw_picture_drops_comment_profile_and_trailer():
    upload = _saved(Image.new("RGB", (9, 9), "#204a87"), "PNG", icc_profile=b"ICC" + PAYLOAD) + PAYLOAD

    data, extension = redraw_picture(io.BytesIO(upload), max_pixels=100)

    assert (extension, PAYLOAD in data, looks_redrawn(io.BytesIO(data))) == ("png", False, True)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.size, image.getpixel((4, 4)), "icc_profile" in image.info) == (
            (9, 9),
            (32, 74, 135),
            False,
        )


def test_redraw_picture_too_many_pixels_and_broken_files_raise_typed_errors():
    with pytest.raises(TooManyPixels) as caught:
        redraw_picture(io.BytesIO(polyglot_gif()), max_pixels=1000)
    assert (caught.value.width, caught.value.height) == (0x2A2F, 1)
    with pytest.raises(NotAPicture):
        redraw_picture(io.BytesIO(polyglot_gif()[:40]), max_pixels=10**6)


@pytest.mark.parametrize(
    ("data", "redrawn"),
    [
        (_saved(Image.new("RGB", (8, 8)), "PNG"), True),
        (_saved(Image.new("RGBA", (8, 8)), "PNG", optimize=True), True),
        (_saved(Image.new("RGB", (8, 8)), "JPEG", quality=90), True),
        (_saved(Image.new("RGB", (8, 8)), "PNG") + PAYLOAD, False),
        (_saved(Image.new("RGB", (8, 8)), "JPEG") + PAYLOAD, False),
        (_saved(Image.new("RGB", (8, 8)), "JPEG", comment=b"hi"), False),
        (_saved(Image.new("RGB", (8, 8)), "PNG", icc_profile=b"x"), False),
        (_saved(Image.new("RGB", (8, 8)), "JPEG", exif=Image.Exif().tobytes()), False),
        (_saved(Image.new("RGB", (8, 8)), "JPEG", progressive=True), False),
        (polyglot_gif(), False),
        (b"", False),
    ],
)
def test_looks_redrawn_only_for_what_redraw_picture_writes(data, redrawn):
    assert looks_redrawn(io.BytesIO(data)) is redrawn

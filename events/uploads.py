"""Names and contents of stored uploads: never the uploader's file name or extension.

A stored file gets a random name and an extension that says what its content is; logos are
re-encoded, so nothing of the uploaded bytes but the pixels survives. What /media/ may show in the
browser is decided here too (SERVED_TYPES), so the names we make and the types we serve agree.
Used by events and exhibits (events imports neither of the other apps).
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import ImageFieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# The only types /media/ shows inline: the pictures, sound, video and PDFs Rakwon stores or makes.
# Anything else is sent as a download (rakwon_site.media), whatever its name says.
SERVED_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "mp4": "video/mp4",
    "m4a": "audio/mp4",
    "webm": "video/webm",
    "avi": "video/x-msvideo",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
}
# The extension of a file we could not recognise: kept (nothing is lost), served as a download.
UNKNOWN_EXTENSION = "bin"

# Pillow's name of a picture format -> the extension we store it under.
PICTURE_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
JPEG_QUALITY = 90
_TOKEN = re.compile(r"^[a-z]+-[0-9a-f]{32}$")


def served_type(name: str) -> str | None:
    """The content type /media/ shows a stored file as, or None: then it is only a download."""
    return SERVED_TYPES.get(PurePosixPath(name).suffix.lower().lstrip("."))


def safe_extension(name: str) -> str:
    """The extension of `name` if it is one we serve, else "bin" (a name's word is never trusted
    further than that: the content decides which extension we give a file in the first place)."""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    return extension if extension in SERVED_TYPES else UNKNOWN_EXTENSION


@deconstructible
class RandomName:
    """An upload_to: `<folder>/<stem>-<32 random hex digits>.<extension>`; the uploader's name
    is thrown away, its extension kept only if it is one we serve."""

    def __init__(self, folder: str, stem: str = "file") -> None:
        self.folder, self.stem = folder.strip("/"), stem

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{self.stem}-{secrets.token_hex(16)}.{safe_extension(filename)}"

    def is_ours(self, name: str, extension: str) -> bool:
        """Whether a stored name is one this upload_to made, with the given extension."""
        path = PurePosixPath(name)
        return (
            str(path.parent) == self.folder
            and path.suffix == f".{extension}"
            and _TOKEN.match(path.stem) is not None
            and path.stem.startswith(f"{self.stem}-")
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (self.folder, self.stem) == (other.folder, other.stem)

    def __hash__(self) -> int:
        return hash((self.folder, self.stem))


# --- Pictures -------------------------------------------------------------------------------------


def picture_extension(content) -> str:
    """The extension for a stored picture, read from its content; "bin" if it is not one."""

    position = content.tell() if hasattr(content, "tell") else 0
    try:
        content.seek(0)
        with Image.open(content) as image:
            return PICTURE_EXTENSIONS.get(image.format, UNKNOWN_EXTENSION)
    except Exception:  # whatever Pillow cannot read is simply not a picture
        return UNKNOWN_EXTENSION
    finally:
        content.seek(position)


class NotAPicture(ValueError):
    """The content is no picture Pillow can decode (or it is cut off or broken)."""


class TooManyPixels(ValueError):
    """The picture declares more pixels than we are willing to unpack."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}×{height} pixels")
        self.width, self.height = width, height


def redrawn_extension(content) -> str:
    """The extension redraw_picture gives this content (from its header alone): "jpg" for a JPEG,
    "png" for any other picture, "bin" for what is none."""
    extension = picture_extension(content)
    return extension if extension in (UNKNOWN_EXTENSION, "jpg") else "png"


def redraw_picture(content, *, max_pixels: int) -> tuple[bytes, str]:
    """Draw the picture again from its pixels: JPEG stays JPEG, anything else becomes PNG, an
    animation keeps its first frame, an EXIF turn is applied to the pixels.

    Nothing else of the upload survives: not a script after the image, not a comment, EXIF (a
    place), an ICC profile or any other chunk. Raises TooManyPixels (checked on the header, before
    anything is unpacked) or NotAPicture.
    """

    try:
        content.seek(0)
        with Image.open(content) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise TooManyPixels(width, height)
            image_format = image.format
            image.seek(0)
            image.load()
            picture = ImageOps.exif_transpose(image)
            has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            drawn = picture.convert("RGB" if image_format == "JPEG" or not has_alpha else "RGBA")
    except TooManyPixels:
        raise
    except Exception:  # Pillow raises many kinds of error for a broken file
        raise NotAPicture from None
    # convert() copies the upload's info (comment, icc_profile, exif, …), which Pillow would write
    # back out: the picture we store carries its pixels and nothing else.
    drawn.info = {}
    output = io.BytesIO()
    if image_format == "JPEG":
        drawn.save(output, "JPEG", quality=JPEG_QUALITY)
        return output.getvalue(), "jpg"
    drawn.save(output, "PNG", optimize=True)
    return output.getvalue(), "png"


def reencode_picture(content, *, max_pixels: int) -> tuple[bytes, str]:
    """redraw_picture for a logo: raises ValidationError saying what to upload instead."""
    try:
        return redraw_picture(content, max_pixels=max_pixels)
    except TooManyPixels as error:
        raise ValidationError(
            _("The logo is %(w)s×%(h)s pixels, too large to show. Scale it down and try again."),
            code="logo_too_many_pixels",
            params={"w": error.width, "h": error.height},
        ) from None
    except NotAPicture:
        raise ValidationError(
            _("This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."),
            code="logo_not_image",
        ) from None


# What redraw_picture writes, and nothing more: a file with anything else was not drawn by us.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHUNKS_WE_WRITE = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
# APP0 (JFIF, no thumbnail), quantisation and Huffman tables, a baseline frame, restart interval.
_JPEG_SEGMENTS_WE_WRITE = {0xE0, 0xDB, 0xC4, 0xC0, 0xDD}
_JFIF_APP0 = b"\x00\x10JFIF\x00"
# Inside entropy-coded data a 0xFF byte is followed only by 0x00 (stuffing) or a restart marker.
_JPEG_STRAY_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def looks_redrawn(content) -> bool:
    """Whether a stored PNG or JPEG holds only what redraw_picture writes: the chunks or segments
    it writes and nothing after the end of the picture (no comment, EXIF, profile or trailer)."""
    content.seek(0)
    data = content.read()
    content.seek(0)
    if data.startswith(_PNG_SIGNATURE):
        return _png_is_plain(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_is_plain(data)
    return False


def _png_is_plain(data: bytes) -> bool:
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = int.from_bytes(data[position : position + 4], "big"), data[position + 4 : position + 8]
        if kind not in _PNG_CHUNKS_WE_WRITE:
            return False
        position += 12 + length
        if kind == b"IEND":
            return position == len(data)
    return False


def _jpeg_is_plain(data: bytes) -> bool:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker, length = data[position + 1], int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data, then the end-of-image marker
            scan = data[position + 2 + length :]
            return scan.endswith(b"\xff\xd9") and _JPEG_STRAY_MARKER.search(scan, 0, len(scan) - 2) is None
        if marker not in _JPEG_SEGMENTS_WE_WRITE:
            return False
        if marker == 0xE0 and data[position + 2 : position + 9] != _JFIF_APP0:
            return False
        position += 2 + length
    return False


class PictureFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every way in (forms, services, the admin) passes here: the stored bytes are always ours.
        data, extension = reencode_picture(content, max_pixels=settings.LOGO_MAX_PIXELS)
        super().save(f"picture.{extension}", ContentFile(data), save)


class PictureField(models.ImageField):
    """An ImageField whose file is re-encoded on saving and stored under a RandomName."""

    attr_class = PictureFieldFile


# --- Renaming what was stored before (data migrations) ---------------------------------------------


def rename_unsafe_files(
    objects: Iterable[models.Model],
    field_name: str,
    *,
    extension_of: Callable[[File], str],
    is_safe: Callable[[str, str], bool],
    new_name: Callable[[models.Model, str, str], str],
) -> list[tuple[str, str]]:
    """Move each stored file whose name is not safe to a name we make, and point the field at it.

    `extension_of` reads the extension from the content, `is_safe(name, extension)` says whether
    the stored name may stay, `new_name(obj, old_name, extension)` makes the new one. Running it
    again changes nothing. A file missing from disk is left as it is. The old file is deleted only
    once the new name is committed, so a failed run loses nothing. Returns (old, new) pairs.
    """
    moved = []
    for obj in objects:
        field = getattr(obj, field_name)
        name = field.name
        if not name:
            continue
        storage = field.storage
        if not storage.exists(name):
            continue
        with storage.open(name, "rb") as stored:
            extension = extension_of(stored)
            if is_safe(name, extension):
                continue
            stored.seek(0)
            saved = storage.save(new_name(obj, name, extension), File(stored))
        type(obj)._default_manager.filter(pk=obj.pk).update(**{field_name: saved})
        transaction.on_commit(lambda old=name, storage=storage: storage.delete(old))
        moved.append((name, saved))
    return moved


def redraw_stored_pictures(
    objects: Iterable[models.Model],
    field_name: str,
    *,
    max_pixels: int,
    is_safe: Callable[[str, str], bool],
    new_name: Callable[[models.Model, str, str], str],
    fields_for: Callable[[str, int], dict] | None = None,
) -> list[tuple[str, str]]:
    """Redraw each stored picture that we did not draw (redraw_picture) and store it under a name
    we make; what does not decode (or has too many pixels) is kept as it is, under a ".bin" name.

    A file is left alone when `is_safe(name, extension)` and, for a picture, looks_redrawn: so
    running it again changes nothing, while a name that only looks like ours (an uploader could
    choose it before issue 10) is not trusted. `fields_for(extension, size)` gives other fields to
    update with the new name. A file missing from disk is left as it is. The old file is deleted
    only once the new name is committed, so a failed run loses nothing. Returns (old, new) pairs.
    """
    moved = []
    for obj in objects:
        field = getattr(obj, field_name)
        name = field.name
        if not name or not field.storage.exists(name):
            continue
        storage = field.storage
        with storage.open(name, "rb") as stored:
            extension = redrawn_extension(stored)
            if is_safe(name, extension) and (extension == UNKNOWN_EXTENSION or looks_redrawn(stored)):
                continue
            content: File = File(stored)
            if extension != UNKNOWN_EXTENSION:
                try:
                    data, extension = redraw_picture(stored, max_pixels=max_pixels)
                    content = ContentFile(data)
                except (NotAPicture, TooManyPixels):
                    extension = UNKNOWN_EXTENSION
                    if is_safe(name, extension):
                        continue
            stored.seek(0)
            saved = storage.save(new_name(obj, name, extension), content)
        updates = {field_name: saved, **(fields_for(extension, storage.size(saved)) if fields_for else {})}
        type(obj)._default_manager.filter(pk=obj.pk).update(**updates)
        transaction.on_commit(lambda old=name, storage=storage: storage.delete(old))
        moved.append((name, saved))
    return moved

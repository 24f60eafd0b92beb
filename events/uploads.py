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
    from PIL import Image

    position = content.tell() if hasattr(content, "tell") else 0
    try:
        content.seek(0)
        with Image.open(content) as image:
            return PICTURE_EXTENSIONS.get(image.format, UNKNOWN_EXTENSION)
    except Exception:  # whatever Pillow cannot read is simply not a picture
        return UNKNOWN_EXTENSION
    finally:
        content.seek(position)


def reencode_picture(content, *, max_pixels: int) -> tuple[bytes, str]:
    """Draw the picture again from its pixels: JPEG stays JPEG, anything else becomes PNG.

    Whatever else the upload carried (a script after the image, comments, EXIF with a location)
    is gone. Raises ValidationError for a file that is not a picture or has too many pixels.
    """
    from PIL import Image, ImageOps

    not_a_picture = ValidationError(
        _("This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."),
        code="logo_not_image",
    )
    try:
        content.seek(0)
        with Image.open(content) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("The logo is %(w)s×%(h)s pixels, too large to show. Scale it down and try again."),
                    code="logo_too_many_pixels",
                    params={"w": width, "h": height},
                )
            image_format = image.format
            image.seek(0)  # an animation keeps its first frame
            image.load()
            picture = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of error for a broken file
        raise not_a_picture from None
    output = io.BytesIO()
    if image_format == "JPEG":
        picture.convert("RGB").save(output, "JPEG", quality=JPEG_QUALITY)
        return output.getvalue(), "jpg"
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture.convert("RGBA" if has_alpha else "RGB").save(output, "PNG", optimize=True)
    return output.getvalue(), "png"


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

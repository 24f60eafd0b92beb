"""Validators for event fields: time zones, colours, slugs and logos (sniffed, never trusted by name)."""

from __future__ import annotations

import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .registry import reserved_slugs

RESERVED_SLUGS = {
    "admin",
    "static",
    "media",
    "ws",
    "accounts",
    "organiser",
    "api",
    "i18n",
    "signin",
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Use a name such as Asia/Seoul or Europe/Berlin."),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_colour(value: str) -> None:
    if not _COLOUR.match(value or ""):
        raise ValidationError(
            _("Give the colour as # followed by six hex digits, for example #1a5fb4."),
            code="invalid_colour",
        )


def validate_event_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS or value.lower() in reserved_slugs:
        raise ValidationError(
            _("“%(value)s” is reserved for the site itself. Choose another short name."),
            code="reserved_slug",
            params={"value": value},
        )


def validate_languages(value: list) -> None:
    known = {code for code, _name in settings.LANGUAGES}
    if not value:
        raise ValidationError(_("Choose at least one language."), code="no_language")
    unknown = [code for code in value if code not in known]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s."), code="unknown_language", params={"codes": ", ".join(unknown)}
        )


ALLOWED_LOGO_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def validate_logo(upload) -> None:
    """Check an uploaded logo by its content: size, real image format, and pixel count."""

    if upload is None:
        return
    if upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s KB; the limit is %(limit)s KB. Save it smaller and try again."),
            code="logo_too_large",
            params={"size": upload.size // 1024, "limit": settings.LOGO_MAX_BYTES // 1024},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.LOGO_MAX_PIXELS:
                raise ValidationError(
                    _("The logo is %(w)s×%(h)s pixels, too large to show. Scale it down and try again."),
                    code="logo_too_many_pixels",
                    params={"w": width, "h": height},
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise ValidationError(
            _("This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."),
            code="logo_not_image",
        ) from None
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_LOGO_FORMATS:
        raise ValidationError(
            _("Logos must be PNG, JPEG, WebP or GIF; this file is %(format)s."),
            code="logo_wrong_format",
            params={"format": image_format},
        )

"""Pictures: redrawn on upload (the stored original is ours, not the uploader's bytes), then a
display copy and a thumbnail (WebP), refusing decompression bombs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from events.uploads import NotAPicture, TooManyPixels, redraw_picture

from . import ProcessingError, Progress, report_every_percent

WEBP_QUALITY = 82
READ_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    Image.DecompressionBombError,
)


@dataclass(frozen=True)
class ResizedImage:
    display: Path
    thumbnail: Path
    width: int  # of the display copy
    height: int


def check_pixels(source: Path | BinaryIO, *, max_pixels: int) -> tuple[int, int]:
    """Read only the header: the picture's size, or ProcessingError if it is not a picture we
    can read or declares more than `max_pixels` (a small file can unpack to gigabytes)."""
    try:
        with _open(source) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        raise ProcessingError("image.too_many_pixels", megapixels=max_pixels // 1_000_000) from None
    except READ_ERRORS:
        raise ProcessingError("image.corrupt") from None
    if width * height > max_pixels:
        raise ProcessingError("image.too_many_pixels", megapixels=max_pixels // 1_000_000)
    return width, height


def redraw_image(source: BinaryIO, *, max_pixels: int) -> tuple[bytes, str]:
    """The picture drawn again from its pixels (events.uploads.redraw_picture) and its extension
    ("png" or "jpg"); ProcessingError if it does not decode or has too many pixels."""
    try:
        return redraw_picture(source, max_pixels=max_pixels)
    except TooManyPixels:
        raise ProcessingError("image.too_many_pixels", megapixels=max_pixels // 1_000_000) from None
    except NotAPicture:
        raise ProcessingError("image.corrupt") from None


def resize_image(
    source: Path,
    out_dir: Path,
    *,
    max_pixels: int,
    display_width: int,
    thumb_width: int,
    progress: Progress | None = None,
) -> ResizedImage:
    """Write display.webp (at most `display_width` across) and thumbnail.webp into `out_dir`."""
    report = report_every_percent(progress)
    report(0)
    check_pixels(source, max_pixels=max_pixels)
    try:
        with _open(source) as image:
            image.seek(0)  # an animation shows its first frame
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    except Image.DecompressionBombError:
        raise ProcessingError("image.too_many_pixels", megapixels=max_pixels // 1_000_000) from None
    except READ_ERRORS:
        raise ProcessingError("image.corrupt") from None
    report(50)
    display = out_dir / "display.webp"
    thumbnail = out_dir / "thumbnail.webp"
    shown = picture.copy()
    shown.thumbnail((display_width, display_width * 4), Image.Resampling.LANCZOS)
    shown.save(display, "WEBP", quality=WEBP_QUALITY, method=4)
    small = picture.copy()
    small.thumbnail((thumb_width, thumb_width * 4), Image.Resampling.LANCZOS)
    small.save(thumbnail, "WEBP", quality=WEBP_QUALITY)
    report(100)
    return ResizedImage(display=display, thumbnail=thumbnail, width=shown.width, height=shown.height)


def _open(source) -> Image.Image:
    # Opening reads only the header. Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) is global
    # and raises only far above its default; ours is the size check in check_pixels, done before
    # any pixel is decoded.
    return Image.open(source)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)

"""PDF documents → one WebP image per page at a phone-friendly width, and a small thumbnail."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from . import ProcessingError, Progress, report_every_percent

WEBP_QUALITY = 80
WEBP_MAX_SIDE = 16383  # the WebP format cannot hold a longer side (libwebp refuses to encode it)


@dataclass(frozen=True)
class PageImage:
    number: int  # from 1
    path: Path
    width: int
    height: int


@dataclass(frozen=True)
class RenderedDocument:
    pages: list[PageImage]
    thumbnail: Path


def render_pdf(
    source: Path,
    out_dir: Path,
    *,
    max_pages: int,
    page_width: int,
    page_max_pixels: int,
    max_aspect: int,
    thumb_width: int,
    progress: Progress | None = None,
) -> RenderedDocument:
    """Render every page of `source` into `out_dir` as page-0001.webp, page-0002.webp, …

    Raises ProcessingError if the file is not a readable PDF, is password-protected, has no
    pages or more than `max_pages`, or has a page longer than `max_aspect` times its width (or
    wider than that times its height) or whose image would pass the WebP side limit. Every page
    is measured before the first one is drawn, so a refused file costs no bitmap at all.
    """
    report = report_every_percent(progress)
    try:
        document = pdfium.PdfDocument(str(source))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ProcessingError("pdf.encrypted") from None
        raise ProcessingError("pdf.corrupt") from None
    try:
        count = len(document)
        if count == 0:
            raise ProcessingError("pdf.empty")
        if count > max_pages:
            raise ProcessingError("pdf.too_many_pages", pages=count, limit=max_pages)
        report(0)
        scales = [
            _page_scale(document, index, page_width, page_max_pixels, max_aspect) for index in range(count)
        ]
        pages = []
        thumbnail = out_dir / "thumbnail.webp"
        for index in range(count):
            image = _render_page(document, index, scales[index])
            path = out_dir / f"page-{index + 1:04d}.webp"
            image.save(path, "WEBP", quality=WEBP_QUALITY, method=4)
            pages.append(PageImage(index + 1, path, image.width, image.height))
            if index == 0:
                _save_thumbnail(image, thumbnail, thumb_width)
            report(100 * (index + 1) // count)
        return RenderedDocument(pages=pages, thumbnail=thumbnail)
    finally:
        document.close()


def bitmap_size(width_pt: float, height_pt: float, scale: float) -> tuple[int, int]:
    """The bitmap pdfium really allocates: each side rounded up, never below 1 px."""
    return max(1, math.ceil(width_pt * scale)), max(1, math.ceil(height_pt * scale))


def _page_scale(document, index: int, page_width: int, page_max_pixels: int, max_aspect: int) -> float:
    """The scale page `index` is drawn at, or ProcessingError if no scale gives a sane image."""
    try:
        page = document[index]
        try:
            width_pt, height_pt = page.get_size()
        finally:
            page.close()
    except pdfium.PdfiumError:
        raise ProcessingError("pdf.corrupt") from None
    if not (width_pt > 0 and height_pt > 0 and math.isfinite(width_pt * height_pt)):
        raise ProcessingError("pdf.corrupt")
    number = index + 1
    # A sliver of a page (0.01 × 1e8 pt) fits any pixel budget only as a 1 px wide ribbon
    # millions of pixels long: refuse the shape itself, before the rounding below can hide it.
    if max(width_pt, height_pt) > max_aspect * min(width_pt, height_pt):
        raise ProcessingError("pdf.page_shape", page=number, limit=max_aspect)
    scale = page_width / width_pt
    # A page far taller than wide would become a huge bitmap at full width: shrink it.
    if width_pt * height_pt * scale * scale > page_max_pixels:
        # (A hair under: pdfium rounds the bitmap's sides up.)
        scale = math.sqrt(page_max_pixels / (width_pt * height_pt)) * 0.99
    width, height = bitmap_size(width_pt, height_pt, scale)
    if max(width, height) > WEBP_MAX_SIDE:
        raise ProcessingError(
            "pdf.page_too_large", page=number, width=width, height=height, limit=WEBP_MAX_SIDE
        )
    return scale


def _render_page(document, index: int, scale: float):
    try:
        page = document[index]
        try:
            bitmap = page.render(scale=scale, may_draw_forms=True)
            try:
                return bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    except pdfium.PdfiumError:
        raise ProcessingError("pdf.corrupt") from None


def _save_thumbnail(image, path: Path, width: int) -> None:
    thumb = image.copy()
    thumb.thumbnail((width, width * 4))
    thumb.save(path, "WEBP", quality=WEBP_QUALITY)

"""Tests of exhibits/processing/pdf.py on real PDFs made by the tests, and broken ones."""

from __future__ import annotations

import pytest
from PIL import Image

from exhibits.processing import ProcessingError
from exhibits.processing.pdf import render_pdf
from tests.asset_factories import pdf_bytes

LIMITS = {
    "max_pages": 300,
    "page_width": 1000,
    "page_max_pixels": 4_000_000,
    "max_aspect": 50,
    "thumb_width": 240,
}


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_render_pdf_one_webp_per_page_at_phone_width(tmp_path):
    source = write(tmp_path, "doc.pdf", pdf_bytes(3))
    reported = []

    rendered = render_pdf(source, tmp_path, progress=reported.append, **LIMITS)

    assert [(p.number, p.path.name, p.width, p.height) for p in rendered.pages] == [
        (1, "page-0001.webp", 1000, 1416),
        (2, "page-0002.webp", 1000, 1416),
        (3, "page-0003.webp", 1000, 1416),
    ]
    with Image.open(rendered.pages[1].path) as page:
        assert (page.format, page.size) == ("WEBP", (1000, 1416))
    with Image.open(rendered.thumbnail) as thumbnail:
        assert (thumbnail.format, thumbnail.width) == ("WEBP", 240)
    assert reported == [0, 33, 66, 100]


def test_render_pdf_tall_page_scaled_within_pixel_limit(tmp_path):
    source = write(tmp_path, "tall.pdf", pdf_bytes(1, size=(100, 4000)))

    rendered = render_pdf(source, tmp_path, **{**LIMITS, "page_max_pixels": 1_000_000})

    page = rendered.pages[0]
    assert page.width * page.height <= 1_000_000
    assert (page.width, page.height) == (157, 6262)


def test_render_pdf_too_many_pages_refused(tmp_path):
    source = write(tmp_path, "long.pdf", pdf_bytes(4))

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **{**LIMITS, "max_pages": 3})

    assert caught.value.code == "pdf.too_many_pages"
    assert caught.value.message == "This PDF has 4 pages; the limit is 3. Split it into smaller documents."
    assert list(tmp_path.glob("page-*")) == []


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_render_pdf_truncated_fails_as_corrupt(tmp_path, fraction):
    data = pdf_bytes(3)
    source = write(tmp_path, "cut.pdf", data[: int(len(data) * fraction)])

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **LIMITS)

    assert caught.value.code == "pdf.corrupt"
    assert caught.value.message.startswith("This PDF is damaged or incomplete")


def test_render_pdf_header_then_garbage_fails_as_corrupt(tmp_path):
    source = write(tmp_path, "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20)

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **LIMITS)

    assert caught.value.code == "pdf.corrupt"


def test_render_pdf_text_file_named_pdf_fails_as_corrupt(tmp_path):
    source = write(tmp_path, "notes.pdf", b"Meeting notes, not a PDF at all.\n")

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **LIMITS)

    assert caught.value.code == "pdf.corrupt"


def pdf_of_page_sizes(*sizes: tuple[float, float]) -> bytes:
    """A PDF whose pages have exactly these sizes in points (pdfium writes any size asked for)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for width, height in sizes:
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def test_render_pdf_thin_page_refused_before_any_bitmap(tmp_path):
    # 0.01 × 1e8 pt: shrunk to the pixel budget it would still be a 1 × 198,000,003 px bitmap
    # (pdfium rounds each side up to 1 px), ~600 MB and an uncaught WebP error.
    source = write(tmp_path, "thin.pdf", pdf_of_page_sizes((595, 842), (0.01, 1e8)))

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **LIMITS)

    assert caught.value.code == "pdf.page_shape"
    assert caught.value.params == {"page": 2, "limit": 50}
    assert caught.value.message == (
        "Page 2 of this PDF is more than 50 times as long as it is wide (or as wide as it is "
        "long). Give every page a usual size, such as A4 or a slide, and upload it again."
    )
    assert list(tmp_path.glob("*.webp")) == []


def test_render_pdf_page_at_the_shape_limit_is_rendered(tmp_path):
    source = write(tmp_path, "banner.pdf", pdf_of_page_sizes((100, 5000)))

    rendered = render_pdf(source, tmp_path, **LIMITS)

    # 1:50 exactly is still allowed; pdfium rounds 280.000…1 × 14000.000…1 up to the next pixel.
    assert [(p.width, p.height) for p in rendered.pages] == [(281, 14001)]


def test_render_pdf_page_over_the_webp_side_limit_refused(tmp_path):
    # Allowed shape (1:40), but with a generous pixel budget its long side would pass 16383 px.
    source = write(tmp_path, "long.pdf", pdf_of_page_sizes((500, 20_000)))

    with pytest.raises(ProcessingError) as caught:
        render_pdf(source, tmp_path, **{**LIMITS, "page_max_pixels": 40_000_000})

    assert caught.value.code == "pdf.page_too_large"
    assert caught.value.params == {"page": 1, "width": 1000, "height": 40000, "limit": 16383}
    assert caught.value.message == (
        "Page 1 of this PDF would be 1000×40000 pixels; a page image can be at most 16383 "
        "pixels on a side. Give every page a usual size, such as A4 or a slide, and upload it again."
    )
    assert list(tmp_path.glob("*.webp")) == []

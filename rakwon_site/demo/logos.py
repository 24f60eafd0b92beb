"""Demo logos drawn with Pillow: a coloured rounded square with initials (no files shipped)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

LOGO_SIZE = 160


def draw_logo(initials: str, colour: str) -> bytes:
    """A PNG of `initials` in white on a rounded square of `colour` (#rrggbb)."""
    image = Image.new("RGBA", (LOGO_SIZE, LOGO_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, LOGO_SIZE - 1, LOGO_SIZE - 1), radius=LOGO_SIZE // 6, fill=colour)
    # Pillow's built-in font: nothing to ship or download (without FreeType it is a small bitmap).
    font = ImageFont.load_default(size=LOGO_SIZE * 2 // 5)
    draw.text((LOGO_SIZE / 2, LOGO_SIZE / 2), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


BROCHURE_PAGE = (842, 595)  # A4 landscape at 72 dpi: reads well as a phone-width page image


def draw_brochure(name: str, tagline: str, description: str, colour: str) -> bytes:
    """A two-page PDF brochure: a cover with the name and tagline, then the description."""
    font_big = ImageFont.load_default(size=44)
    font = ImageFont.load_default(size=24)
    cover = Image.new("RGB", BROCHURE_PAGE, colour)
    draw = ImageDraw.Draw(cover)
    draw.text((60, 220), name, fill="white", font=font_big)
    draw.text((60, 300), tagline, fill="white", font=font)
    inside = Image.new("RGB", BROCHURE_PAGE, "white")
    draw = ImageDraw.Draw(inside)
    draw.rectangle((0, 0, BROCHURE_PAGE[0], 24), fill=colour)
    words, lines, line = description.split(), [], ""
    for word in words:  # wrap at about 60 characters
        if len(line) + len(word) > 60:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    for number, text in enumerate(lines):
        draw.text((60, 80 + number * 36), text, fill="#1c1c1c", font=font)
    buffer = io.BytesIO()
    cover.save(buffer, "PDF", save_all=True, append_images=[inside], resolution=72)
    return buffer.getvalue()

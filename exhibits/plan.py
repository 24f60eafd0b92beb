"""Drawing booths on a hall plan: where each booth's label sits and how large it is."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from events.models.texts import text_in

from .models import Booth

# An average glyph is about 0.6 em wide; labels keep a margin inside their booth.
_GLYPH_WIDTH_EM = 0.6
_LABEL_FILL = 0.85
_LABEL_MAX_HEIGHT = 0.45


@dataclass(frozen=True)
class BoothOnPlan:
    """A booth with where its label sits on the plan, in plan cells (the SVG's user units)."""

    booth: Booth
    label_x: float
    label_y: float
    font_size: float


def place_label(booth: Booth) -> BoothOnPlan:
    """Centre the booth number and size it to fit the booth, so it reads on a small screen."""
    characters = max(len(booth.number), 1)
    by_width = booth.width * _LABEL_FILL / (characters * _GLYPH_WIDTH_EM)
    by_height = booth.height * _LABEL_MAX_HEIGHT
    return BoothOnPlan(
        booth=booth,
        label_x=round(booth.x + booth.width / 2, 2),
        label_y=round(booth.y + booth.height / 2, 2),
        font_size=round(min(by_width, by_height, 1.2), 2),
    )


# The visitor's plan also names the exhibitor, shows a small logo and the live count.
_WIDE = {"W", "F"}  # East Asian wide glyphs (Hangul, Han) are about 1 em wide, not 0.6
_NAME_MAX_SIZE = 0.55
_LOGO_MAX = 0.9


def _text_width_em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(char) in _WIDE else _GLYPH_WIDTH_EM for char in text)


def fit_name(name: str, width: float, font_size: float) -> str:
    """The name cut (with an ellipsis) to what fits across `width` cells at `font_size`."""
    room = width * _LABEL_FILL / font_size
    if _text_width_em(name) <= room:
        return name
    cut = ""
    for char in name:
        if _text_width_em(cut + char) + _GLYPH_WIDTH_EM > room:
            break
        cut += char
    return cut.rstrip() + "…" if cut.strip() else ""


@dataclass(frozen=True)
class BoothOnVisitorPlan:
    """Where the number, the exhibitor's name, the logo and the live count sit in a booth."""

    booth: Booth
    label_x: float
    number_y: float
    font_size: float
    name: str
    name_y: float
    name_size: float
    logo_x: float
    logo_y: float
    logo_size: float
    count_x: float
    count_y: float
    count_size: float


def place_visitor_labels(booth: Booth) -> BoothOnVisitorPlan:
    """A booth two or more cells deep shows its number over the exhibitor's name, a logo in its
    top left corner and the live count in its top right; a shallow one shows its number only."""
    spot = place_label(booth)
    roomy = booth.height >= 2 and booth.width >= 2
    name_size = round(min(_NAME_MAX_SIZE, booth.height * 0.22), 2)
    name = fit_name(text_in(booth.exhibitor, "name"), booth.width, name_size) if roomy else ""
    font_size = round(min(spot.font_size, booth.height * 0.3), 2) if name else spot.font_size
    logo_size = round(min(_LOGO_MAX, booth.width * 0.3, booth.height * 0.35), 2) if roomy else 0
    count_size = round(min(0.45, booth.height * 0.2), 2)
    middle = booth.y + booth.height / 2
    return BoothOnVisitorPlan(
        booth=booth,
        label_x=spot.label_x,
        number_y=round(middle - booth.height * 0.08 if name else middle, 2),
        font_size=font_size,
        name=name,
        name_y=round(middle + booth.height * 0.24, 2),
        name_size=name_size,
        logo_x=round(booth.x + 0.1, 2),
        logo_y=round(booth.y + 0.1, 2),
        logo_size=logo_size,
        count_x=round(booth.x + booth.width - 0.15, 2),
        count_y=round(booth.y + 0.1 + count_size / 2, 2),
        count_size=count_size,
    )

"""Drawing booths on a hall plan: where each booth's label sits and how large it is."""

from __future__ import annotations

from dataclasses import dataclass

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

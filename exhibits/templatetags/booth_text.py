"""`{{ text|booth_text }}`: a booth's or exhibitor's description in the small, safe Markdown
(exhibits.services.booth_content.render_booth_text)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..services.booth_content import render_booth_text

register = template.Library()


@register.filter(is_safe=True)
def booth_text(text: str | None) -> SafeString:
    return render_booth_text(str(text or ""))

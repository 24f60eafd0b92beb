"""What other apps add to the event's pages (events.registry.page_sections) and where a session
takes place (events.registry.session_places), for templates.

    {% page_sections "lobby" event attendance=attendance as sections %}
    {% for template, section in sections %}{% include template %}{% endfor %}
"""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Event, Session
from ..registry import page_sections as sections_registry
from ..registry import presence_places, session_places

register = template.Library()


@register.simple_tag
def page_sections(page: str, event: Event, **page_context: Any) -> list[tuple[str, dict[str, Any]]]:
    return sections_registry.on(page, event, **page_context)


@register.filter
def shows_people(kind: str) -> bool:
    """Whether a kind of place lists who is there (registry.presence_places, PlaceKind.people)."""
    place_kind = presence_places.get(kind)
    return place_kind is not None and place_kind.people


@register.filter
def place_url(session: Session) -> str:
    """The page of the place the session is at ("" if it has none)."""
    return session_places.url(session)

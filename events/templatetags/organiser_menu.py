"""The entries other apps add to the organiser's menu of an event (events.registry.organiser_menu)."""

from __future__ import annotations

from django import template

from ..registry import MenuEntry, organiser_menu

register = template.Library()


@register.simple_tag
def organiser_menu_entries() -> list[MenuEntry]:
    return list(organiser_menu)

"""`{{ hall|translated:"name" }}`: a text in the page's language, else the event's first language."""

from django import template

from events.models.texts import text_in

register = template.Library()


@register.filter
def translated(obj, field: str) -> str:
    return text_in(obj, field) if obj is not None else ""

"""Lists come in pages: `limit` (1..API_PAGE_MAX, API_PAGE_SIZE if not given) and `offset`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError


class Page(Schema):
    count: int
    limit: int
    offset: int
    items: list[Any]


def page_of(queryset: QuerySet, limit: int | None, offset: int, show: Callable[[Any], dict]) -> dict:
    limit = settings.API_PAGE_SIZE if limit is None else limit
    if not 1 <= limit <= settings.API_PAGE_MAX:
        raise HttpError(
            422,
            _("limit must be from 1 to %(max)s; ask for the next page with offset.")
            % {"max": settings.API_PAGE_MAX},
        )
    if offset < 0:
        raise HttpError(422, _("offset must be 0 or more."))
    items = [show(item) for item in queryset[offset : offset + limit]]
    return {"count": queryset.count(), "limit": limit, "offset": offset, "items": items}

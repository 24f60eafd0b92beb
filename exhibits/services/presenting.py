"""Shared documents: exhibitor staff present one of a booth's ready documents page by page, and
followers see the page the presenter shows. The current presentation lives in Django's cache."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from events.errors import NotAllowed
from events.models import Event, User

from ..errors import PresentationError
from ..models import AssetKind, AssetStatus, Booth, BoothAsset

# A presentation nobody touches for this long is over (the presenter left without stopping).
PRESENTATION_SECONDS = 6 * 60 * 60


def _cache_key(booth_id: int) -> str:
    return f"rakwon.presenting.{int(booth_id)}"


def _whole_number(value: Any, message: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PresentationError(message, code=code)
    return value


def find_booth(event: Event, booth_id: Any) -> Booth:
    """The booth `booth_id` names in `event`, or PresentationError("doc.no_such_booth")."""
    booth_id = _whole_number(
        booth_id, _("There is no such booth here; reload the page."), "doc.no_such_booth"
    )
    booth = Booth.objects.select_related("exhibitor", "event").filter(pk=booth_id, event=event).first()
    if booth is None:
        raise PresentationError(_("There is no such booth here; reload the page."), code="doc.no_such_booth")
    return booth


def may_present(booth: Booth, user: User) -> bool:
    """The same people who may edit the booth: its exhibitor's staff and the event team."""
    return user.has_perm("exhibits.change_booth", booth)


def _check_presenter(booth: Booth, user: User) -> None:
    if not may_present(booth, user):
        raise NotAllowed(_("Only the booth's staff may present its documents."))


def _ready_document(booth: Booth, asset_id: Any) -> BoothAsset:
    missing = _("That document is not ready to show; choose another one.")
    asset_id = _whole_number(asset_id, missing, "doc.no_such_document")
    asset = booth.assets.filter(pk=asset_id, kind=AssetKind.DOCUMENT, status=AssetStatus.READY).first()
    if asset is None:
        raise PresentationError(missing, code="doc.no_such_document")
    return asset


def page_payload(booth: Booth, asset: BoothAsset, number: Any) -> dict[str, Any]:
    """What followers get: the page's picture and where to read it without the socket."""
    count = asset.page_count or 0
    message = _("Choose a page from 1 to %(count)s.") % {"count": count}
    number = _whole_number(number, message, "doc.no_such_page")
    page = asset.pages.filter(number=number).first() if number <= count else None
    if page is None:
        raise PresentationError(message, code="doc.no_such_page")
    reader = reverse("visit:document", args=[booth.event.slug, booth.pk, asset.pk])
    return {
        "booth": booth.pk,
        "asset": asset.pk,
        "title": asset.title,
        "page": number,
        "pages": count,
        "image": page.image.url,
        "width": page.width,
        "height": page.height,
        "url": f"{reader}?page={number}",
    }


def start_presenting(
    event: Event, booth_id: Any, asset_id: Any, page: Any = 1, *, by: User
) -> dict[str, Any]:
    """Make `asset` the booth's presentation, at `page`; returns what followers are sent."""
    booth = find_booth(event, booth_id)
    _check_presenter(booth, by)
    payload = page_payload(booth, _ready_document(booth, asset_id), page)
    cache.set(
        _cache_key(booth.pk), {"asset": payload["asset"], "page": payload["page"]}, PRESENTATION_SECONDS
    )
    return payload


def turn_page(event: Event, booth_id: Any, page: Any, *, by: User) -> dict[str, Any]:
    """Move the booth's presentation to `page`; PresentationError("doc.not_presenting") if none."""
    booth = find_booth(event, booth_id)
    _check_presenter(booth, by)
    state = cache.get(_cache_key(booth.pk))
    if state is None:
        raise PresentationError(
            _("Nothing is being presented here; start presenting a document first."),
            code="doc.not_presenting",
        )
    return start_presenting(event, booth.pk, state["asset"], page, by=by)


def stop_presenting(event: Event, booth_id: Any, *, by: User) -> int:
    """End the booth's presentation (if any); returns the booth's id."""
    booth = find_booth(event, booth_id)
    _check_presenter(booth, by)
    cache.delete(_cache_key(booth.pk))
    return booth.pk


def current_presentation(event: Event, booth_id: Any) -> tuple[int, dict[str, Any] | None]:
    """(booth id, what is being presented there now or None): for a follower who joins late."""
    booth = find_booth(event, booth_id)
    state = cache.get(_cache_key(booth.pk))
    if state is None:
        return booth.pk, None
    try:
        return booth.pk, page_payload(booth, _ready_document(booth, state["asset"]), state["page"])
    except PresentationError:
        # The document was deleted or re-processed meanwhile: the presentation is over.
        cache.delete(_cache_key(booth.pk))
        return booth.pk, None

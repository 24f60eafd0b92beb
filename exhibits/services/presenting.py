"""Shared documents: someone shows one of a place's ready documents page by page, and followers see
the page the presenter shows. A place is a booth (its staff present its documents) or a session's
stage (its speakers on stage and its moderators present, while it is live: the documents of the
booth it is held at, or, on the main stage, the session's own). The current presentation lives in
Django's cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from events.errors import NotAllowed
from events.models import Event, Session, User
from events.services import stage

from ..errors import PresentationError
from ..models import AssetKind, AssetStatus, Booth, BoothAsset, BoothSession

# A presentation nobody touches for this long is over (the presenter left without stopping).
PRESENTATION_SECONDS = 6 * 60 * 60

BOOTH, SESSION = "booth", "session"


@dataclass(frozen=True)
class Place:
    """Where a document is presented: a booth, or a session's stage (`booth` is then the booth the
    session is held at, if any, whose documents it shows)."""

    kind: str
    pk: int
    event: Event
    booth: Booth | None = None
    session: Session | None = None

    @property
    def key(self) -> str:
        """ "booth:12" or "session:7": names the place in caches, groups and the followers' tally."""
        return f"{self.kind}:{self.pk}"

    @property
    def frame(self) -> dict[str, int]:
        """How frames name the place: {"booth": 12} or {"session": 7}."""
        return {self.kind: self.pk}

    def documents(self) -> QuerySet[BoothAsset]:
        """The ready documents that may be shown here, in their owner's order."""
        if self.booth is not None:
            owned = BoothAsset.objects.filter(booth=self.booth)
        else:
            owned = BoothAsset.objects.filter(session=self.session)
        return owned.filter(kind=AssetKind.DOCUMENT, status=AssetStatus.READY)


def _cache_key(place: Place) -> str:
    # A booth's key is the one it always had: a presentation running across an upgrade goes on.
    return f"rakwon.presenting.{place.pk}" if place.kind == BOOTH else f"rakwon.presenting.{place.key}"


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


def booth_place(booth: Booth) -> Place:
    return Place(BOOTH, booth.pk, booth.event, booth=booth)


def session_place(session: Session) -> Place:
    """A session's stage; it shows the documents of the booth it is held at, if it is."""
    held_at = BoothSession.objects.filter(session=session).select_related("booth__event").first()
    return Place(
        SESSION, session.pk, session.event, booth=held_at.booth if held_at else None, session=session
    )


def find_place(event: Event, data: dict[str, Any]) -> Place:
    """The place a frame names: {"session": 7} for a session's stage, else {"booth": 12}."""
    if SESSION not in data:
        return booth_place(find_booth(event, data.get(BOOTH)))
    missing = _("There is no such session here; reload the page.")
    session_id = _whole_number(data.get(SESSION), missing, "doc.no_such_session")
    session = Session.objects.select_related("event").filter(pk=session_id, event=event).first()
    if session is None:
        raise PresentationError(missing, code="doc.no_such_session")
    return session_place(session)


def may_present(place: Place, user: User) -> bool:
    """At a booth, those who may edit it (its exhibitor's staff and the event team); on a stage,
    its moderators and whoever may speak on it (named speakers, and those brought on)."""
    if place.kind == BOOTH:
        return user.has_perm("exhibits.change_booth", place.booth)
    return stage.may_moderate_stage(user, place.session) or stage.may_speak_on_stage(user, place.session)


def _check_presenter(place: Place, user: User) -> None:
    if place.kind == BOOTH and not may_present(place, user):
        raise NotAllowed(_("Only the booth's staff may present its documents."))
    if place.kind == SESSION:
        if not may_present(place, user):
            raise NotAllowed(_("Only the session's speakers on stage and its moderators present documents."))
        if stage.stage_status(place.session) != stage.LIVE:
            raise PresentationError(
                _("The session is not live: documents are shown on its stage only while it runs."),
                code="doc.not_live",
            )


def _ready_document(place: Place, asset_id: Any) -> BoothAsset:
    missing = _("That document is not ready to show; choose another one.")
    asset_id = _whole_number(asset_id, missing, "doc.no_such_document")
    asset = place.documents().filter(pk=asset_id).first()
    if asset is None:
        raise PresentationError(missing, code="doc.no_such_document")
    return asset


def page_payload(place: Place, asset: BoothAsset, number: Any) -> dict[str, Any]:
    """What followers get: the page's picture and where to read it without the socket (a booth's
    document reader; a session's own document has no reader, so its page's picture)."""
    count = asset.page_count or 0
    message = _("Choose a page from 1 to %(count)s.") % {"count": count}
    number = _whole_number(number, message, "doc.no_such_page")
    page = asset.pages.filter(number=number).first() if number <= count else None
    if page is None:
        raise PresentationError(message, code="doc.no_such_page")
    if asset.booth_id:
        reader = reverse("visit:document", args=[place.event.slug, asset.booth_id, asset.pk])
        url = f"{reader}?page={number}"
    else:
        url = page.image.url
    return {
        **place.frame,
        "asset": asset.pk,
        "title": asset.title,
        "page": number,
        "pages": count,
        "image": page.image.url,
        "width": page.width,
        "height": page.height,
        "url": url,
    }


def start_presenting(place: Place, asset_id: Any, page: Any = 1, *, by: User) -> dict[str, Any]:
    """Make `asset` the place's presentation, at `page`; returns what followers are sent."""
    _check_presenter(place, by)
    payload = page_payload(place, _ready_document(place, asset_id), page)
    cache.set(_cache_key(place), {"asset": payload["asset"], "page": payload["page"]}, PRESENTATION_SECONDS)
    return payload


def turn_page(place: Place, page: Any, *, by: User) -> dict[str, Any]:
    """Move the place's presentation to `page`; PresentationError("doc.not_presenting") if none."""
    _check_presenter(place, by)
    state = cache.get(_cache_key(place))
    if state is None:
        raise PresentationError(
            _("Nothing is being presented here; start presenting a document first."),
            code="doc.not_presenting",
        )
    return start_presenting(place, state["asset"], page, by=by)


def stop_presenting(place: Place, *, by: User) -> None:
    """End the place's presentation (if any). A stage's presenter may stop after it ended."""
    if not may_present(place, by):
        _check_presenter(place, by)
    cache.delete(_cache_key(place))


def current_presentation(place: Place) -> dict[str, Any] | None:
    """What is being presented at the place now, or None: for a follower who joins late."""
    state = cache.get(_cache_key(place))
    if state is None:
        return None
    try:
        return page_payload(place, _ready_document(place, state["asset"]), state["page"])
    except PresentationError:
        # The document was deleted or re-processed meanwhile: the presentation is over.
        cache.delete(_cache_key(place))
        return None

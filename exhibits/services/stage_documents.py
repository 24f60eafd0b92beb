"""The documents of a session on the main stage (held at no booth): the organisers upload PDFs that
its presenters show page by page. They are BoothAssets owned by the session, checked and processed
exactly as a booth's documents are (exhibits.services.assets, asset_processing). A session held at
a booth shows that booth's documents instead, which its staff edit in the booth editor."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from events.errors import EventClosed, NotAllowed
from events.models import Session, User
from events.permissions import CHANGE_EVENT

from ..limits import limit
from ..models import AssetKind, BoothAsset, BoothSession
from .assets import (
    DEFAULT_TITLE,
    check_upload,
    clean_title,
    queue_again,
    store_and_queue,
    stored_content,
    title_from_file_name,
)


def is_held_at_a_booth(session: Session) -> bool:
    return BoothSession.objects.filter(session=session).exists()


def may_change_stage_documents(user: User, session: Session) -> bool:
    """The organisers, while the event is open, for a session held at no booth."""
    return bool(
        user
        and user.is_authenticated
        and not session.event.is_closed
        and user.has_perm(CHANGE_EVENT, session.event)
        and not is_held_at_a_booth(session)
    )


def _require_changer(session: Session, by: User) -> None:
    if session.event.is_closed:
        raise EventClosed(_("This event is closed and can no longer be changed. Reopen it first."))
    if is_held_at_a_booth(session):
        raise NotAllowed(
            _("This session is held at a booth: it shows the booth's documents, which its staff edit.")
        )
    if not may_change_stage_documents(by, session):
        raise NotAllowed(_("Only the organisers upload the documents of a session on the main stage."))


def stage_documents(session: Session) -> QuerySet[BoothAsset]:
    """All of them, processed or not, in their order (the presenters get only the ready ones)."""
    return BoothAsset.objects.filter(session=session, kind=AssetKind.DOCUMENT).order_by("position", "id")


def upload_stage_document(session: Session, upload: UploadedFile, *, title: str = "", by: User) -> BoothAsset:
    """Store a PDF for the session's stage and queue its processing into pages.

    Raises EventClosed, NotAllowed, or ValidationError (nothing saved) for a file that is empty, too
    large or not a PDF, or when the session has as many files as a booth may hold.
    """
    _require_changer(session, by)
    found = check_upload(upload, AssetKind.DOCUMENT)
    content, found = stored_content(upload, AssetKind.DOCUMENT, found)
    shown_title = (
        clean_title(title) or title_from_file_name(upload.name) or str(DEFAULT_TITLE[AssetKind.DOCUMENT])
    )
    with transaction.atomic():
        # Lock the session: two uploads at once must not pass the count check together.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        count = BoothAsset.objects.filter(session=session).count()
        if count >= limit("BOOTH_MAX_ASSETS"):
            raise ValidationError(
                _("This session already has %(count)s documents, the most it can hold. Remove one first.")
                % {"count": count},
                code="session_full",
            )
        last = BoothAsset.objects.filter(session=session).aggregate(last=Max("position"))["last"]
        asset = BoothAsset(
            session=session,
            kind=AssetKind.DOCUMENT,
            title=shown_title,
            position=0 if last is None else last + 1,
            original_format=found.name,
            original_size=content.size,
        )
        store_and_queue(asset, content, found.extension)
    return asset


@transaction.atomic
def remove_stage_document(asset: BoothAsset, *, by: User) -> None:
    """Remove the document and its pages (the files go once the removal is committed)."""
    _require_changer(asset.session, by)
    asset.delete()


@transaction.atomic
def process_stage_document_again(asset: BoothAsset, *, by: User) -> BoothAsset:
    """Queue a failed (or stuck) document for processing once more."""
    _require_changer(asset.session, by)
    return queue_again(asset)

"""A booth's files: uploading (checked by content, stored under generated names), ordering,
removing, processing again, and what visitors see (ready files only).

Processing itself (Celery) is in exhibits.services.asset_processing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.errors import EventClosed, NotAllowed
from events.models import User
from events.queue import enqueue_after_commit
from events.services.ordering import swap_with_neighbour
from events.single_line import clean_instance

from ..limits import asset_max_bytes, limit
from ..models import AssetKind, AssetPage, AssetStatus, Booth, BoothAsset, BoothLink
from ..permissions import CHANGE_BOOTH
from ..processing import ProcessingError, failure_message
from ..processing.images import check_pixels, redraw_image
from ..processing.sniff import FLAC, JPEG, MPEG_AUDIO, PNG, WAV, FileFormat, sniff

TITLE_MAX_LENGTH = 120

# Which sniffed family each kind of asset accepts.
FAMILY_OF_KIND = {
    AssetKind.DOCUMENT: "pdf",
    AssetKind.IMAGE: "image",
    AssetKind.VIDEO: "media",
    AssetKind.AUDIO: "media",
}
# Containers that only ever hold sound: refused as video at once, before any processing.
SOUND_ONLY_FORMATS = {WAV.name, FLAC.name, MPEG_AUDIO.name}

FOUND = {
    "pdf": gettext_lazy("a PDF document"),
    "image": gettext_lazy("a picture"),
    "media": gettext_lazy("a video or sound file"),
    "archive": gettext_lazy("a ZIP archive (Word and PowerPoint files are ZIP archives too)"),
    "text": gettext_lazy("a text file"),
}
WRONG_TYPE = {
    AssetKind.DOCUMENT: gettext_lazy(
        "This file is %(found)s, not a PDF. Save or export the document as PDF and upload that."
    ),
    AssetKind.IMAGE: gettext_lazy(
        "This file is %(found)s, not a picture. Upload a PNG, JPEG, WebP or GIF picture."
    ),
    AssetKind.VIDEO: gettext_lazy(
        "This file is %(found)s, not a video. Upload an MP4, WebM, MOV or AVI video."
    ),
    AssetKind.AUDIO: gettext_lazy(
        "This file is %(found)s, not a sound file. Upload MP3, M4A, Ogg, Opus, WebM, WAV or FLAC."
    ),
}
DEFAULT_TITLE = {
    AssetKind.DOCUMENT: gettext_lazy("Document"),
    AssetKind.IMAGE: gettext_lazy("Picture"),
    AssetKind.VIDEO: gettext_lazy("Video"),
    AssetKind.AUDIO: gettext_lazy("Audio"),
}


def refuse_if_closed(booth: Booth) -> None:
    if booth.event.is_closed:
        raise EventClosed(_("This event is closed; its booths can no longer change."))


# --- Titles ---------------------------------------------------------------------------------------


def clean_title(text: str) -> str:
    """A title safe to show: no control or direction-changing characters, single spaces, short."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:TITLE_MAX_LENGTH].strip()


def title_from_file_name(name: str) -> str:
    """The uploader's file name as a display title: its last path part, without the extension.

    Never used as a path: "../../etc/passwd" becomes the title "passwd", nothing more.
    """
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, _extension = last.rpartition(".")
    title = clean_title((stem if dot and stem.strip(". ") else last).replace("_", " "))
    return title.strip(". ")


# --- Uploading ------------------------------------------------------------------------------------


def check_upload(upload: UploadedFile, kind: str) -> FileFormat:
    """Refuse an upload by its size and its content (never its name or the browser's type).

    Returns the sniffed format; raises ValidationError with what to do instead.
    """
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("This file is empty. Choose the file again and upload it."), code="empty")
    largest = asset_max_bytes(kind)
    if size > largest:
        raise ValidationError(
            _("This file is %(size)s; the limit for this kind of file is %(limit)s. Upload a smaller file.")
            % {"size": filesizeformat(size), "limit": filesizeformat(largest)},
            code="too_large",
        )
    found = sniff(upload)
    if found is None or found.family != FAMILY_OF_KIND[kind]:
        what = FOUND.get(found.family) if found else None
        raise ValidationError(
            str(WRONG_TYPE[kind]) % {"found": what or _("a kind of file we cannot read")},
            code="wrong_type",
        )
    if kind == AssetKind.VIDEO and found.name in SOUND_ONLY_FORMATS:
        raise ValidationError(failure_message("video.no_video_stream"), code="no_video_stream")
    if kind == AssetKind.IMAGE:
        # Only the header is read: a decompression bomb is refused before it unpacks.
        try:
            upload.seek(0)
            check_pixels(upload, max_pixels=limit("IMAGE_MAX_PIXELS"))
        except ProcessingError as error:
            raise ValidationError(error.message, code=error.code) from None
        finally:
            upload.seek(0)
    return found


def stored_content(upload: UploadedFile, kind: str, found: FileFormat) -> tuple[File, FileFormat]:
    """What we store of a checked upload, and its format. A picture is drawn again from its pixels
    (a script after the image, comments, EXIF and profiles are gone; an animation keeps its first
    frame, as the display copy does), so no uploaded picture bytes are ever stored or served.
    Documents, video and sound are kept as uploaded: they are only served sandboxed, and what
    visitors play or read is made from them by processing."""
    if kind != AssetKind.IMAGE:
        return upload, found
    try:
        data, extension = redraw_image(upload, max_pixels=limit("IMAGE_MAX_PIXELS"))
    except ProcessingError as error:
        raise ValidationError(error.message, code=error.code) from None
    return ContentFile(data), (JPEG if extension == JPEG.extension else PNG)


def upload_asset(
    booth: Booth,
    upload: UploadedFile,
    *,
    kind: str,
    title: str = "",
    title_translations: dict[str, str] | None = None,
    is_voice_note: bool = False,
) -> BoothAsset:
    """Store an uploaded file on a booth and queue its processing.

    Raises EventClosed, or ValidationError (nothing saved) for a file that is empty, too large,
    not what it claims to be, or when the booth is full.
    """
    refuse_if_closed(booth)
    if kind not in AssetKind.values:
        raise ValidationError(_("Choose what kind of file this is."), code="kind")
    found = check_upload(upload, kind)
    content, found = stored_content(upload, kind, found)
    shown_title = clean_title(title) or title_from_file_name(upload.name) or str(DEFAULT_TITLE[kind])
    with transaction.atomic():
        # Lock the booth: two uploads at once must not pass the count check together.
        Booth.objects.select_for_update().filter(pk=booth.pk).first()
        count = booth.assets.count()
        if count >= limit("BOOTH_MAX_ASSETS"):
            raise ValidationError(
                _("This booth already has %(count)s files, the most it can hold. Remove one first.")
                % {"count": count},
                code="booth_full",
            )
        last = booth.assets.aggregate(last=Max("position"))["last"]
        asset = BoothAsset(
            booth=booth,
            kind=kind,
            title=shown_title,
            # The title in the event's other languages; empty ones show the first language's.
            title_translations={
                code: clean_title(text)
                for code, text in (title_translations or {}).items()
                if code in booth.event.languages[1:] and clean_title(text)
            },
            position=0 if last is None else last + 1,
            is_voice_note=is_voice_note,
            original_format=found.name,
            original_size=content.size,
        )
        store_and_queue(asset, content, found.extension)
    return asset


def store_and_queue(asset: BoothAsset, content, extension: str) -> None:
    """Keep a new asset's original under our own name (never the uploader's: the folder is random,
    the name says what it is), save the row, and queue its processing; a row that cannot be saved
    leaves no file behind."""
    content.seek(0)
    asset.original.save(f"original.{extension}", content, save=False)
    try:
        asset.save()
    except Exception:
        asset.original.delete(save=False)
        raise
    queue_processing(asset)


def queue_processing(asset: BoothAsset) -> None:
    asset_id = asset.pk
    enqueue_after_commit("exhibits.tasks.process_booth_asset", asset_id)


@transaction.atomic
def process_again(asset: BoothAsset) -> BoothAsset:
    """Queue a failed (or stuck) file for processing once more."""
    refuse_if_closed(asset.booth)
    return queue_again(asset)


def queue_again(asset: BoothAsset) -> BoothAsset:
    """Back to the queue from the start, whoever owns the file (a booth or a session): the
    callers check who may ask."""
    BoothAsset.objects.filter(pk=asset.pk).update(
        status=AssetStatus.QUEUED, progress=0, error_code="", error_params={}
    )
    asset.refresh_from_db()
    queue_processing(asset)
    return asset


# --- Order and removal -----------------------------------------------------------------------------


def _require_booth_change(booth: Booth, by: User) -> None:
    if not by.has_perm(CHANGE_BOOTH, booth):
        raise NotAllowed(_("Only the booth's exhibitor can change its files and links."))


@transaction.atomic
def move_asset(asset: BoothAsset, *, up: bool, by: User) -> None:
    """Swap a file with its neighbour on the booth: earlier (`up`) or later."""
    refuse_if_closed(asset.booth)
    _require_booth_change(asset.booth, by)
    swap_with_neighbour(BoothAsset.objects.select_for_update().filter(booth=asset.booth_id), asset.pk, up=up)


@transaction.atomic
def move_link(link: BoothLink, *, up: bool, by: User) -> None:
    """Swap a link with its neighbour on the booth: earlier (`up`) or later."""
    refuse_if_closed(link.booth)
    _require_booth_change(link.booth, by)
    swap_with_neighbour(BoothLink.objects.select_for_update().filter(booth=link.booth_id), link.pk, up=up)


@transaction.atomic
def retitle_asset(
    asset: BoothAsset, *, title: str, title_translations: dict[str, str], by: User
) -> BoothAsset:
    """Change what visitors read as the file's title, in each event language. Raises
    ValidationError (nothing saved) for a title that leaves nothing to show."""
    refuse_if_closed(asset.booth)
    _require_booth_change(asset.booth, by)
    shown = clean_title(title)
    if not shown:
        raise ValidationError({"title": _("Give the file a title visitors can read.")})
    asset.title = shown
    asset.title_translations = {
        code: clean_title(text)
        for code, text in (title_translations or {}).items()
        if code in asset.booth.event.languages[1:] and clean_title(text)
    }
    asset.save(update_fields=["title", "title_translations"])
    return asset


@transaction.atomic
def change_link(
    link: BoothLink, *, title: str, title_translations: dict[str, str], url: str, by: User
) -> BoothLink:
    """Change a link's title in each event language and its address. Raises ValidationError
    (nothing saved) for a bad address or title."""
    refuse_if_closed(link.booth)
    _require_booth_change(link.booth, by)
    link.title = clean_title(title)
    link.title_translations = {
        code: clean_title(text)
        for code, text in (title_translations or {}).items()
        if code in link.booth.event.languages[1:] and clean_title(text)
    }
    link.url = (url or "").strip()
    clean_instance(link)
    link.save(update_fields=["title", "title_translations", "url"])
    return link


@transaction.atomic
def remove_asset(asset: BoothAsset) -> None:
    """Remove a file and everything made from it (the files go once the removal is committed)."""
    refuse_if_closed(asset.booth)
    asset.delete()


# --- What visitors see -------------------------------------------------------------------------------


@dataclass
class VisitorAssets:
    """A booth's ready files by kind, and its links, in the exhibitor's order."""

    documents: list[BoothAsset] = field(default_factory=list)
    videos: list[BoothAsset] = field(default_factory=list)
    audio: list[BoothAsset] = field(default_factory=list)
    images: list[BoothAsset] = field(default_factory=list)
    links: list[BoothLink] = field(default_factory=list)

    def __iter__(self):
        return iter(self.documents + self.videos + self.audio + self.images)

    def __len__(self) -> int:
        return len(self.documents) + len(self.videos) + len(self.audio) + len(self.images)

    def __bool__(self) -> bool:
        return len(self) > 0 or bool(self.links)


def assets_for_visitors(booth: Booth) -> VisitorAssets:
    """Only files whose processing finished: nothing half-made or broken reaches a visitor."""
    found = VisitorAssets(links=list(booth.links.all()))
    by_kind = {
        AssetKind.DOCUMENT: found.documents,
        AssetKind.VIDEO: found.videos,
        AssetKind.AUDIO: found.audio,
        AssetKind.IMAGE: found.images,
    }
    for asset in booth.assets.filter(status=AssetStatus.READY).order_by("position", "id"):
        by_kind[asset.kind].append(asset)
    return found


def ready_document(booth: Booth, asset_id: int) -> BoothAsset | None:
    return (
        booth.assets.filter(pk=asset_id, kind=AssetKind.DOCUMENT, status=AssetStatus.READY)
        .select_related("booth")
        .first()
    )


def document_page(asset: BoothAsset, number: int) -> tuple[AssetPage | None, int]:
    """The page to show for a requested number (kept within the document) and that number."""
    count = asset.page_count or 0
    number = min(max(1, number), max(1, count))
    return asset.pages.filter(number=number).first(), number

"""Processing an uploaded booth file (run by Celery): it reports progress as it goes, stores what
visitors get, or says why it failed. Running it twice gives the same result, never duplicates.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..limits import limit
from ..models import AssetKind, AssetPage, AssetStatus, BoothAsset
from ..processing import ProcessingError
from ..processing.audio import transcode_audio
from ..processing.images import resize_image
from ..processing.pdf import render_pdf
from ..processing.video import VideoLimits, transcode_video

logger = logging.getLogger(__name__)


def process_asset(asset_id: int) -> BoothAsset | None:
    """Process one asset. A file removed meanwhile is skipped; a ready one is left alone (a task
    delivered twice does nothing twice); a failure is recorded on the asset with its reason."""
    asset = BoothAsset.objects.filter(pk=asset_id).first()
    if asset is None or asset.status == AssetStatus.READY:
        return asset
    _set(asset, status=AssetStatus.PROCESSING, progress=0, error_code="", error_params={})
    try:
        if not asset.original or not asset.original.storage.exists(asset.original.name):
            raise ProcessingError("asset.original_missing")
        with local_copy(asset) as source, tempfile.TemporaryDirectory(prefix="rakwon-asset-") as work:
            progress = _progress_of(asset)
            made = PROCESSORS[asset.kind](source, Path(work), progress)
            _store(asset, made)
    except ProcessingError as error:
        _fail(asset, error.code, error.params)
    except SoftTimeLimitExceeded:
        # The task's soft time limit (ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS): say so, not "bug".
        minutes = max(1, limit("ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS") // 60)
        logger.warning("processing booth asset %s stopped after its time limit", asset_id)
        _fail(asset, "asset.too_slow", {"minutes": minutes})
    except Exception:
        logger.exception("processing booth asset %s failed unexpectedly", asset_id)
        _fail(asset, "asset.unexpected", {})
    return BoothAsset.objects.filter(pk=asset_id).first()


# --- The processors: one per kind, each returns what to store --------------------------------------


def _document(source: Path, work: Path, progress) -> dict:
    rendered = render_pdf(
        source,
        work,
        max_pages=limit("PDF_MAX_PAGES"),
        page_width=limit("PDF_PAGE_WIDTH"),
        page_max_pixels=limit("PDF_PAGE_MAX_PIXELS"),
        max_aspect=limit("PDF_PAGE_MAX_ASPECT"),
        thumb_width=limit("PDF_THUMB_WIDTH"),
        progress=progress,
    )
    first = rendered.pages[0]
    return {
        "thumbnail": rendered.thumbnail,
        "pages": rendered.pages,
        "fields": {"page_count": len(rendered.pages), "width": first.width, "height": first.height},
    }


def _video(source: Path, work: Path, progress) -> dict:
    limits = VideoLimits(
        height=limit("VIDEO_LOW_HEIGHT"),
        bitrate=limit("VIDEO_LOW_BITRATE"),
        audio_bitrate=limit("VIDEO_LOW_AUDIO_BITRATE"),
        max_fps=limit("VIDEO_LOW_MAX_FPS"),
        max_seconds=limit("VIDEO_MAX_SECONDS"),
        max_pixels=limit("VIDEO_MAX_PIXELS"),
        poster_width=limit("VIDEO_POSTER_WIDTH"),
    )
    low = transcode_video(source, work, limits=limits, progress=progress)
    return {
        "variant": low.variant,
        "thumbnail": low.poster,
        "fields": {"width": low.width, "height": low.height, "duration": low.duration},
    }


def _audio(source: Path, work: Path, progress) -> dict:
    opus = transcode_audio(
        source,
        work,
        bitrate=limit("AUDIO_OPUS_BITRATE"),
        max_seconds=limit("AUDIO_MAX_SECONDS"),
        progress=progress,
    )
    return {"variant": opus.variant, "fields": {"duration": opus.duration}}


def _image(source: Path, work: Path, progress) -> dict:
    resized = resize_image(
        source,
        work,
        max_pixels=limit("IMAGE_MAX_PIXELS"),
        display_width=limit("IMAGE_DISPLAY_WIDTH"),
        thumb_width=limit("IMAGE_THUMB_WIDTH"),
        progress=progress,
    )
    return {
        "variant": resized.display,
        "thumbnail": resized.thumbnail,
        "fields": {"width": resized.width, "height": resized.height},
    }


PROCESSORS = {
    AssetKind.DOCUMENT: _document,
    AssetKind.VIDEO: _video,
    AssetKind.AUDIO: _audio,
    AssetKind.IMAGE: _image,
}


# --- Storing and recording ---------------------------------------------------------------------------


@contextmanager
def local_copy(asset: BoothAsset) -> Iterator[Path]:
    """The original as a local file: the stored file itself, or a temporary copy of it when the
    storage is not a local folder."""
    try:
        path = Path(asset.original.path)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = "." + asset.original.name.rsplit(".", 1)[-1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with asset.original.open("rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        yield Path(copy.name)


def _store(asset: BoothAsset, made: dict) -> None:
    """Replace whatever an earlier run stored with this run's files, in one transaction."""
    with transaction.atomic():
        locked = BoothAsset.objects.select_for_update().filter(pk=asset.pk).first()
        if locked is None:
            return  # removed while it was being processed: store nothing
        stale = [f.name for f in (locked.variant, locked.thumbnail) if f]
        locked.pages.all().delete()  # their files go when this commits (models.assets)
        locked.variant = _save(locked, made.get("variant"))
        locked.thumbnail = _save(locked, made.get("thumbnail"))
        for page in made.get("pages", []):
            stored = AssetPage(asset=locked, number=page.number, width=page.width, height=page.height)
            with page.path.open("rb") as content:
                stored.image.save(page.path.name, File(content), save=False)
            stored.save()
        for name, value in made["fields"].items():
            setattr(locked, name, value)
        locked.status, locked.progress, locked.processed_at = AssetStatus.READY, 100, timezone.now()
        locked.error_code, locked.error_params = "", {}
        locked.save()
        storage = locked.original.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])


def _save(asset: BoothAsset, path: Path | None) -> str:
    if path is None:
        return ""
    field = asset.variant.field
    with path.open("rb") as content:
        # A name already taken (an earlier run's file, deleted only on commit) gets a suffix.
        return field.storage.save(field.generate_filename(asset, path.name), File(content))


def _progress_of(asset: BoothAsset):
    def report(percent: int) -> None:
        # A plain UPDATE outside any transaction: the editor's progress bar sees it at once.
        BoothAsset.objects.filter(pk=asset.pk).update(progress=percent)

    return report


def _set(asset: BoothAsset, **fields) -> None:
    BoothAsset.objects.filter(pk=asset.pk).update(**fields)
    for name, value in fields.items():
        setattr(asset, name, value)


def _fail(asset: BoothAsset, code: str, params: dict) -> None:
    # Whatever an earlier run made is no longer shown: a failed asset is never visible anyway.
    _set(
        asset,
        status=AssetStatus.FAILED,
        error_code=code,
        error_params={key: str(value) for key, value in params.items()},
        processed_at=timezone.now(),
    )

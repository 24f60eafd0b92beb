"""Tests of exhibits/services/asset_processing.py: real uploads processed by the Celery task
(eager in tests), failures recorded with their reason, and processing that is safe to repeat."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exhibits.models import AssetKind, AssetPage, AssetStatus, BoothAsset
from exhibits.services.asset_processing import process_asset
from exhibits.services.assets import process_again, upload_asset
from exhibits.tasks import process_booth_asset
from tests.asset_factories import audio_bytes, pdf_bytes, png_bytes, upload, video_bytes

pytestmark = pytest.mark.django_db

PROGRESS_SET = re.compile(r'"progress" = (\d+)')


def folder_files(asset: BoothAsset, settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "booths" / str(asset.booth_id) / asset.folder
    return sorted(p.name for p in folder.iterdir())


def uploaded(booth, name, data, kind, capture) -> BoothAsset:
    """Upload as the editor does; the task runs (eagerly) once the upload is committed."""
    with capture(execute=True):
        asset = upload_asset(booth, upload(name, data), kind=kind)
    asset.refresh_from_db()
    return asset


def test_upload_pdf_processed_into_page_images(booth_a, settings, django_capture_on_commit_callbacks):
    asset = uploaded(
        booth_a, "brochure.pdf", pdf_bytes(3), AssetKind.DOCUMENT, django_capture_on_commit_callbacks
    )

    assert (asset.status, asset.progress, asset.page_count, asset.width, asset.error_code) == (
        "ready",
        100,
        3,
        1000,
        "",
    )
    assert [(p.number, p.image.name.rsplit("/", 1)[-1]) for p in asset.pages.all()] == [
        (1, "page-0001.webp"),
        (2, "page-0002.webp"),
        (3, "page-0003.webp"),
    ]
    assert folder_files(asset, settings) == [
        "original.pdf",
        "page-0001.webp",
        "page-0002.webp",
        "page-0003.webp",
        "thumbnail.webp",
    ]
    assert asset.processed_at is not None


def test_upload_video_processed_into_low_copy_and_poster(
    booth_a, settings, django_capture_on_commit_callbacks
):
    asset = uploaded(
        booth_a,
        "demo.mp4",
        video_bytes(1, size=(1280, 720)),
        AssetKind.VIDEO,
        django_capture_on_commit_callbacks,
    )

    assert (asset.status, asset.width, asset.height, asset.duration) == ("ready", 640, 360, 1.0)
    assert folder_files(asset, settings) == ["original.mp4", "poster.webp", "video-low.mp4"]
    assert asset.variant.name.endswith("/video-low.mp4")


def test_upload_audio_processed_into_opus(booth_a, settings, django_capture_on_commit_callbacks):
    asset = uploaded(
        booth_a, "hello.m4a", audio_bytes(1), AssetKind.AUDIO, django_capture_on_commit_callbacks
    )

    assert (asset.status, asset.duration_label) == ("ready", "0:01")
    assert folder_files(asset, settings) == ["audio.opus", "original.mp4"]


def test_upload_image_processed_into_thumbnails(booth_a, settings, django_capture_on_commit_callbacks):
    asset = uploaded(
        booth_a, "stand.png", png_bytes((2400, 1200)), AssetKind.IMAGE, django_capture_on_commit_callbacks
    )

    assert (asset.status, asset.width, asset.height) == ("ready", 1600, 800)
    assert folder_files(asset, settings) == ["display.webp", "original.png", "thumbnail.webp"]


def test_sound_only_file_as_video_fails_with_reason(booth_a, django_capture_on_commit_callbacks):
    asset = uploaded(booth_a, "talk.mp4", audio_bytes(1), AssetKind.VIDEO, django_capture_on_commit_callbacks)

    assert (asset.status, asset.error_code) == ("failed", "video.no_video_stream")
    assert asset.error_message == (
        "This file has sound but no picture (no video stream). Upload it as audio instead, or "
        "choose the video file."
    )
    assert (asset.variant.name, asset.thumbnail.name) == ("", "")


def test_truncated_pdf_fails_as_corrupt(booth_a, django_capture_on_commit_callbacks):
    data = pdf_bytes(3)

    asset = uploaded(
        booth_a, "cut.pdf", data[: len(data) // 2], AssetKind.DOCUMENT, django_capture_on_commit_callbacks
    )

    assert (asset.status, asset.error_code, asset.pages.count()) == ("failed", "pdf.corrupt", 0)


def test_truncated_video_fails_as_corrupt(booth_a, django_capture_on_commit_callbacks):
    data = video_bytes(1)

    asset = uploaded(
        booth_a, "cut.mp4", data[: len(data) // 3], AssetKind.VIDEO, django_capture_on_commit_callbacks
    )

    assert (asset.status, asset.error_code) == ("failed", "video.corrupt")


def test_failure_stored_as_code_and_params(booth_a, settings, django_capture_on_commit_callbacks):
    settings.PDF_MAX_PAGES = 2

    asset = uploaded(
        booth_a, "long.pdf", pdf_bytes(3), AssetKind.DOCUMENT, django_capture_on_commit_callbacks
    )

    # The message is written when it is read, in the reader's language, from the code and values.
    assert (asset.status, asset.error_code, asset.error_params) == (
        "failed",
        "pdf.too_many_pages",
        {"pages": "3", "limit": "2"},
    )
    assert asset.error_message == "This PDF has 3 pages; the limit is 2. Split it into smaller documents."


def test_processing_twice_keeps_one_set_of_pages(booth_a, settings, django_capture_on_commit_callbacks):
    asset = uploaded(
        booth_a, "brochure.pdf", pdf_bytes(2), AssetKind.DOCUMENT, django_capture_on_commit_callbacks
    )
    BoothAsset.objects.filter(pk=asset.pk).update(status=AssetStatus.PROCESSING)  # as if the worker died

    with django_capture_on_commit_callbacks(execute=True):
        process_booth_asset.delay(asset.pk)

    asset.refresh_from_db()
    assert (asset.status, asset.page_count, AssetPage.objects.filter(asset=asset).count()) == ("ready", 2, 2)
    assert len(folder_files(asset, settings)) == 4  # original, two pages, thumbnail: old ones deleted


def test_process_again_after_failure_replaces_nothing_twice(
    booth_a, settings, django_capture_on_commit_callbacks
):
    asset = uploaded(
        booth_a, "stand.png", png_bytes((900, 600)), AssetKind.IMAGE, django_capture_on_commit_callbacks
    )
    BoothAsset.objects.filter(pk=asset.pk).update(status=AssetStatus.FAILED, error_code="asset.unexpected")

    with django_capture_on_commit_callbacks(execute=True):
        process_again(BoothAsset.objects.select_related("booth__event").get(pk=asset.pk))

    asset.refresh_from_db()
    assert (asset.status, asset.error_code) == ("ready", "")
    # The earlier run's copies are gone; this run's have names of their own (never overwritten
    # while the old ones might still be shown).
    files = folder_files(asset, settings)
    assert [name.split("_")[0].split(".")[0] for name in files] == ["display", "original", "thumbnail"]
    assert {asset.variant.name.rsplit("/", 1)[-1], asset.thumbnail.name.rsplit("/", 1)[-1]} == set(files) - {
        "original.png"
    }


def test_process_asset_ready_one_left_alone(booth_a, django_capture_on_commit_callbacks):
    asset = uploaded(
        booth_a, "brochure.pdf", pdf_bytes(1), AssetKind.DOCUMENT, django_capture_on_commit_callbacks
    )
    processed_at = asset.processed_at

    again = process_asset(asset.pk)

    assert (again.status, again.processed_at, again.pages.count()) == ("ready", processed_at, 1)


def test_process_asset_removed_meanwhile_is_skipped(db):
    assert process_asset(987654) is None


def test_process_asset_original_gone_fails_with_reason(booth_a, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        asset = upload_asset(booth_a, upload("a.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT)
    asset.original.storage.delete(asset.original.name)

    process_asset(asset.pk)

    asset.refresh_from_db()
    assert (asset.status, asset.error_code) == ("failed", "asset.original_missing")
    assert asset.error_message == (
        "The uploaded file is no longer on the server. Remove this entry and upload the file again."
    )


def test_process_asset_reports_progress_as_it_goes(booth_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        asset = upload_asset(booth_a, upload("a.pdf", pdf_bytes(4)), kind=AssetKind.DOCUMENT)

    with CaptureQueriesContext(connection) as queries:
        process_asset(asset.pk)

    # Started (0), then one UPDATE per page outside any transaction (the editor's poll sees each
    # at once), then the finished asset saved with 100.
    steps = [
        int(match.group(1))
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and (match := PROGRESS_SET.search(query["sql"]))
    ]
    assert steps == [0, 0, 25, 50, 75, 100, 100]


def test_upload_pdf_with_a_sliver_page_fails_with_a_reason_the_exhibitor_can_act_on(
    booth_a, django_capture_on_commit_callbacks
):
    from tests.exhibits.processing.test_pdf import pdf_of_page_sizes

    asset = uploaded(
        booth_a,
        "thin.pdf",
        pdf_of_page_sizes((0.01, 1e8)),
        AssetKind.DOCUMENT,
        django_capture_on_commit_callbacks,
    )

    assert (asset.status, asset.error_code, asset.error_params) == (
        "failed",
        "pdf.page_shape",
        {"page": "1", "limit": "50"},
    )
    assert asset.error_message == (
        "Page 1 of this PDF is more than 50 times as long as it is wide (or as wide as it is "
        "long). Give every page a usual size, such as A4 or a slide, and upload it again."
    )
    assert asset.pages.count() == 0


def test_processing_stopped_at_the_soft_time_limit_says_it_took_too_long(
    booth_a, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from billiard.exceptions import SoftTimeLimitExceeded

    from exhibits.services import asset_processing

    def too_slow(source, work, progress):
        # What Celery's pool raises inside the task when its soft time limit passes.
        progress(40)
        raise SoftTimeLimitExceeded()

    settings.ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS = 600
    monkeypatch.setitem(asset_processing.PROCESSORS, AssetKind.DOCUMENT, too_slow)

    asset = uploaded(booth_a, "big.pdf", pdf_bytes(2), AssetKind.DOCUMENT, django_capture_on_commit_callbacks)

    assert (asset.status, asset.error_code, asset.error_params) == (
        "failed",
        "asset.too_slow",
        {"minutes": "10"},
    )
    assert asset.error_message == (
        "Processing this file took longer than 10 minutes and was stopped. Upload a smaller or "
        "simpler file (fewer pages, a shorter cut), or ask the organisers for help."
    )

"""Tests of exhibits/services/assets.py: uploads checked by content with real (and really broken)
files, generated storage names, order and removal, and what visitors see."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from events.enums import EventStatus
from events.errors import EventClosed, NotAllowed
from exhibits.models import AssetKind, AssetStatus, BoothAsset
from exhibits.processing import failure_message
from exhibits.services.assets import (
    assets_for_visitors,
    clean_title,
    document_page,
    move_asset,
    move_link,
    process_again,
    remove_asset,
    title_from_file_name,
    upload_asset,
)
from tests.asset_factories import (
    AssetPageFactory,
    BoothAssetFactory,
    BoothLinkFactory,
    audio_bytes,
    bomb_png_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    video_bytes,
)
from tests.rakwon_site.test_media_polyglot import PAYLOAD, polyglot_gif

pytestmark = pytest.mark.django_db


def refused(booth, file, kind) -> str:
    with pytest.raises(ValidationError) as caught:
        upload_asset(booth, file, kind=kind)
    assert BoothAsset.objects.count() == 0
    return caught.value.messages[0]


def media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Titles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Product sheet 2025.pdf", "Product sheet 2025"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system"),
        ("bro\x00chure.pdf", "brochure"),
        ("evil\u202egnp.exe", "evilgnp"),
        ("  lots   of_space .pdf", "lots of space"),
        ("...", ""),
        (".hidden", "hidden"),
        ("x" * 500 + ".pdf", "x" * 120),
    ],
)
def test_title_from_file_name_never_a_path(name, title):
    assert title_from_file_name(name) == title


def test_clean_title_strips_control_characters_and_spaces():
    assert clean_title("  Q3/Q4\tresults\n") == "Q3/Q4results"


# --- Uploading -----------------------------------------------------------------------------------------


def test_upload_asset_stores_under_generated_name_and_queues(
    booth_a, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        asset = upload_asset(
            booth_a, upload("../../etc/passwd", pdf_bytes(1), "text/plain"), kind=AssetKind.DOCUMENT
        )

    assert (asset.kind, asset.title, asset.status, asset.original_format) == (
        "document",
        "passwd",
        "queued",
        "pdf",
    )
    assert asset.original.name == f"booths/{booth_a.pk}/{asset.folder}/original.pdf"
    assert len(asset.folder) == 32
    assert media_files(settings) == [asset.original.name]
    assert len(callbacks) == 1


def test_upload_asset_typed_title_wins_over_file_name(booth_a):
    asset = upload_asset(
        booth_a, upload("scan.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT, title=" Price list "
    )

    assert asset.title == "Price list"


def test_upload_asset_no_usable_name_gets_kind_title(booth_a):
    asset = upload_asset(booth_a, upload("...", png_bytes((10, 10))), kind=AssetKind.IMAGE)

    assert asset.title == "Picture"


def test_upload_asset_positions_follow_on(booth_a):
    first = upload_asset(booth_a, upload("a.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT)
    second = upload_asset(booth_a, upload("b.png", png_bytes((10, 10))), kind=AssetKind.IMAGE)

    assert (first.position, second.position) == (0, 1)


def test_upload_asset_each_kind_accepts_real_files(booth_a):
    kinds = [
        (AssetKind.DOCUMENT, "a.pdf", pdf_bytes(1), "pdf"),
        (AssetKind.IMAGE, "b.jpg", png_bytes((20, 20), image_format="JPEG"), "jpeg"),
        (AssetKind.VIDEO, "c.mp4", video_bytes(0.2), "mp4"),
        (AssetKind.AUDIO, "d.wav", audio_bytes(0.2, "wav"), "wav"),
        (AssetKind.AUDIO, "e.ogg", audio_bytes(0.2, "ogg"), "ogg"),
    ]
    for kind, name, data, found in kinds:
        asset = upload_asset(booth_a, upload(name, data), kind=kind)
        assert (asset.kind, asset.original_format, asset.original.name.rsplit(".", 1)[-1]) == (
            kind,
            found,
            {"jpeg": "jpg"}.get(found, found),
        )


def test_upload_asset_text_renamed_pdf_refused(booth_a):
    message = refused(
        booth_a, upload("report.pdf", b"Quarterly report\n", "application/pdf"), AssetKind.DOCUMENT
    )

    assert (
        message == "This file is a text file, not a PDF. Save or export the document as PDF and upload that."
    )


def test_upload_asset_word_file_as_pdf_refused_with_advice(booth_a):
    message = refused(booth_a, upload("offer.pdf", b"PK\x03\x04" + b"\x00" * 100), AssetKind.DOCUMENT)

    assert message == (
        "This file is a ZIP archive (Word and PowerPoint files are ZIP archives too), not a PDF. "
        "Save or export the document as PDF and upload that."
    )


def test_upload_asset_picture_claiming_to_be_video_refused(booth_a):
    message = refused(booth_a, upload("clip.mp4", png_bytes((10, 10)), "video/mp4"), AssetKind.VIDEO)

    assert message == "This file is a picture, not a video. Upload an MP4, WebM, MOV or AVI video."


def test_upload_asset_pdf_claiming_to_be_picture_refused(booth_a):
    message = refused(booth_a, upload("photo.png", pdf_bytes(1), "image/png"), AssetKind.IMAGE)

    assert message == "This file is a PDF document, not a picture. Upload a PNG, JPEG, WebP or GIF picture."


def test_upload_asset_unknown_bytes_refused(booth_a):
    message = refused(booth_a, upload("song.mp3", bytes(range(256)) * 4), AssetKind.AUDIO)

    assert message == (
        "This file is a kind of file we cannot read, not a sound file. "
        "Upload MP3, M4A, Ogg, Opus, WebM, WAV or FLAC."
    )


def test_upload_asset_wav_as_video_refused_no_video_stream(booth_a):
    message = refused(booth_a, upload("talk.mp4", audio_bytes(0.2, "wav")), AssetKind.VIDEO)

    assert message.startswith("This file has sound but no picture (no video stream).")


def test_upload_asset_bomb_refused_at_upload(booth_a):
    message = refused(booth_a, upload("poster.png", bomb_png_bytes()), AssetKind.IMAGE)

    assert message == (
        "This picture has more than 40 megapixels, too many to process safely. "
        "Scale it down and upload it again."
    )


def test_upload_asset_empty_file_refused(booth_a):
    message = refused(booth_a, upload("empty.pdf", b""), AssetKind.DOCUMENT)

    assert message == "This file is empty. Choose the file again and upload it."


def test_upload_asset_over_size_limit_refused(booth_a, settings):
    settings.ASSET_MAX_BYTES = {**settings.ASSET_MAX_BYTES, "document": 1024}

    message = refused(booth_a, upload("big.pdf", pdf_bytes(1)), AssetKind.DOCUMENT)

    assert message.startswith("This file is ")
    assert message.endswith("; the limit for this kind of file is 1.0\xa0KB. Upload a smaller file.")


def test_upload_asset_booth_full_refused_nothing_stored(booth_a, settings):
    settings.BOOTH_MAX_ASSETS = 1
    upload_asset(booth_a, upload("a.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT)

    with pytest.raises(ValidationError) as caught:
        upload_asset(booth_a, upload("b.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT)

    assert caught.value.messages == [
        "This booth already has 1 files, the most it can hold. Remove one first."
    ]
    assert BoothAsset.objects.count() == 1
    assert len(media_files(settings)) == 1


def test_upload_asset_unknown_kind_refused(booth_a):
    with pytest.raises(ValidationError):
        upload_asset(booth_a, upload("a.pdf", pdf_bytes(1)), kind="spreadsheet")

    assert BoothAsset.objects.count() == 0


def test_upload_asset_closed_event_refused(booth_a, event):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed):
        upload_asset(booth_a, upload("a.pdf", pdf_bytes(1)), kind=AssetKind.DOCUMENT)

    assert BoothAsset.objects.count() == 0


# --- Processing again, order, removal -------------------------------------------------------------------


def test_process_again_resets_a_failed_asset(booth_a, django_capture_on_commit_callbacks):
    asset = BoothAssetFactory(booth=booth_a, status=AssetStatus.FAILED, error_code="pdf.corrupt", progress=40)

    with django_capture_on_commit_callbacks() as callbacks:
        process_again(asset)

    asset.refresh_from_db()
    assert (asset.status, asset.progress, asset.error_code) == ("queued", 0, "")
    assert len(callbacks) == 1


def test_move_asset_swaps_with_neighbour(booth_a, staff_a):
    first, second, third = (BoothAssetFactory(booth=booth_a, position=n) for n in (5, 6, 9))

    move_asset(third, up=True, by=staff_a)

    assert list(booth_a.assets.values_list("pk", "position")) == [
        (first.pk, 0),
        (third.pk, 1),
        (second.pk, 2),
    ]


def test_move_asset_first_up_stays(booth_a, staff_a):
    first, second = (BoothAssetFactory(booth=booth_a, position=n) for n in (0, 1))

    move_asset(first, up=True, by=staff_a)

    assert list(booth_a.assets.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_move_link_down(booth_a, staff_a):
    first, second = (BoothLinkFactory(booth=booth_a, position=n) for n in (0, 1))

    move_link(first, up=False, by=staff_a)

    assert list(booth_a.links.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_move_asset_by_another_exhibitors_staff_is_refused_and_nothing_moves(booth_a, staff_b):
    first, second = (BoothAssetFactory(booth=booth_a, position=n) for n in (0, 1))

    with pytest.raises(NotAllowed) as caught:
        move_asset(second, up=True, by=staff_b)

    assert caught.value.message == "Only the booth's exhibitor can change its files and links."
    assert list(booth_a.assets.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_move_link_by_a_visitor_is_refused_and_nothing_moves(booth_a, visitor):
    first, second = (BoothLinkFactory(booth=booth_a, position=n) for n in (0, 1))

    with pytest.raises(NotAllowed):
        move_link(first, up=False, by=visitor)

    assert list(booth_a.links.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_remove_asset_deletes_its_files_on_commit(booth_a, settings, django_capture_on_commit_callbacks):
    asset = BoothAssetFactory(booth=booth_a)
    AssetPageFactory(asset=asset)
    assert len(media_files(settings)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        remove_asset(asset)

    assert BoothAsset.objects.count() == 0
    assert media_files(settings) == []


def test_deleting_the_booth_deletes_asset_files(booth_a, settings, django_capture_on_commit_callbacks):
    AssetPageFactory(asset=BoothAssetFactory(booth=booth_a))

    with django_capture_on_commit_callbacks(execute=True):
        booth_a.delete()

    assert media_files(settings) == []


def test_remove_asset_closed_event_refused(booth_a, event):
    asset = BoothAssetFactory(booth=booth_a)
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed):
        remove_asset(BoothAsset.objects.select_related("booth__event").get(pk=asset.pk))

    assert BoothAsset.objects.count() == 1


# --- What visitors see -------------------------------------------------------------------------------------


def test_assets_for_visitors_only_ready_by_kind_in_order(booth_a):
    late_doc = BoothAssetFactory(booth=booth_a, position=3)
    early_doc = BoothAssetFactory(booth=booth_a, position=1)
    video = BoothAssetFactory(booth=booth_a, kind=AssetKind.VIDEO, position=2)
    BoothAssetFactory(booth=booth_a, status=AssetStatus.FAILED, error_code="pdf.corrupt")
    BoothAssetFactory(booth=booth_a, status=AssetStatus.PROCESSING, progress=50)
    BoothAssetFactory(booth=booth_a, status=AssetStatus.QUEUED)
    link = BoothLinkFactory(booth=booth_a)

    assets = assets_for_visitors(booth_a)

    assert (assets.documents, assets.videos, assets.audio, assets.images) == (
        [early_doc, late_doc],
        [video],
        [],
        [],
    )
    assert assets.links == [link]
    assert (len(assets), bool(assets)) == (3, True)


def test_assets_for_visitors_empty_booth_is_falsy(booth_a):
    assert not assets_for_visitors(booth_a)


def test_document_page_kept_within_the_document(booth_a):
    asset = BoothAssetFactory(booth=booth_a, page_count=2)
    one, two = AssetPageFactory(asset=asset, number=1), AssetPageFactory(asset=asset, number=2)

    assert document_page(asset, 2) == (two, 2)
    assert document_page(asset, 99) == (two, 2)
    assert document_page(asset, -4) == (one, 1)


# --- Pictures are redrawn on upload (issue 10) ---------------------------------------------------------


def _stored(asset: BoothAsset) -> bytes:
    with asset.original.open("rb") as stored:
        return stored.read()


def _jpeg_with_metadata() -> bytes:
    """A JPEG carrying what a phone or an attacker adds: EXIF (a place, a turn), a comment, an ICC
    profile and a script after the end of the picture."""
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° to show": the redrawn picture is turned, the tag dropped
    exif[0x010E] = "shot at 37.5665N 126.9780E"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#1a5fb4").save(
        buffer, "JPEG", exif=exif, comment=b"<script>1</script>", icc_profile=b"ICC" + PAYLOAD
    )
    return buffer.getvalue() + PAYLOAD


def test_upload_asset_picture_polyglot_is_redrawn_without_its_payload(booth_a, settings):
    asset = upload_asset(booth_a, upload("pwn.js", polyglot_gif(), "text/javascript"), kind=AssetKind.IMAGE)

    data = _stored(asset)
    assert asset.original.name == f"booths/{booth_a.pk}/{asset.folder}/original.png"
    assert (PAYLOAD in data, asset.original_format, asset.original_size) == (False, "png", len(data))
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (0x2A2F, 1), (0, 0, 0))
    assert media_files(settings) == [asset.original.name]


def test_upload_asset_jpeg_is_redrawn_without_exif_comment_profile_or_trailer(booth_a):
    asset = upload_asset(booth_a, upload("photo.jpg", _jpeg_with_metadata()), kind=AssetKind.IMAGE)

    data = _stored(asset)
    assert asset.original.name.rsplit("/", 1)[-1] == "original.jpg"
    assert (PAYLOAD in data, b"<script>" in data, b"37.5665" in data) == (False, False, False)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, sorted(image.info), dict(image.getexif())) == (
            "JPEG",
            (20, 40),
            ["jfif", "jfif_density", "jfif_unit", "jfif_version"],
            {},
        )


def test_upload_asset_animated_gif_keeps_its_first_frame(booth_a):
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("#ff0000", "#00ff00")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"/*x*/", duration=100)

    asset = upload_asset(booth_a, upload("a.gif", buffer.getvalue()), kind=AssetKind.IMAGE)

    with Image.open(io.BytesIO(_stored(asset))) as image:
        assert (image.format, getattr(image, "n_frames", 1), image.convert("RGB").getpixel((0, 0))) == (
            "PNG",
            1,
            (255, 0, 0),
        )


def test_upload_asset_picture_that_does_not_decode_refused_nothing_stored(booth_a, settings):
    broken = png_bytes((200, 200))[:120]  # the header says 200×200, the pixels are cut off

    message = refused(booth_a, upload("cut.png", broken), AssetKind.IMAGE)

    assert message == str(failure_message("image.corrupt"))
    assert media_files(settings) == []

"""The data migration that moves exhibitor logos and booth files stored under unsafe names."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from exhibits.models import AssetPage, BoothAsset, Exhibitor
from tests.asset_factories import AssetPageFactory, BoothAssetFactory, audio_bytes, pdf_bytes, png_bytes
from tests.factories import png_upload
from tests.rakwon_site.test_media_polyglot import PAYLOAD, polyglot_gif

pytestmark = pytest.mark.django_db
migration = importlib.import_module("exhibits.migrations.0009_safe_upload_names")


def _run(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_unsafe_uploads(apps, None)


def _plant(model, pk: int, field: str, name: str, content: bytes) -> str:
    saved = default_storage.save(name, ContentFile(content))
    model.objects.filter(pk=pk).update(**{field: saved})
    return saved


def test_exhibitor_logo_under_the_uploaders_name_is_moved(exhibitor_a, django_capture_on_commit_callbacks):
    old = _plant(Exhibitor, exhibitor_a.pk, "logo", "exhibitors/logos/pwn.js", polyglot_gif())

    _run(django_capture_on_commit_callbacks)

    exhibitor_a.refresh_from_db()
    assert re.fullmatch(r"exhibitors/logos/logo-[0-9a-f]{32}\.png", exhibitor_a.logo.name)
    assert (default_storage.exists(old), PAYLOAD in exhibitor_a.logo.read()) == (False, False)


def _picture(asset: BoothAsset) -> tuple:
    with asset.original.open("rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        return (
            image.format,
            image.size,
            PAYLOAD in data,
            asset.original_format,
            asset.original_size == len(data),
        )


def test_booth_picture_originals_stored_as_uploaded_are_redrawn(booth_a, django_capture_on_commit_callbacks):
    gif = BoothAssetFactory(booth=booth_a, kind="image", original_format="gif")
    png = BoothAssetFactory(booth=booth_a, kind="image", original_format="png")
    jpeg = BoothAssetFactory(booth=booth_a, kind="image", original_format="jpeg")
    olds = [
        _plant(
            BoothAsset, gif.pk, "original", f"booths/{booth_a.pk}/{gif.folder}/original.gif", polyglot_gif()
        ),
        # The name was always ours; the bytes were the uploader's.
        _plant(
            BoothAsset,
            png.pk,
            "original",
            f"booths/{booth_a.pk}/{png.folder}/original.png",
            png_bytes((30, 20)) + PAYLOAD,
        ),
        _plant(
            BoothAsset,
            jpeg.pk,
            "original",
            f"booths/{booth_a.pk}/{jpeg.folder}/original.jpg",
            png_bytes((30, 20), image_format="JPEG") + PAYLOAD,
        ),
    ]

    _run(django_capture_on_commit_callbacks)

    for asset in (gif, png, jpeg):
        asset.refresh_from_db()
    assert [_picture(asset) for asset in (gif, png, jpeg)] == [
        ("PNG", (0x2A2F, 1), False, "png", True),
        ("PNG", (30, 20), False, "png", True),
        ("JPEG", (30, 20), False, "jpeg", True),
    ]
    assert [
        re.fullmatch(rf"booths/{booth_a.pk}/{a.folder}/original(_\w+)?\.(png|jpg)", a.original.name)
        is not None
        for a in (gif, png, jpeg)
    ] == [True, True, True]
    assert [default_storage.exists(old) for old in olds] == [False, False, False]


def test_booth_picture_original_that_does_not_decode_is_kept_as_a_download(
    booth_a, django_capture_on_commit_callbacks
):
    asset = BoothAssetFactory(booth=booth_a, kind="image", original_format="gif")
    folder = f"booths/{booth_a.pk}/{asset.folder}"
    broken = polyglot_gif()[:40]
    _plant(BoothAsset, asset.pk, "original", f"{folder}/original.gif", broken)

    _run(django_capture_on_commit_callbacks)

    asset.refresh_from_db()
    assert (asset.original.name, asset.original.read()) == (f"{folder}/original.bin", broken)
    assert default_storage.exists(f"{folder}/original.gif") is False


def test_booth_files_under_unsafe_names_are_moved_into_their_folder(
    booth_a, django_capture_on_commit_callbacks
):
    asset = BoothAssetFactory(booth=booth_a)
    page = AssetPageFactory(asset=asset)
    folder = f"booths/{booth_a.pk}/{asset.folder}"
    _plant(BoothAsset, asset.pk, "original", f"{folder}/pwn.html", pdf_bytes(1))
    _plant(BoothAsset, asset.pk, "thumbnail", "elsewhere/pwn.svg", b"<svg onload=alert(1)>")
    _plant(AssetPage, page.pk, "image", f"{folder}/page-0001.js", polyglot_gif())

    _run(django_capture_on_commit_callbacks)

    asset.refresh_from_db()
    page.refresh_from_db()
    assert (asset.original.name, asset.thumbnail.name, page.image.name) == (
        f"{folder}/pwn.pdf",
        f"{folder}/pwn.bin",
        f"{folder}/page-0001.gif",
    )
    assert (asset.original.read(), page.image.read()) == (pdf_bytes(1), polyglot_gif())
    assert [default_storage.exists(old) for old in (f"{folder}/pwn.html", f"{folder}/page-0001.js")] == [
        False,
        False,
    ]
    assert default_storage.exists("elsewhere/pwn.svg") is False


def test_safe_names_stay_and_a_second_run_changes_nothing(
    booth_a, exhibitor_a, django_capture_on_commit_callbacks
):
    exhibitor_a.logo = png_upload("mine.png")
    exhibitor_a.save()
    BoothAssetFactory(booth=booth_a)  # original.pdf and thumbnail.png, as processing names them
    sound = BoothAssetFactory(booth=booth_a, kind="audio", original_format="mp4")
    folder = f"booths/{booth_a.pk}/{sound.folder}"
    _plant(BoothAsset, sound.pk, "variant", f"{folder}/audio.opus", audio_bytes(1, "ogg"))
    picture = BoothAssetFactory(booth=booth_a, kind="image", original_format="jpeg")
    picture_folder = f"booths/{booth_a.pk}/{picture.folder}"
    _plant(
        BoothAsset, picture.pk, "original", f"{picture_folder}/original.jpg", png_bytes(image_format="JPEG")
    )
    moved = BoothAssetFactory(booth=booth_a)
    moved.original.delete(save=False)  # the factory's file, so the moved one takes its name
    _plant(BoothAsset, moved.pk, "original", "x/original.js", pdf_bytes(1))

    def names() -> list:
        assets = BoothAsset.objects.order_by("pk").values_list("original", "variant", "thumbnail")
        return [*assets, Exhibitor.objects.get(pk=exhibitor_a.pk).logo.name]

    before = names()
    _run(django_capture_on_commit_callbacks)
    after_first = names()
    _run(django_capture_on_commit_callbacks)

    assert after_first[:3] == before[:3]  # the picture was already drawn by us: it stays
    assert after_first[4] == before[4]
    assert after_first[3][0] == f"booths/{booth_a.pk}/{moved.folder}/original.pdf"
    assert names() == after_first

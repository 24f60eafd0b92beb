"""The data migration that moves exhibitor logos and booth files stored under unsafe names."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from exhibits.models import AssetPage, BoothAsset, Exhibitor
from tests.asset_factories import AssetPageFactory, BoothAssetFactory, audio_bytes, pdf_bytes
from tests.factories import png_upload
from tests.rakwon_site.test_media_polyglot import polyglot_gif

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
    assert re.fullmatch(r"exhibitors/logos/logo-[0-9a-f]{32}\.gif", exhibitor_a.logo.name)
    assert (default_storage.exists(old), exhibitor_a.logo.read()) == (False, polyglot_gif())


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

    assert after_first[:2] == before[:2]
    assert after_first[3] == before[3]
    assert after_first[2][0] == f"booths/{booth_a.pk}/{moved.folder}/original.pdf"
    assert names() == after_first

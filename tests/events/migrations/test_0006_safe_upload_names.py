"""The data migration that moves event logos stored under unsafe names (issue 10)."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from events.models import Event
from tests.asset_factories import png_bytes
from tests.factories import EventFactory, png_upload
from tests.rakwon_site.test_media_polyglot import PAYLOAD, polyglot_gif

pytestmark = pytest.mark.django_db
migration = importlib.import_module("events.migrations.0006_safe_upload_names")


def _stored_as(event: Event, name: str, content: bytes) -> str:
    saved = default_storage.save(name, ContentFile(content))
    Event.objects.filter(pk=event.pk).update(logo=saved)
    return saved


def _run(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_event_logos(apps, None)


def test_polyglot_logo_is_redrawn_under_a_random_name(django_capture_on_commit_callbacks):
    event = EventFactory(slug="pwn")
    old = _stored_as(event, "events/logos/pwn.js", polyglot_gif())

    _run(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.png", event.logo.name), event.logo.name
    data = event.logo.read()
    assert (default_storage.exists(old), PAYLOAD in data) == (False, False)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (0x2A2F, 1))


def test_logo_under_a_name_like_ours_is_still_redrawn(django_capture_on_commit_callbacks):
    # Before issue 10 the uploader chose the name: "logo-<32 hex>.png" proves nothing by itself.
    event = EventFactory(slug="lookalike")
    old = _stored_as(event, f"events/logos/logo-{'a' * 32}.png", png_upload().read() + PAYLOAD)

    _run(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.png", event.logo.name), event.logo.name
    assert (event.logo.name != old, default_storage.exists(old), PAYLOAD in event.logo.read()) == (
        True,
        False,
        False,
    )


def test_logo_that_looks_like_a_picture_but_does_not_decode_is_kept_as_a_download(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(slug="broken")
    broken = polyglot_gif()[:40]  # a GIF header, then nothing
    _stored_as(event, "events/logos/broken.gif", broken)

    _run(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.bin", event.logo.name), event.logo.name
    assert event.logo.read() == broken


def test_logo_that_is_no_picture_is_kept_as_a_download(django_capture_on_commit_callbacks):
    event = EventFactory(slug="text")
    _stored_as(event, "events/logos/pwn.html", b"<script>alert(1)</script>")

    _run(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.bin", event.logo.name), event.logo.name
    assert event.logo.read() == b"<script>alert(1)</script>"


def test_running_again_changes_nothing(django_capture_on_commit_callbacks):
    first, second = EventFactory(slug="one"), EventFactory(slug="two")
    _stored_as(first, "events/logos/pwn.js", polyglot_gif())
    _stored_as(second, "events/logos/logo.png", png_upload().read())
    third = EventFactory(slug="three")
    _stored_as(third, "events/logos/photo.jpg", png_bytes((30, 20), image_format="JPEG") + PAYLOAD)
    _run(django_capture_on_commit_callbacks)
    names = dict(Event.objects.values_list("slug", "logo"))

    _run(django_capture_on_commit_callbacks)

    assert dict(Event.objects.values_list("slug", "logo")) == names
    _dirs, files = default_storage.listdir("events/logos")
    assert sorted(files) == sorted(name.rsplit("/", 1)[-1] for name in names.values())


def test_logo_already_safe_and_missing_files_are_left_alone(django_capture_on_commit_callbacks):
    safe = EventFactory(slug="safe")
    safe.logo = png_upload("whatever.png")
    safe.save()
    missing = EventFactory(slug="missing")
    Event.objects.filter(pk=missing.pk).update(logo="events/logos/gone.js")
    before = dict(Event.objects.values_list("slug", "logo"))

    _run(django_capture_on_commit_callbacks)

    assert dict(Event.objects.values_list("slug", "logo")) == before

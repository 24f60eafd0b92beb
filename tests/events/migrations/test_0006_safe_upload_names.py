"""The data migration that moves event logos stored under unsafe names (issue 10)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from events.models import Event
from tests.factories import EventFactory, png_upload
from tests.rakwon_site.test_media_polyglot import polyglot_gif

pytestmark = pytest.mark.django_db
migration = importlib.import_module("events.migrations.0006_safe_upload_names")


def _stored_as(event: Event, name: str, content: bytes) -> str:
    saved = default_storage.save(name, ContentFile(content))
    Event.objects.filter(pk=event.pk).update(logo=saved)
    return saved


def _run(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_event_logos(apps, None)


def test_polyglot_logo_is_moved_to_a_random_name_with_its_real_extension(django_capture_on_commit_callbacks):
    event = EventFactory(slug="pwn")
    old = _stored_as(event, "events/logos/pwn.js", polyglot_gif())

    _run(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.gif", event.logo.name), event.logo.name
    assert (default_storage.exists(old), event.logo.read()) == (False, polyglot_gif())


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

"""Shared fixtures: the cast of the permission matrix and a tidy place for uploads and mail."""

from __future__ import annotations

import inspect

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from events.enums import TeamRole
from events.live.presence import ticker
from events.live.presence.store import MemoryStore, use_store

from .factories import (
    BoothFactory,
    EventFactory,
    ExhibitorFactory,
    StaffFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and mail of a test go to its own folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request through LocaleMiddleware (a Korean page
    in an earlier test on the same xdist worker) leaves its language active in the thread."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _in_process_live_layers(settings):
    """In-process tests use the in-memory channel layer and presence store even when REDIS_URL is
    set: Redis clients belong to one event loop, and every async test runs its own. The scaled
    mode is proven with real daphne processes on Redis in tests/scaled (and the Redis store has
    its own tests)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    use_store(MemoryStore())
    yield
    use_store(None)


def pytest_collection_modifyitems(items):
    for item in items:
        if inspect.iscoroutinefunction(getattr(item, "obj", None)):
            item.fixturenames.append("_presence_ticker_stopped")


@pytest.fixture
async def _presence_ticker_stopped():
    """Every async test ends its presence tick before the database is emptied: a tick still
    writing the last visits in its thread would find the tables gone (or lock them from the
    flush, "database table is locked", on SQLite)."""
    yield
    await ticker.stop()


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.org", display_name="Olivia Owner")


@pytest.fixture
def event(owner):
    event = EventFactory(slug="expo", name="Expo")
    TeamMemberFactory(event=event, user=owner, role=TeamRole.OWNER)
    return event


@pytest.fixture
def moderator(event):
    return TeamMemberFactory(event=event, role=TeamRole.MODERATOR, user__email="mod@example.org").user


@pytest.fixture
def exhibitor_a(event):
    return ExhibitorFactory(event=event, name="Alpha Systems")


@pytest.fixture
def exhibitor_b(event):
    return ExhibitorFactory(event=event, name="Beta Networks")


@pytest.fixture
def staff_a(exhibitor_a):
    return StaffFactory(exhibitor=exhibitor_a, user__email="staff-a@example.org").user


@pytest.fixture
def staff_b(exhibitor_b):
    return StaffFactory(exhibitor=exhibitor_b, user__email="staff-b@example.org").user


@pytest.fixture
def booth_a(event, exhibitor_a):
    return BoothFactory(event=event, exhibitor=exhibitor_a, number="A-1")


@pytest.fixture
def visitor(db):
    return UserFactory(email="visitor@example.org")

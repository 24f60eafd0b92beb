"""Limits of booth content (upload sizes, processing sizes and bitrates), defined in
rakwon_site/settings.py and read here for the exhibits app."""

from __future__ import annotations

from django.conf import settings


def limit(name: str) -> int:
    """A named limit from settings."""
    return int(getattr(settings, name))


def asset_max_bytes(kind: str) -> int:
    """The largest upload accepted for one kind of asset (settings.ASSET_MAX_BYTES per kind)."""
    return int(settings.ASSET_MAX_BYTES[kind])


def largest_upload_bytes() -> int:
    """The largest upload of any kind: a request bigger than this is refused before it is read."""
    return max(asset_max_bytes(kind) for kind in settings.ASSET_MAX_BYTES)

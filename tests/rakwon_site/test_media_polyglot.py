"""Issue 10: a file that is both a GIF and a script, uploaded through the real pages, must come back
from /media/ under a random name with its sniffed type, re-encoded where it is a logo, and inside a
sandbox; it must never be served as JavaScript from the site's own origin. Pictures (logos and
booth pictures) are redrawn, so the payload is not even stored."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.models import Event
from exhibits.models import BoothAsset

pytestmark = pytest.mark.django_db

SANDBOX = "sandbox; default-src 'none'"
PAYLOAD = b"*/=alert(document.domain);//"


def polyglot_gif() -> bytes:
    """A real GIF whose width bytes read "/*": the whole picture is a comment, then the payload."""
    buffer = io.BytesIO()
    Image.new("P", (0x2A2F, 1), 0).save(buffer, "GIF")
    data = b"GIF89a" + buffer.getvalue()[6:]
    assert data[:8] == b"GIF89a/*" and b"*/" not in data  # the picture itself stays one comment
    return data + PAYLOAD


def pwn_js() -> SimpleUploadedFile:
    return SimpleUploadedFile("pwn.js", polyglot_gif(), content_type="text/javascript")


def _fetch(client, url: str):
    response = client.get(url)
    return response, b"".join(response.streaming_content)


def _headers(response) -> tuple:
    return (
        response.status_code,
        response["Content-Type"],
        response["Content-Security-Policy"],
        response["X-Content-Type-Options"],
    )


def test_polyglot_gif_is_a_readable_gif(client):
    with Image.open(io.BytesIO(polyglot_gif())) as image:
        assert (image.format, image.size) == ("GIF", (0x2A2F, 1))


def test_event_logo_polyglot_is_renamed_reencoded_and_sandboxed(client, visitor, settings):
    settings.ORGANISER_SIGNUP = "open"  # the worst case: anyone may sign up and create an event
    client.force_login(visitor)
    data = {
        "name_en": "Pwn Expo",
        "slug": "pwn",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-03",
        "time_zone": "Asia/Seoul",
        "languages": ["en"],
        "colour": "#aa3300",
        "logo": pwn_js(),
    }

    created = client.post(reverse("organiser:event_create"), data)

    assert created.status_code == 302
    logo = Event.objects.get(slug="pwn").logo
    assert re.fullmatch(r"events/logos/logo-[0-9a-f]{32}\.png", logo.name), logo.name
    response, body = _fetch(client, logo.url)
    assert _headers(response) == (200, "image/png", SANDBOX, "nosniff")
    assert PAYLOAD not in body
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == ("PNG", (0x2A2F, 1))


def test_exhibitor_logo_polyglot_is_renamed_reencoded_and_sandboxed(client, staff_a, exhibitor_a):
    client.force_login(staff_a)

    saved = client.post(
        reverse("exhibitor:exhibitor_edit", kwargs={"exhibitor_id": exhibitor_a.pk}),
        {"description": "", "website": "", "contact_email": "", "logo": pwn_js()},
    )

    assert saved.status_code == 302
    exhibitor_a.refresh_from_db()
    assert re.fullmatch(r"exhibitors/logos/logo-[0-9a-f]{32}\.png", exhibitor_a.logo.name)
    response, body = _fetch(client, exhibitor_a.logo.url)
    assert _headers(response) == (200, "image/png", SANDBOX, "nosniff")
    assert PAYLOAD not in body


def test_booth_editor_logo_polyglot_is_renamed_and_reencoded(client, staff_a, booth_a):
    client.force_login(staff_a)

    saved = client.post(
        reverse("exhibitor:booth_editor", kwargs={"booth_id": booth_a.pk}),
        {"tagline": "", "description_en": "", "description_ko": "", "logo": pwn_js()},
    )

    assert saved.status_code == 302
    booth_a.exhibitor.refresh_from_db()
    name = booth_a.exhibitor.logo.name
    assert re.fullmatch(r"exhibitors/logos/logo-[0-9a-f]{32}\.png", name), name
    response, body = _fetch(client, booth_a.exhibitor.logo.url)
    assert _headers(response) == (200, "image/png", SANDBOX, "nosniff")
    assert PAYLOAD not in body


def test_booth_asset_polyglot_keeps_no_name_and_is_served_redrawn_in_a_sandbox(
    client, staff_a, booth_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(
            reverse("exhibitor:booth_media", kwargs={"booth_id": booth_a.pk}),
            {"kind": "image", "title": "", "file": pwn_js()},
        )

    assert uploaded.status_code == 302
    asset = BoothAsset.objects.get()
    assert re.fullmatch(rf"booths/{booth_a.pk}/[0-9a-f]{{32}}/original\.png", asset.original.name)
    assert (asset.status, asset.variant.name.rsplit("/", 1)[-1]) == ("ready", "display.webp")
    original, body = _fetch(client, asset.original.url)
    assert _headers(original) == (200, "image/png", SANDBOX, "nosniff")
    assert PAYLOAD not in body
    variant, body = _fetch(client, asset.variant.url)
    assert _headers(variant) == (200, "image/webp", SANDBOX, "nosniff")
    assert PAYLOAD not in body

"""Uploaded files are served whole or by byte range, and never from outside MEDIA_ROOT."""

from __future__ import annotations

import pytest


@pytest.fixture
def clip(settings):
    folder = settings.MEDIA_ROOT / "booths"
    folder.mkdir(parents=True)
    (folder / "clip.mp4").write_bytes(bytes(range(100)))
    return "/media/booths/clip.mp4"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file_says_ranges_are_accepted(client, clip):
    response = client.get(clip)
    assert (response.status_code, response["Content-Type"], response["Accept-Ranges"]) == (
        200,
        "video/mp4",
        "bytes",
    )
    assert _body(response) == bytes(range(100))


@pytest.mark.parametrize(
    ("header", "content_range", "expected"),
    [
        ("bytes=10-19", "bytes 10-19/100", bytes(range(10, 20))),
        ("bytes=90-", "bytes 90-99/100", bytes(range(90, 100))),
        ("bytes=-5", "bytes 95-99/100", bytes(range(95, 100))),
        ("bytes=95-500", "bytes 95-99/100", bytes(range(95, 100))),
    ],
)
def test_byte_range_answers_206_with_that_slice(client, clip, header, content_range, expected):
    response = client.get(clip, HTTP_RANGE=header)
    assert (response.status_code, response["Content-Range"], response["Content-Length"]) == (
        206,
        content_range,
        str(len(expected)),
    )
    assert _body(response) == expected


def test_range_past_the_end_answers_416(client, clip):
    response = client.get(clip, HTTP_RANGE="bytes=200-300")
    assert (response.status_code, response["Content-Range"]) == (416, "bytes */100")


def test_unreadable_range_header_gets_the_whole_file(client, clip):
    response = client.get(clip, HTTP_RANGE="pages=1-2")
    assert (response.status_code, len(_body(response))) == (200, 100)


@pytest.mark.parametrize("path", ["/media/../settings.py", "/media/booths/missing.mp4", "/media/booths/"])
def test_outside_or_missing_files_are_404(client, clip, path):
    assert client.get(path).status_code == 404


def test_posting_to_media_is_refused(client, clip):
    assert client.post(clip).status_code == 405


# --- Only the types Rakwon makes are shown; everything else is a download in a sandbox ---------

SANDBOX = "sandbox; default-src 'none'"


def test_allowed_type_carries_sandbox_and_nosniff(client, clip):
    response = client.get(clip)
    assert (
        response["Content-Type"],
        response["Content-Security-Policy"],
        response["X-Content-Type-Options"],
        response["Content-Disposition"],
    ) == ("video/mp4", SANDBOX, "nosniff", 'inline; filename="clip.mp4"')


def test_byte_range_also_carries_sandbox_and_nosniff(client, clip):
    response = client.get(clip, HTTP_RANGE="bytes=0-9")
    assert (
        response.status_code,
        response["Content-Security-Policy"],
        response["X-Content-Type-Options"],
    ) == (
        206,
        SANDBOX,
        "nosniff",
    )
    assert _body(response) == bytes(range(10))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pwn.html", b"<script>alert(document.domain)</script>"),
        ("pwn.js", b"GIF89a/*\x00*/=alert(document.domain);"),
        ("pwn.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("pwn.xml", b"<x/>"),
        ("notes.txt", b"plain"),
        ("no-extension", b"plain"),
    ],
)
def test_other_types_are_served_as_a_download(client, settings, name, content):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / name).write_bytes(content)

    response = client.get(f"/media/{name}")

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        response["Content-Security-Policy"],
        response["X-Content-Type-Options"],
    ) == (200, "application/octet-stream", f'attachment; filename="{name}"', SANDBOX, "nosniff")
    assert _body(response) == content


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.webp", "image/webp"),
        ("a.pdf", "application/pdf"),
        ("a.webm", "video/webm"),
        ("a.opus", "audio/ogg"),
        ("a.ogg", "audio/ogg"),
        ("a.mp3", "audio/mpeg"),
        ("A.PNG", "image/png"),
    ],
)
def test_types_rakwon_makes_are_shown_inline(client, settings, name, content_type):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / name).write_bytes(b"x")

    response = client.get(f"/media/{name}")

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        content_type,
        f'inline; filename="{name}"',
    )

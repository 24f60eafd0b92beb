"""Serving uploaded files in the embedded mode, with byte ranges so videos seek and play on iOS.

Django's static `serve` view answers whole files only; browsers ask video for ranges. In the
scaled set-up the reverse proxy serves /media/ itself (deploy/nginx/rakwon.conf does the same as
this view). Uploads come from anyone who can sign up, so a file here is shown in the browser only
if its type is one Rakwon makes (events.uploads.SERVED_TYPES); anything else is a download, and
every answer is sandboxed: a stored file can never run script as this site.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events.uploads import served_type

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024
# No script, no plugin, no form, a unique origin: even a page that slipped in can do nothing.
SANDBOX_POLICY = "sandbox; default-src 'none'"


def _file_for(path: str) -> Path:
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except (SuspiciousFileOperation, ValueError):  # the path tries to leave MEDIA_ROOT
        raise Http404(_("No such file.")) from None
    if not full.is_file():
        raise Http404(_("No such file."))
    return full


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte asked for, or None when the header asks for something we skip."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), (min(int(last), size - 1) if last else size - 1)
    return (start, end) if start <= end else (size, size)


class _Slice:
    """A file object that reads only `length` bytes from `start`."""

    def __init__(self, handle, start: int, length: int) -> None:
        handle.seek(start)
        self.handle, self.left = handle, length

    def read(self, size: int = _CHUNK) -> bytes:
        if self.left <= 0:
            return b""
        data = self.handle.read(min(size if size > 0 else _CHUNK, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


@require_safe
def serve_media(request, path: str):
    full = _file_for(path)
    size = full.stat().st_size
    content_type = served_type(full.name)
    wanted = _byte_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    if wanted is not None and wanted[0] >= size:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    shown = content_type is not None
    content_type = content_type or "application/octet-stream"
    if wanted is None:
        response = FileResponse(full.open("rb"), content_type=content_type, as_attachment=not shown)
    else:
        start, end = wanted
        response = FileResponse(
            _Slice(full.open("rb"), start, end - start + 1),
            content_type=content_type,
            as_attachment=not shown,
            filename=full.name,
        )
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    # Set here, so the site's page policy (rakwon_site.middleware, script-src 'self') never applies.
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    # Uploaded files are stored under generated names and never change in place.
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""Serving uploaded files in the embedded mode, with byte ranges so videos seek and play on iOS.

Django's static `serve` view answers whole files only; browsers ask video for ranges. In the
scaled set-up the reverse proxy serves /media/ itself (docs in README, "Scaled set-up").
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


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
    content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    wanted = _byte_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    if wanted is not None and wanted[0] >= size:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if wanted is None:
        response = FileResponse(full.open("rb"), content_type=content_type)
    else:
        start, end = wanted
        response = FileResponse(_Slice(full.open("rb"), start, end - start + 1), content_type=content_type)
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    # Uploaded files are stored under generated names and never change in place.
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""Turning uploaded booth files into what visitors on a poor link can afford: page images,
low-bitrate video, Opus sound and thumbnails. Each module reads a local file and writes into a
folder; the service (exhibits.services.assets) stores the results.

A file that cannot be processed raises ProcessingError with a stable code; the message shown is
looked up from the code when it is displayed, so it appears in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from events.errors import RakwonError

# Called with the percentage done (0–100) as processing goes on.
Progress = Callable[[int], None]

FAILURES = {
    "pdf.corrupt": _(
        "This PDF is damaged or incomplete, so its pages cannot be read. Save or export it as PDF "
        "again and upload the new file."
    ),
    "pdf.encrypted": _(
        "This PDF is protected by a password. Save a copy without a password and upload that."
    ),
    "pdf.empty": _("This PDF has no pages. Upload a PDF with at least one page."),
    "pdf.too_many_pages": _(
        "This PDF has %(pages)s pages; the limit is %(limit)s. Split it into smaller documents."
    ),
    "pdf.page_shape": _(
        "Page %(page)s of this PDF is more than %(limit)s times as long as it is wide (or as wide "
        "as it is long). Give every page a usual size, such as A4 or a slide, and upload it again."
    ),
    "pdf.page_too_large": _(
        "Page %(page)s of this PDF would be %(width)s×%(height)s pixels; a page image can be at "
        "most %(limit)s pixels on a side. Give every page a usual size, such as A4 or a slide, "
        "and upload it again."
    ),
    "asset.too_slow": _(
        "Processing this file took longer than %(minutes)s minutes and was stopped. Upload a "
        "smaller or simpler file (fewer pages, a shorter cut), or ask the organisers for help."
    ),
    "video.corrupt": _(
        "This video is damaged or incomplete, so it cannot be played. Export it again (MP4 or "
        "WebM) and upload the new file."
    ),
    "video.no_video_stream": _(
        "This file has sound but no picture (no video stream). Upload it as audio instead, or "
        "choose the video file."
    ),
    "video.unsupported": _(
        "This video uses a format we cannot decode (%(codec)s). Export it as MP4 (H.264) or "
        "WebM and upload it again."
    ),
    "video.too_long": _(
        "This video is %(minutes)s minutes long; the limit is %(limit)s minutes. Upload a shorter cut."
    ),
    "video.too_many_pixels": _(
        "This video is %(width)s×%(height)s pixels, larger than we can process. Export it at "
        "1080p or less and upload it again."
    ),
    "video.no_frames": _(
        "No picture could be read from this video: it may be damaged. Export it again and "
        "upload the new file."
    ),
    "audio.corrupt": _(
        "This sound file is damaged or incomplete, so it cannot be played. Save it again and "
        "upload the new file."
    ),
    "audio.no_audio_stream": _("This file has no sound (no audio stream). Upload a file with sound."),
    "audio.unsupported": _(
        "This sound file uses a format we cannot decode (%(codec)s). Save it as MP3, Ogg, WAV "
        "or M4A and upload it again."
    ),
    "audio.too_long": _(
        "This recording is %(minutes)s minutes long; the limit is %(limit)s minutes. Upload a shorter one."
    ),
    "audio.no_sound": _("No sound could be read from this file: it may be damaged or empty."),
    "image.corrupt": _(
        "This picture is damaged or incomplete, so it cannot be shown. Save it again and upload the new file."
    ),
    "image.too_many_pixels": _(
        "This picture has more than %(megapixels)s megapixels, too many to process safely. "
        "Scale it down and upload it again."
    ),
    "asset.original_missing": _(
        "The uploaded file is no longer on the server. Remove this entry and upload the file again."
    ),
    "asset.unexpected": _(
        "Something went wrong on our side while processing this file. Press “Process again”; "
        "if it fails again, tell the organisers."
    ),
}


def failure_message(code: str, params: dict | None = None) -> str:
    """The message for a failure code, in the active language (unknown codes get the generic one)."""
    template = FAILURES.get(code, FAILURES["asset.unexpected"])
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(FAILURES["asset.unexpected"])


class ProcessingError(RakwonError):
    """A file that cannot be turned into what visitors get; `code` names why, `params` fill in."""

    code = "asset.unexpected"

    def __init__(self, code: str, **params) -> None:
        self.params = params
        super().__init__(failure_message(code, params), code=code)


def report_every_percent(progress: Progress | None) -> Progress:
    """Wrap a progress callback so that it is called only when the whole percentage changes."""
    last = [-1]

    def report(percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if progress is not None and percent != last[0]:
            last[0] = percent
            progress(percent)

    return report

"""What an uploaded file really is, read from its first bytes (never its name or the browser's word)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

HEAD_BYTES = 1024


@dataclass(frozen=True)
class FileFormat:
    """A format recognised by its magic bytes: a short name, the extension we store it under,
    the MIME type we serve it as and the family that says which kind of asset it may be."""

    name: str
    extension: str
    mime: str
    family: str  # "pdf", "image", "media" (a container that may hold video and/or sound) or "text"


PDF = FileFormat("pdf", "pdf", "application/pdf", "pdf")
PNG = FileFormat("png", "png", "image/png", "image")
JPEG = FileFormat("jpeg", "jpg", "image/jpeg", "image")
GIF = FileFormat("gif", "gif", "image/gif", "image")
WEBP = FileFormat("webp", "webp", "image/webp", "image")
MP4 = FileFormat("mp4", "mp4", "video/mp4", "media")  # also MOV, M4A, 3GP: all ISO media files
WEBM = FileFormat("webm", "webm", "video/webm", "media")  # Matroska/WebM (EBML)
OGG = FileFormat("ogg", "ogg", "audio/ogg", "media")
WAV = FileFormat("wav", "wav", "audio/wav", "media")
AVI = FileFormat("avi", "avi", "video/x-msvideo", "media")
FLAC = FileFormat("flac", "flac", "audio/flac", "media")
MPEG_AUDIO = FileFormat("mpeg-audio", "mp3", "audio/mpeg", "media")  # MP3 or ADTS AAC
ZIP = FileFormat("zip", "zip", "application/zip", "archive")
TEXT = FileFormat("text", "txt", "text/plain", "text")


def sniff_bytes(head: bytes) -> FileFormat | None:
    """The format of a file that starts with `head`, or None if we do not recognise it."""
    if b"%PDF-" in head[:HEAD_BYTES]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return AVI
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MPEG_AUDIO
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head and _looks_like_text(head):
        return TEXT
    return None


def sniff(upload: BinaryIO) -> FileFormat | None:
    """Sniff an open file (or Django upload) without moving its read position."""
    position = upload.tell()
    try:
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
    finally:
        upload.seek(position)
    return sniff_bytes(head)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True

"""Booth files for tests: real sample files made here (PDF, video, sound, pictures, and broken
ones), and factories for assets and links."""

from __future__ import annotations

import array
import io
import math
import struct
import tempfile
import zlib
from pathlib import Path

import av
import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from exhibits.models import AssetKind, AssetPage, AssetStatus, BoothAsset, BoothLink

from .factories import BoothFactory

RATE = 48_000


# --- Real sample files -------------------------------------------------------------------------------


def pdf_bytes(pages: int = 3, size: tuple[int, int] = (595, 842)) -> bytes:
    """A real PDF (Pillow's PDF writer), one coloured page per number, "Page N" written on it."""
    images = []
    for number in range(1, pages + 1):
        page = Image.new("RGB", size, (255, 255 - 20 * number % 255, 255))
        ImageDraw.Draw(page).text((60, 60), f"Page {number}", fill="black")
        images.append(page)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()


def png_bytes(
    size: tuple[int, int] = (800, 600), colour: str = "#1a5fb4", image_format: str = "PNG"
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, image_format)
    return buffer.getvalue()


def bomb_png_bytes(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real decompression bomb: a 1-bit PNG of `width`×`height` zeros, a few dozen KB on disk
    that would unpack to gigabytes of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _tone(samples: int, start: int) -> bytes:
    return array.array(
        "h", (int(8000 * math.sin(2 * math.pi * 440 * (start + i) / RATE)) for i in range(samples))
    ).tobytes()


def _encode_tone(output, stream, seconds: float) -> None:
    size = stream.codec_context.frame_size or 1024
    for start in range(0, int(seconds * RATE), size):
        frame = av.AudioFrame(format="s16", layout="mono", samples=size)
        frame.planes[0].update(_tone(size, start))
        frame.sample_rate, frame.pts = RATE, start
        output.mux(stream.encode(frame))
    output.mux(stream.encode(None))


def _written(container_format: str, suffix: str, write) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"sample.{suffix}"
        with av.open(str(path), "w", format=container_format) as output:
            write(output)
        return path.read_bytes()


def video_bytes(
    seconds: float = 2,
    size: tuple[int, int] = (640, 480),
    fps: int = 25,
    sound: bool = True,
    container_format: str = "mp4",
) -> bytes:
    """A real video (PyAV): H.264 + AAC in MP4, or VP8 + Opus in WebM as browsers record it;
    frames that change colour and a 440 Hz tone."""
    video_codec, audio_codec = {"mp4": ("libx264", "aac"), "webm": ("libvpx", "libopus")}[container_format]

    def write(output) -> None:
        video = output.add_stream(video_codec, rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        audio = output.add_stream(audio_codec, rate=RATE, layout="mono") if sound else None
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (index * 9 % 255, 120, 200)))
            frame.pts = index
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
        if audio is not None:
            _encode_tone(output, audio, seconds)

    return _written(container_format, container_format, write)


def audio_bytes(seconds: float = 2, container_format: str = "ipod") -> bytes:
    """A real sound file (PyAV): "ipod" is M4A (AAC in MP4), "wav" is PCM, "ogg" is Opus."""
    codec = {"ipod": "aac", "wav": "pcm_s16le", "ogg": "libopus"}[container_format]

    def write(output) -> None:
        _encode_tone(output, output.add_stream(codec, rate=RATE, layout="mono"), seconds)

    return _written(container_format, {"ipod": "m4a"}.get(container_format, container_format), write)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Factories ------------------------------------------------------------------------------------------


class BoothAssetFactory(factory.django.DjangoModelFactory):
    """A ready document of one page by default (files are small stand-ins, not processed)."""

    class Meta:
        model = BoothAsset

    booth = factory.SubFactory(BoothFactory)
    kind = AssetKind.DOCUMENT
    title = factory.Sequence(lambda n: f"Brochure {n}")
    position = factory.Sequence(lambda n: n)
    status = AssetStatus.READY
    progress = 100
    original_format = "pdf"
    original = factory.LazyFunction(lambda: ContentFile(pdf_bytes(1), name="original.pdf"))
    original_size = factory.LazyAttribute(lambda o: o.original.size)
    thumbnail = factory.LazyFunction(lambda: ContentFile(png_bytes((120, 170)), name="thumbnail.png"))
    page_count = 1
    width = 1000
    height = 1414


class AssetPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetPage

    asset = factory.SubFactory(BoothAssetFactory)
    number = 1
    image = factory.LazyFunction(lambda: ContentFile(png_bytes((100, 141)), name="page-0001.png"))
    width = 1000
    height = 1414


class BoothLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoothLink

    booth = factory.SubFactory(BoothFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    url = factory.Sequence(lambda n: f"https://example.org/product/{n}")
    position = factory.Sequence(lambda n: n)

"""A server-side publisher for demos and benchmarks: moving colour bars with a running clock bar and a
tone, encoded ONCE (VP8 + Opus through PyAV) and fed to `EncodedSource`s like any publisher.

`draw_frame` and `tone_frame` also give test clients real moving pictures (a flat picture would
hide bitrate differences between tiers).
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import os
import struct
import time
from concurrent.futures import ThreadPoolExecutor

import av

from .forwarding import AUDIO_CLOCK_RATE, VIDEO_CLOCK_RATE, EncodedSource
from .tiers import AUDIO_KBPS, AUDIO_PTIME_MS

logger = logging.getLogger(__name__)

VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_TIME_BASE = fractions.Fraction(1, AUDIO_CLOCK_RATE)
SAMPLES_PER_FRAME = 960  # 20 ms of tone per audio frame fed to Opus
TONE_HZ = 400  # a whole number of periods per 20 ms frame, so the tone is one repeated buffer

# (Y, U, V) of the classic bars: white, yellow, cyan, green, magenta, red, blue.
BARS = [
    (235, 128, 128),
    (210, 16, 146),
    (170, 166, 16),
    (145, 54, 34),
    (106, 202, 222),
    (81, 90, 240),
    (41, 240, 110),
]


def _bar_row(width: int, plane: int, shift: int) -> bytes:
    """One row of the bars for a plane (0=Y, 1=U, 2=V), scrolled left by `shift` pixels."""
    bar = max(1, width // len(BARS))
    row = bytearray(width * 2)
    for x in range(width * 2):
        row[x] = BARS[(x // bar) % len(BARS)][plane]
    return bytes(row[shift % width : shift % width + width])


#: Low-amplitude grey noise (112..143): real detail for the encoder without a wall of static.
_NOISE = bytes(112 + (b & 31) for b in range(256))


def draw_frame(
    width: int, height: int, index: int, *, noise_rows: float = 0.1, fps: int = 30
) -> av.VideoFrame:
    """Frame `index` of the pattern: bars scrolling one step per frame, a clock bar whose length
    shows the seconds, and a band of fresh noise (`noise_rows` of the height) that keeps the
    encoder honest about bitrate."""
    frame = av.VideoFrame(width, height, "yuv420p")
    noise_height = int(height * noise_rows) & ~1
    for plane_index, plane in enumerate(frame.planes):
        plane_width = width if plane_index == 0 else width // 2
        plane_height = height if plane_index == 0 else height // 2
        pad = b"\x80" * (plane.line_size - plane_width)
        shift = (index * 4) // (1 if plane_index == 0 else 2)
        bars = _bar_row(plane_width, plane_index, shift) + pad
        scale = 1 if plane_index == 0 else 2
        clock_height = 16 // scale
        seconds = (index // fps) % 60
        clock_length = plane_width * (seconds + 1) // 60
        clock_value = 16 if plane_index == 0 else 128
        clock = bytes([clock_value]) * clock_length + bars[clock_length:plane_width] + pad
        noise = noise_height // scale
        rows_of_bars = plane_height - clock_height - noise
        body = clock * clock_height + bars * rows_of_bars
        if noise:
            if plane_index == 0:
                body += b"".join(os.urandom(plane_width).translate(_NOISE) + pad for _ in range(noise))
            else:
                body += (b"\x80" * plane.line_size) * noise
        plane.update(body)
    frame.pts = index * (VIDEO_CLOCK_RATE // fps)
    frame.time_base = VIDEO_TIME_BASE
    return frame


def _tone_samples() -> bytes:
    samples = [
        int(8000 * math.sin(2 * math.pi * TONE_HZ * n / AUDIO_CLOCK_RATE)) for n in range(SAMPLES_PER_FRAME)
    ]
    return struct.pack(f"<{SAMPLES_PER_FRAME}h", *samples)


_TONE = _tone_samples()


def tone_frame(index: int) -> av.AudioFrame:
    """20 ms of a quiet 400 Hz tone (mono, s16, 48 kHz)."""
    frame = av.AudioFrame(format="s16", layout="mono", samples=SAMPLES_PER_FRAME)
    frame.planes[0].update(_TONE)
    frame.sample_rate = AUDIO_CLOCK_RATE
    frame.pts = index * SAMPLES_PER_FRAME
    frame.time_base = AUDIO_TIME_BASE
    return frame


def vp8_encoder(width: int, height: int, bitrate: int) -> av.VideoCodecContext:
    """A real-time VP8 encoder that makes keyframes only when asked (viewers joining)."""
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = "yuv420p"
    encoder.time_base = VIDEO_TIME_BASE
    encoder.bit_rate = bitrate
    encoder.gop_size = 3000
    encoder.qmin, encoder.qmax = 4, 56
    encoder.thread_count = 1
    encoder.options = {
        "deadline": "realtime",
        "cpu-used": "8",
        "lag-in-frames": "0",
        "minrate": str(bitrate),
        "maxrate": str(bitrate),
        "bufsize": str(bitrate),
        "undershoot-pct": "100",
        "overshoot-pct": "10",
        "static-thresh": "1",
    }
    return encoder


def opus_encoder(bitrate: int, packet_ms: int = AUDIO_PTIME_MS) -> av.AudioCodecContext:
    """Opus in `packet_ms` packets (one packet per two 20 ms frames fed at 40 ms)."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate = AUDIO_CLOCK_RATE
    encoder.layout = "mono"
    encoder.format = "s16"
    encoder.bit_rate = bitrate
    encoder.time_base = AUDIO_TIME_BASE
    encoder.options = {"application": "voip", "frame_duration": str(packet_ms), "vbr": "off"}
    return encoder


class PatternEncoder:
    """Encodes the pattern frame by frame; `next_video`/`next_audio` return encoded packets."""

    def __init__(
        self,
        *,
        width: int = 640,
        height: int = 360,
        video_bitrate: int = 500_000,
        audio_bitrate: int = AUDIO_KBPS * 1000,
        noise_rows: float = 0.1,
        fps: int = 30,
    ) -> None:
        self.width, self.height, self.noise_rows, self.fps = width, height, noise_rows, fps
        self.video = vp8_encoder(width, height, video_bitrate)
        self.audio = opus_encoder(audio_bitrate)
        self.force_keyframe = True
        self.video_index = 0
        self.audio_index = 0

    def next_video(self) -> list[av.Packet]:
        frame = draw_frame(
            self.width, self.height, self.video_index, noise_rows=self.noise_rows, fps=self.fps
        )
        self.video_index += 1
        if self.force_keyframe:
            self.force_keyframe = False
            frame.pict_type = av.video.frame.PictureType.I
        return list(self.video.encode(frame))

    def next_audio(self) -> list[av.Packet]:
        frame = tone_frame(self.audio_index)
        self.audio_index += 1
        return list(self.audio.encode(frame))


class PatternSource:
    """Feeds `video` and `audio` sources in real time (30 fps, 20 ms audio) until stopped."""

    def __init__(
        self,
        video: EncodedSource,
        audio: EncodedSource,
        *,
        fps: int = 30,
        **encoder_options: object,
    ) -> None:
        self.video_source, self.audio_source = video, audio
        self.fps = fps
        self.encoder = PatternEncoder(fps=fps, **encoder_options)
        video.keyframe_requester = self.request_keyframe
        self._tasks: list[asyncio.Task] = []
        self._executor: ThreadPoolExecutor | None = None

    def request_keyframe(self) -> None:
        self.encoder.force_keyframe = True

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-pattern")
        self._tasks = [asyncio.ensure_future(self._run_video()), asyncio.ensure_future(self._run_audio())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def _paced(self, interval: float, produce, source: EncodedSource) -> None:
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        ticks = 0
        try:
            while True:
                for packet in await loop.run_in_executor(self._executor, produce):
                    source.push(
                        bytes(packet), packet.pts, keyframe=packet.is_keyframe or source.kind == "audio"
                    )
                ticks += 1
                delay = started + ticks * interval - time.monotonic()
                if delay < -1.0:  # far behind (machine busy): skip ahead instead of bursting
                    started, ticks = time.monotonic(), 0
                    delay = 0
                await asyncio.sleep(max(0.0, delay))
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("test pattern stopped")

    async def _run_video(self) -> None:
        await self._paced(1 / self.fps, self.encoder.next_video, self.video_source)

    async def _run_audio(self) -> None:
        await self._paced(SAMPLES_PER_FRAME / AUDIO_CLOCK_RATE, self.encoder.next_audio, self.audio_source)

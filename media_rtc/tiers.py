"""The quality tiers a viewer can pick, and the limits each one promises (one place for each fact)."""

from __future__ import annotations

import asyncio
import fractions
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import av
from aiortc.mediastreams import MediaStreamError

from .aiortc_internals import PackedFrame
from .errors import BadTier
from .forwarding import VIDEO_CLOCK_RATE, EncodedSource, ForwardedTrack

logger = logging.getLogger(__name__)

STANDARD = "standard"
LOW = "low"
AUDIO_ONLY = "audio_only"


@dataclass(frozen=True)
class Tier:
    name: str
    max_kbps: int
    #: Picture height the tier is made for; 0 means no video is sent at all.
    height: int

    @property
    def has_video(self) -> bool:
        return self.height > 0


TIERS: dict[str, Tier] = {
    STANDARD: Tier(STANDARD, max_kbps=800, height=360),
    LOW: Tier(LOW, max_kbps=250, height=180),
    AUDIO_ONLY: Tier(AUDIO_ONLY, max_kbps=48, height=0),
}

#: The low tier's picture: the server decodes a publisher once and re-encodes it once at this size.
LOW_WIDTH, LOW_HEIGHT = 320, 180
#: Target of the low tier's encoder, kept under the tier's 250 kbit/s with room for RTP overhead.
LOW_BITRATE = 200_000
#: What a publisher is told it may send (SDP b=AS / Opus maxaveragebitrate in the answer).
STANDARD_VIDEO_KBPS = 800
AUDIO_KBPS = 24
#: Opus packet duration asked of publishers (SDP a=ptime in the answer; the test pattern uses it
#: too). 40 ms instead of the usual 20 halves the audio packets every viewer's sender handles (the
#: server's cost is per packet) and the header overhead on the wire: about 12 instead of 25 kbit/s
#: of IP/UDP/SRTP headers, which keeps the audio-only tier under 48 kbit/s including headers.
AUDIO_PTIME_MS = 40


def tier_named(name: str) -> Tier:
    """The tier called `name`; a typed error (rtc.bad_tier) for anything else."""
    try:
        return TIERS[name]
    except (KeyError, TypeError):
        raise BadTier() from None


class LowTierTranscoder:
    """Decodes one publisher's video ONCE, scales it to 320x180 and encodes it ONCE for all its
    low-tier viewers; the result is an `EncodedSource` forwarded exactly like the original.

    Started when the first low viewer comes, stopped when the last one goes (the engine calls
    `start`/`stop` from the low source's subscriber count). Work runs in one thread so the event
    loop keeps forwarding while libvpx works.
    """

    #: Input frames waiting for the codec thread before we skip ahead to the next keyframe.
    MAX_BACKLOG = 8

    def __init__(self, upstream: EncodedSource, *, name: str = "") -> None:
        self.upstream = upstream
        self.output = EncodedSource(
            "video",
            keyframe_requester=self._force_keyframe,
            on_subscribers_changed=self._viewers_changed,
            name=f"{name}/low",
        )
        # The transcoder reads the upstream like any viewer: from a keyframe, bounded.
        self._input = ForwardedTrack("video", max_queued=self.MAX_BACKLOG)
        self._task = None
        self._executor = None
        self._decoder = None
        self._encoder = None
        self._force_next = True
        self.frames_encoded = 0

    @property
    def running(self) -> bool:
        return self._task is not None

    def _viewers_changed(self, count: int) -> None:
        if count and not self.running:
            self.start()
        elif not count and self.running:
            self.stop()

    def _force_keyframe(self) -> None:
        self._force_next = True

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="low-tier")
        self._force_next = True
        self._input = ForwardedTrack("video", max_queued=self.MAX_BACKLOG)
        self._input.attach(self.upstream)
        self._task = asyncio.ensure_future(self._run(self._input, self._executor))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._input.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        self.stop()
        self.output.close()

    async def _run(self, frames: ForwardedTrack, executor: ThreadPoolExecutor) -> None:
        loop = asyncio.get_running_loop()
        state = _CodecPair()
        try:
            while True:
                packet = await frames.recv()
                force, self._force_next = self._force_next, False
                encoded = await loop.run_in_executor(executor, state.transcode, packet, force)
                for data, keyframe in encoded:
                    self.output.push(data, packet.pts, keyframe=keyframe)
                    self.frames_encoded += 1
        except (asyncio.CancelledError, MediaStreamError):
            pass
        except Exception:
            logger.exception("low-tier transcoder stopped")


class _CodecPair:
    """The libvpx decoder and encoder of one low-tier transcoder (used from its one thread)."""

    def __init__(self) -> None:
        self.decoder = av.CodecContext.create("libvpx", "r")
        self.encoder = None

    def _open_encoder(self) -> av.VideoCodecContext:
        encoder = av.CodecContext.create("libvpx", "w")
        encoder.width, encoder.height = LOW_WIDTH, LOW_HEIGHT
        encoder.pix_fmt = "yuv420p"
        encoder.time_base = fractions.Fraction(1, VIDEO_CLOCK_RATE)
        encoder.bit_rate = LOW_BITRATE
        encoder.gop_size = 3000  # keyframes when a viewer asks, not on a timer
        encoder.qmin, encoder.qmax = 4, 56
        encoder.thread_count = 1
        encoder.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
            "minrate": str(LOW_BITRATE),
            "maxrate": str(LOW_BITRATE),
            "bufsize": str(LOW_BITRATE),
            "undershoot-pct": "100",
            "overshoot-pct": "10",
            "static-thresh": "1",
            "error-resilient": "1",
        }
        return encoder

    def transcode(self, packet: PackedFrame, force_keyframe: bool) -> list[tuple[bytes, bool]]:
        """`packet` is what a viewer's sender would get (a `PackedFrame`); libvpx needs an av.Packet."""
        try:
            frames = self.decoder.decode(av.Packet(packet.data))
        except av.FFmpegError:
            return []
        out: list[tuple[bytes, bool]] = []
        for frame in frames:
            small = frame.reformat(width=LOW_WIDTH, height=LOW_HEIGHT, format="yuv420p")
            small.pts = packet.pts
            small.time_base = packet.time_base
            if force_keyframe:
                small.pict_type = av.video.frame.PictureType.I
                force_keyframe = False
            if self.encoder is None:
                self.encoder = self._open_encoder()
            for encoded in self.encoder.encode(small):
                out.append((bytes(encoded), encoded.is_keyframe))
        return out

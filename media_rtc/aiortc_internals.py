"""Every reliance on aiortc's (and aioice's) private internals, in one place.

aiortc has no public API for forwarding encoded media, so this module reaches inside it. aiortc
is pinned (==1.16.0) and tests/media_rtc/test_aiortc_internals.py checks every name used here; an
upgrade that moves them fails those tests loudly instead of silently decoding again.

What we rely on:
- `RTCRtpReceiver.__decoder_queue` (a `queue.Queue`): `_handle_rtp_packet` puts each complete
  encoded frame there as `(codec, JitterFrame)`; aiortc's decoder thread `get()`s from it. We put
  a tap in its place, so frames come to us and the decoder thread idles (nothing is decoded).
- `RTCRtpReceiver._send_rtcp_pli(media_ssrc)`: asks the publisher for a keyframe.
- `RTCRtpSender._send_keyframe()`: what a viewer's PLI/FIR calls; we point it at our source.
- `aioice.ice.get_host_addresses(use_ipv4, use_ipv6)`: which local addresses become ICE host
  candidates (it skips loopback; tests and benchmarks want 127.0.0.1 only).
- `RTCRtpSender._next_encoded_frame`: a track's `recv()` result that is not an `av.Frame` goes to
  the codec's `pack()` instead of the encoder; VP8's and Opus's `pack()` only read `bytes(packet)`,
  `packet.pts` and `packet.time_base`. So a viewer's track hands out `PackedFrame`s (four slots,
  the publisher's payload shared by every viewer, no copy) rather than `av.Packet`s (an allocation
  and two copies per viewer per frame).
- `RTCRtpSender.__encoder`: created with `get_encoder(codec)` only while it is None. For a viewer's
  sender we set a `ForwardingPacker` first: it packetizes a frame's payload once for all viewers
  (VP8: the same 1296-byte chunks as aiortc's `Vp8Encoder`, behind each viewer's own picture id),
  and it has no `target_bitrate`, so viewers' REMB is ignored (forwarded media cannot adapt).
- `aiortc.clock.current_ntp_time`: called by every sender for every RTP packet (abs-send-time) via
  datetime arithmetic; `speed_up_ntp_clock()` replaces it with the same value from `time.time()`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import aioice.ice
import aiortc
import aiortc.clock
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import vpx

logger = logging.getLogger(__name__)

AIORTC_VERSION = "1.16.0"
DECODER_QUEUE_ATTRIBUTE = "_RTCRtpReceiver__decoder_queue"
SENDER_ENCODER_ATTRIBUTE = "_RTCRtpSender__encoder"
#: aiortc's VP8 packets: at most vpx.PACKET_MAX bytes, 4 of them the payload descriptor.
VP8_DESCRIPTOR_BYTES = 4
VP8_CHUNK_BYTES = vpx.PACKET_MAX - VP8_DESCRIPTOR_BYTES

#: `deliver(codec, frame)`: codec is an RTCRtpCodecParameters, frame has `.data` (bytes, the
#: depayloaded frame) and `.timestamp` (RTP clock units, starting near 0, unwrapped).
FrameSink = Callable[[Any, Any], None]


class PackedFrame:
    """An encoded frame as aiortc's `pack()` reads it: `bytes(frame)`, `.pts`, `.time_base`.

    `bytes(frame)` returns the same bytes object (no copy): one payload serves every viewer.
    `shared` (optional) is an object with a writable `chunks` attribute, the same for every viewer
    of this frame, where `ForwardingPacker` keeps the payload split into packets.
    """

    __slots__ = ("data", "pts", "shared", "time_base")

    def __init__(self, data: bytes, pts: int, time_base: Fraction, shared: Any = None) -> None:
        self.data = data
        self.pts = pts
        self.time_base = time_base
        self.shared = shared

    def __bytes__(self) -> bytes:
        return self.data

    def __len__(self) -> int:
        return len(self.data)


class ForwardingPacker:
    """A viewer sender's "encoder": packetizes `PackedFrame`s whose `pts` is already in the
    codec's clock. Byte for byte what aiortc's Vp8Encoder/OpusEncoder `pack()` make, but a VP8
    frame is split once for all viewers; each viewer only adds its 4-byte descriptor."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.picture_id = secrets.randbelow(1 << 15)  # a random start, as aiortc's Vp8Encoder

    def pack(self, frame: PackedFrame) -> tuple[list[bytes], int]:
        data = frame.data
        if self.kind != "video":
            return [data], frame.pts
        if not data:
            return [], frame.pts
        shared = frame.shared
        chunks = shared.chunks if shared is not None else None
        if chunks is None:
            chunks = [data[at : at + VP8_CHUNK_BYTES] for at in range(0, len(data), VP8_CHUNK_BYTES)]
            if shared is not None:
                shared.chunks = chunks
        picture_id = self.picture_id
        self.picture_id = (picture_id + 1) & 0x7FFF
        # RFC 7741 descriptor: X=1 (S=1 on the first packet), I=1, 15-bit picture id.
        tail = bytes((0x80, 0x80 | (picture_id >> 8), picture_id & 0xFF))
        payloads = [b"\x90" + tail + chunks[0]]
        if len(chunks) > 1:
            rest = b"\x80" + tail
            payloads.extend(rest + chunk for chunk in chunks[1:])
        return payloads, frame.pts

    def encode(self, frame: Any, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        raise TypeError("a forwarding sender only packs already encoded frames")


def pack_without_encoder(sender: RTCRtpSender, kind: str) -> ForwardingPacker:
    """Give `sender` a `ForwardingPacker` instead of the encoder aiortc would create on its
    first frame. Call before the sender starts; its track must hand out `PackedFrame`s."""
    if getattr(sender, SENDER_ENCODER_ATTRIBUTE) is not None:
        raise RuntimeError("the sender already has an encoder")
    packer = ForwardingPacker(kind)
    setattr(sender, SENDER_ENCODER_ATTRIBUTE, packer)
    return packer


_NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01


def _current_ntp_time() -> int:
    now = time.time() + _NTP_EPOCH_OFFSET
    seconds = int(now)
    return (seconds << 32) | int((now - seconds) * (1 << 32))


def speed_up_ntp_clock() -> None:
    """Process-wide: aiortc's senders read the same NTP time at a fraction of the cost."""
    aiortc.clock.current_ntp_time = _current_ntp_time


def check_aiortc_version() -> None:
    """Refuse to run on an aiortc this module was not checked against."""
    if aiortc.__version__ != AIORTC_VERSION:
        raise RuntimeError(
            f"media_rtc forwards through aiortc {AIORTC_VERSION} internals but aiortc "
            f"{aiortc.__version__} is installed: run tests/media_rtc/test_aiortc_internals.py and "
            "update media_rtc/aiortc_internals.py before changing the pin."
        )


class EncodedFrameTap:
    """Stands in for a receiver's decoder queue: hands frames to `deliver` in the event loop.

    aiortc's decoder thread still starts and calls `get()`; it blocks here until the receiver
    stops (`put(None)`), so no decoder is ever created for a forwarded publisher.
    """

    def __init__(self, deliver: FrameSink) -> None:
        self._deliver = deliver
        self._stopped = threading.Event()

    def put(self, item: Any) -> None:
        if item is None:
            self._stopped.set()
            return
        codec, frame = item
        try:
            self._deliver(codec, frame)
        except Exception:  # a fan-out bug must not kill the publisher's receive path
            logger.exception("forwarding an encoded frame failed")

    def get(self) -> None:
        self._stopped.wait()
        return None


def tap_encoded_frames(receiver: RTCRtpReceiver, deliver: FrameSink) -> EncodedFrameTap:
    """Make `receiver` hand complete encoded frames to `deliver` instead of decoding them.

    Must be called before the receiver starts (i.e. before the connection is established).
    """
    current = getattr(receiver, DECODER_QUEUE_ATTRIBUTE)
    if not hasattr(current, "put") or not hasattr(current, "get"):
        raise RuntimeError("aiortc's RTCRtpReceiver decoder queue changed shape")
    tap = EncodedFrameTap(deliver)
    setattr(receiver, DECODER_QUEUE_ATTRIBUTE, tap)
    return tap


_pending_requests: set[asyncio.Future] = set()


def request_keyframe(receiver: RTCRtpReceiver) -> None:
    """Send an RTCP PLI for every stream the receiver has seen (usually one)."""
    for source in receiver.getSynchronizationSources():
        sending = asyncio.ensure_future(receiver._send_rtcp_pli(source.source))
        _pending_requests.add(sending)
        sending.add_done_callback(_pending_requests.discard)


def route_keyframe_requests(sender: RTCRtpSender, on_request: Callable[[], None]) -> None:
    """A viewer's PLI/FIR on `sender` calls `on_request` (the sender has no encoder to force)."""
    sender._send_keyframe = on_request


_original_get_host_addresses = aioice.ice.get_host_addresses


def restrict_host_addresses(addresses: Sequence[str]) -> None:
    """Offer only `addresses` as ICE host candidates in this process (empty: aioice's default).

    aioice reads the interfaces module-wide, so this is process-wide: a media worker serves one
    network set-up. Loopback addresses are allowed here (aioice itself skips 127.0.0.1).
    """
    chosen = [address for address in addresses if address]
    if not chosen:
        aioice.ice.get_host_addresses = _original_get_host_addresses
        return

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = get_host_addresses

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

The native fan-out (media_rtc/native) sends a viewer's RTP itself, so it also needs, once per
viewer when its connection is up (`native_route`):
- `RTCRtpSender.send(parameters)`: wrapped before negotiation to keep the negotiated
  `RTCRtpSendParameters` (payload type, mid, header-extension ids).
- `RTCDtlsTransport._tx_srtp` (a pylibsrtp `Session`) and that Session's `_srtp` (a cffi
  `srtp_t *`): the viewer's outbound SRTP context, used through pylibsrtp's own `srtp_protect`
  (`pylibsrtp._binding.lib`), whose C signature `srtp_protect_signature()` checks. The native
  fan-out uses it from its own thread, so `_tx_srtp` is replaced by a `GuardedSrtpSession`: aiortc
  only calls `protect` and `protect_rtcp` on it (in `_send_rtp`), and those then hold the same
  guard as the native sends (libsrtp's contexts are not safe for concurrent use).
- `RTCIceTransport._connection` (an `aioice.Connection`) and its `_nominated[1]` candidate pair:
  its `protocol.transport` socket and `remote_addr` are where the viewer's media goes.
- `RTCRtpSender._retransmit(seq)` and `__rtp_history`: a viewer's NACK is answered by putting the
  packet (rebuilt from the publisher's frame history) in the history, then aiortc's own code
  sends it (RTX when negotiated). `RTCRtpSender._send_rtcp(packets)`: its sender reports get the
  native outlet's packet/octet counts and RTP/NTP times, since aiortc's own counters stay at 0.
- `aiortc.rtcrtpsender.random_sequence_number()`: native outlets start where aiortc would.

A publisher's socket (`read_every_waiting_datagram`): `RTCIceTransport._connection._protocols`
(aioice `StunProtocol`s) and their `transport`, asyncio's `_SelectorDatagramTransport`, whose
`_read_ready` (registered with the loop's `_add_reader` on `_sock_fd`) reads one datagram per loop
turn; we register one that reads every datagram waiting.
"""

from __future__ import annotations

import asyncio
import asyncio.selector_events
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import aioice.ice
import aiortc
import aiortc.clock
import aiortc.rtcrtpsender
import pylibsrtp
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import vpx
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTP_HISTORY_SIZE,
    RtcpPsfbPacket,
    RtcpSenderInfo,
    RtcpSrPacket,
    RtpPacket,
    pack_header_extensions,
    pack_remb_fci,
    unpack_remb_fci,
)
from aiortc.sdp import SessionDescription
from pylibsrtp import _binding

logger = logging.getLogger(__name__)

AIORTC_VERSION = "1.16.0"
DECODER_QUEUE_ATTRIBUTE = "_RTCRtpReceiver__decoder_queue"
SENDER_ENCODER_ATTRIBUTE = "_RTCRtpSender__encoder"
SENDER_HISTORY_ATTRIBUTE = "_RTCRtpSender__rtp_history"
SENDER_LSR_ATTRIBUTE = "_RTCRtpSender__lsr"
MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#: The libsrtp 2.x prototype media_rtc/native/fanout.c declares (pylibsrtp's cffi spelling).
SRTP_PROTECT_SIGNATURE = "srtp_err_status_t(*)(struct srtp_ctx_t_ *, void *, int *)"
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


def split_vp8(data: bytes) -> list[bytes]:
    """A VP8 frame's payload in the chunks aiortc's Vp8Encoder.pack() makes (before descriptors)."""
    return [data[at : at + VP8_CHUNK_BYTES] for at in range(0, len(data), VP8_CHUNK_BYTES)]


def vp8_descriptor(first: bool, picture_id: int) -> bytes:
    """RFC 7741 descriptor: X=1 (S=1 on the first packet), I=1, 15-bit picture id."""
    return bytes((0x90 if first else 0x80, 0x80, 0x80 | (picture_id >> 8), picture_id & 0xFF))


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
            chunks = split_vp8(data)
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


#: Datagrams read from a publisher's socket each time it is ready (then other work gets a turn).
DATAGRAMS_PER_WAKEUP = 256


def read_every_waiting_datagram(pc: Any) -> int:
    """Make each of `pc`'s ICE sockets read all its waiting datagrams whenever it is ready.

    asyncio reads one datagram per socket per loop turn. A publisher sends far more packets than a
    busy loop turns (a stage's 200 viewers negotiating at once: turns of 50-400 ms), so its
    socket's buffer filled and the kernel dropped its RTP and the STUN answers ICE consent needs:
    every viewer fell to a few frames a second, then consent expired and the publisher was gone
    (issue 13). Returns how many sockets now read this way (0 if this loop's transports differ)."""
    loop = asyncio.get_running_loop()
    changed = 0
    seen = set()
    for transceiver in pc.getTransceivers():
        dtls = transceiver.receiver.transport
        connection = getattr(getattr(dtls, "transport", None), "_connection", None)
        for protocol in list(getattr(connection, "_protocols", ())):
            transport = getattr(protocol, "transport", None)
            if id(transport) in seen or not isinstance(
                transport, asyncio.selector_events._SelectorDatagramTransport
            ):
                continue
            seen.add(id(transport))
            if transport.is_closing():
                continue
            read_all = _reader_of_every_datagram(transport)
            transport._read_ready = read_all  # what resume_reading() registers again
            loop._remove_reader(transport._sock_fd)
            loop._add_reader(transport._sock_fd, read_all)
            changed += 1
    return changed


def _reader_of_every_datagram(transport: Any) -> Callable[[], None]:
    def read_ready() -> None:
        # asyncio's own _read_ready, repeated until the socket has nothing more
        for _ in range(DATAGRAMS_PER_WAKEUP):
            if transport._conn_lost:
                return
            try:
                data, addr = transport._sock.recvfrom(transport.max_size)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                transport._protocol.error_received(exc)
                return
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                transport._fatal_error(exc, "Fatal read error on datagram transport")
                return
            transport._protocol.datagram_received(data, addr)

    return read_ready


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


# --- the native fan-out's view of one viewer's sender ----------------------------------------------


class NativeUnavailable(Exception):
    """This viewer's media cannot go through the native fan-out (the reason is the message)."""


class SendParameters:
    """Filled with the `RTCRtpSendParameters` aiortc starts a sender with (see `capture_send_parameters`)."""

    def __init__(self) -> None:
        self.parameters: Any = None
        self.ready = asyncio.Event()


def capture_send_parameters(sender: RTCRtpSender) -> SendParameters:
    """Keep what `sender` is started with (payload type, mid, header-extension ids). Call before
    negotiating."""
    box = SendParameters()
    original = sender.send

    async def send(parameters: Any) -> None:
        box.parameters = parameters
        box.ready.set()
        await original(parameters)

    sender.send = send
    return box


def srtp_protect_signature() -> str:
    """pylibsrtp's C type of srtp_protect, to compare with SRTP_PROTECT_SIGNATURE."""

    return _binding.ffi.typeof(_binding.lib.srtp_protect).cname


def srtp_protect_address() -> int:
    """The address of the srtp_protect() pylibsrtp loaded (no second copy of libsrtp)."""

    signature = srtp_protect_signature()
    if signature != SRTP_PROTECT_SIGNATURE:
        raise NativeUnavailable(f"pylibsrtp's srtp_protect is {signature!r}, not the libsrtp 2 prototype")
    return int(_binding.ffi.cast("uintptr_t", _binding.ffi.addressof(_binding.lib, "srtp_protect")))


def srtp_context(session: Any) -> int:
    """The `srtp_t` inside a pylibsrtp Session, as an integer."""

    return int(_binding.ffi.cast("uintptr_t", session._srtp[0]))


def header_extensions_block(parameters: Any) -> tuple[bytes, int, str | None]:
    """The RTP header-extension block aiortc's sender writes (mid, then abs-send-time), as
    (profile + length + elements, offset of abs-send-time's 3 bytes or -1, mid)."""
    ids = {ext.uri: ext.id for ext in parameters.headerExtensions}
    mid = parameters.muxId or None

    def block(abs_send_time: bytes) -> bytes:
        elements = []
        if mid is not None and ids.get(MID_URI):
            elements.append((ids[MID_URI], mid.encode("utf8")))
        if ids.get(ABS_SEND_TIME_URI):
            elements.append((ids[ABS_SEND_TIME_URI], abs_send_time))
        profile, value = pack_header_extensions(elements)
        return (profile.to_bytes(2, "big") + (len(value) // 4).to_bytes(2, "big") + value) if value else b""

    zeros, ones = block(b"\x00\x00\x00"), block(b"\xff\xff\xff")
    differing = [i for i, (a, b) in enumerate(zip(zeros, ones, strict=True)) if a != b]
    return zeros, (differing[0] if differing else -1), mid


class GuardedSrtpSession:
    """A DTLS transport's outbound pylibsrtp Session whose every use holds `guard` (a
    `_fanout.Guard`, which releases the GIL while it waits): the lock the native fan-out's thread
    holds while it protects with the same srtp_t."""

    __slots__ = ("guard", "session")

    def __init__(self, session: pylibsrtp.Session, guard: Any) -> None:
        self.session = session
        self.guard = guard

    def protect(self, packet: bytes) -> bytes:
        with self.guard:
            return self.session.protect(packet)

    def protect_rtcp(self, packet: bytes) -> bytes:
        with self.guard:
            return self.session.protect_rtcp(packet)

    def add_stream(self, policy: pylibsrtp.Policy) -> None:
        with self.guard:
            self.session.add_stream(policy)

    def remove_stream(self, ssrc: int) -> None:
        with self.guard:
            self.session.remove_stream(ssrc)


def guard_tx_srtp(dtls: Any, new_guard: Callable[[], Any]) -> GuardedSrtpSession:
    """The transport's outbound SRTP session, guarded from now on (once per transport: its audio
    and video outlets share the session, so they share the guard)."""
    session = dtls._tx_srtp
    if isinstance(session, GuardedSrtpSession):
        return session
    guarded = GuardedSrtpSession(session, new_guard())
    dtls._tx_srtp = guarded
    return guarded


@dataclass(frozen=True, slots=True)
class NativeRoute:
    """Everything the native fan-out needs to send one viewer's RTP of one kind itself."""

    fd: int
    host: str
    port: int
    srtp: int
    session: Any
    #: Held around every use of `srtp`, by the native fan-out and by aiortc (`GuardedSrtpSession`).
    guard: Any
    ssrc: int
    payload_type: int
    extensions: bytes
    abs_send_time_at: int
    mid: str | None


def native_route(sender: RTCRtpSender, parameters: Any, new_guard: Callable[[], Any]) -> NativeRoute:
    """Where and how `sender` sends: its SRTP context (guarded from now on, `new_guard()` making the
    guard), UDP socket and peer address. Raises `NativeUnavailable` for a connection the native
    path cannot serve (TURN relay, not connected)."""
    if parameters is None or not parameters.codecs:
        raise NativeUnavailable("the sender has not started")
    dtls = sender.transport
    if dtls is None or dtls.state != "connected":
        raise NativeUnavailable("DTLS is not connected")
    session = dtls._tx_srtp
    if session is None:
        raise NativeUnavailable("no SRTP session")
    connection = getattr(dtls.transport, "_connection", None)
    pair = getattr(connection, "_nominated", {}).get(1)
    if pair is None:
        raise NativeUnavailable("no nominated ICE candidate pair")
    if not isinstance(pair.protocol, aioice.ice.StunProtocol) or pair.local_candidate.type not in (
        "host",
        "srflx",
    ):
        raise NativeUnavailable("the media goes through a TURN relay")
    transport = pair.protocol.transport
    sock = transport.get_extra_info("socket")
    if sock is None or sock.type != socket.SOCK_DGRAM or transport.is_closing():
        raise NativeUnavailable("no UDP socket")
    extensions, abs_send_time_at, mid = header_extensions_block(parameters)
    host, port = pair.remote_addr[:2]
    guarded = guard_tx_srtp(dtls, new_guard)
    return NativeRoute(
        fd=sock.fileno(),
        host=host,
        port=port,
        srtp=srtp_context(guarded.session),
        session=guarded.session,
        guard=guarded.guard,
        ssrc=sender._ssrc,
        payload_type=parameters.codecs[0].payloadType,
        extensions=extensions,
        abs_send_time_at=abs_send_time_at,
        mid=mid,
    )


def first_sequence_number() -> int:
    """Where a native outlet's sequence numbers start: where aiortc's own sender would."""
    return aiortc.rtcrtpsender.random_sequence_number()


def rtp_packet(
    *,
    payload_type: int,
    sequence_number: int,
    timestamp: int,
    ssrc: int,
    marker: bool,
    payload: bytes,
    mid: str | None,
) -> RtpPacket:
    """An aiortc RtpPacket as a native outlet sent it (for retransmission through aiortc)."""
    packet = RtpPacket(
        payload_type=payload_type,
        marker=int(marker),
        sequence_number=sequence_number,
        timestamp=timestamp,
        ssrc=ssrc,
        payload=payload,
    )
    packet.extensions.mid = mid
    packet.extensions.abs_send_time = (aiortc.clock.current_ntp_time() >> 14) & 0x00FFFFFF
    return packet


def answer_nacks_from(sender: RTCRtpSender, lookup: Callable[[int], RtpPacket | None]) -> None:
    """A NACK for a sequence number the native outlet sent: `lookup(seq)` rebuilds the packet,
    which goes into the sender's history so aiortc's `_retransmit` resends it (RTX if negotiated)."""
    original = sender._retransmit
    history = getattr(sender, SENDER_HISTORY_ATTRIBUTE)

    async def retransmit(sequence_number: int) -> None:
        packet = lookup(sequence_number)
        if packet is not None:
            history[sequence_number % RTP_HISTORY_SIZE] = packet
        await original(sequence_number)

    sender._retransmit = retransmit


def report_counters_from(sender: RTCRtpSender, counters: Callable[[], dict]) -> None:
    """The sender's RTCP sender reports carry the native outlet's counts and RTP/NTP times."""
    original = sender._send_rtcp

    async def send_rtcp(packets: list) -> None:
        sent = counters()
        for packet in packets:
            if isinstance(packet, RtcpSrPacket) and packet.ssrc == sender._ssrc:
                packet.sender_info = RtcpSenderInfo(
                    ntp_timestamp=sent["last_ntp"],
                    rtp_timestamp=sent["last_rtp_timestamp"],
                    packet_count=sent["packets"] & 0xFFFFFFFF,
                    octet_count=sent["octets"] & 0xFFFFFFFF,
                )
                setattr(sender, SENDER_LSR_ATTRIBUTE, (sent["last_ntp"] >> 16) & 0xFFFFFFFF)
        await original(packets)

    sender._send_rtcp = send_rtcp


# --- a conference's publishers: their audio levels and the bitrate they are told --------------------
# - `RTCRtpReceiver._handle_rtp_packet(packet, arrival_time_ms)`: called by the DTLS transport for
#   every RTP packet (looked up on the instance), with the header extensions already parsed
#   (`packet.extensions.audio_level`: RFC 6464 (voice activity, level), aiortc negotiates
#   urn:ietf:params:rtp-hdrext:ssrc-audio-level on audio by default).
# - `RTCRtpReceiver._send_rtcp(packet)` and `__rtcp_ssrc`: the REMB aiortc's remote bitrate
#   estimator sends goes through `_send_rtcp`, so a clamp there caps what the publisher is told.

RECEIVER_RTCP_SSRC_ATTRIBUTE = "_RTCRtpReceiver__rtcp_ssrc"

#: `on_level(level)`: RFC 6464 -dBov, 0 (loudest) to 127 (silence), for one audio packet.
LevelSink = Callable[[int], None]


def read_audio_levels(receiver: RTCRtpReceiver, on_level: LevelSink) -> None:
    """Hand every audio packet's RFC 6464 level to `on_level` before aiortc handles the packet.
    Nothing is decoded: the level is a header extension. Packets without it are not reported."""
    original = receiver._handle_rtp_packet

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        level = packet.extensions.audio_level
        if level is not None:
            try:
                on_level(level[1])
            except Exception:  # a bookkeeping bug must not kill the publisher's receive path
                logger.exception("reading an audio level failed")
        await original(packet, arrival_time_ms)

    receiver._handle_rtp_packet = handle_rtp_packet


def clamp_remb(receiver: RTCRtpReceiver, cap_bps: Callable[[], int]) -> None:
    """The REMB this receiver sends its publisher never says more than `cap_bps()`."""
    original = receiver._send_rtcp

    async def send_rtcp(packet: Any) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, ssrcs = unpack_remb_fci(packet.fci)
            except ValueError:
                pass
            else:
                packet.fci = pack_remb_fci(min(bitrate, cap_bps()), ssrcs)
        await original(packet)

    receiver._send_rtcp = send_rtcp


def send_remb(receiver: RTCRtpReceiver, bitrate_bps: int) -> bool:
    """Tell the publisher of every stream this receiver has seen to send at most `bitrate_bps`
    now (RTCP REMB), without waiting for the estimator's next report. False before the first
    packet (there is nobody to tell yet)."""
    rtcp_ssrc = getattr(receiver, RECEIVER_RTCP_SSRC_ATTRIBUTE)
    ssrcs = [source.source for source in receiver.getSynchronizationSources()]
    if rtcp_ssrc is None or not ssrcs:
        return False
    packet = RtcpPsfbPacket(
        fmt=RTCP_PSFB_APP, ssrc=rtcp_ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate_bps, ssrcs)
    )
    sending = asyncio.ensure_future(receiver._send_rtcp(packet))
    _pending_requests.add(sending)
    sending.add_done_callback(_pending_requests.discard)
    return True


# --- a bench viewer that counts SRTP headers instead of receiving every packet ---------------------
# - `RTCDtlsTransport._rx_srtp`: the pylibsrtp `Session` (set by `_setup_srtp()` once the DTLS
#   handshake is done) whose `unprotect(data)` / `unprotect_rtcp(data)` `_recv_next` calls for every
#   SRTP / SRTCP datagram, handing the clear RTP to `_handle_rtp_data(data, arrival_time_ms=...)`
#   (looked up on the instance) and swallowing `pylibsrtp.Error` (a packet that fails
#   authentication is dropped).
# - `RTCIceTransport._connection._protocols` (aioice `StunProtocol`s, one per local candidate):
#   asyncio calls each one's `datagram_received(data, addr)` (looked up on the instance); it hands
#   whatever is not STUN to the connection's `_queue` (an `asyncio.Queue`), which the DTLS
#   transport's task reads.
# RFC 3711 leaves the RTP header in clear, so frames (marker bit, timestamp) and sizes can be read
# before any decryption; a sample of packets is still unprotected to prove they are authentic.

#: SRTP packets of each stream unprotected (and so authenticated) when header counting starts.
SRTP_VERIFY_FIRST = 8
#: After that, one packet in this many is unprotected.
SRTP_VERIFY_EVERY = 16


class StreamCount:
    """What a `HeaderCountingSession` has counted of one incoming SSRC."""

    __slots__ = ("bytes", "descriptor_bytes", "frames", "kind", "last_timestamp", "packets", "vp8")

    def __init__(self, kind: str, vp8: bool) -> None:
        self.kind = kind
        self.vp8 = vp8
        self.frames = 0
        self.bytes = 0
        self.packets = 0
        self.descriptor_bytes = 4 if vp8 else 0  # learnt from each unprotected packet
        self.last_timestamp: int | None = None


def _vp8_descriptor_length(payload: bytes) -> int:
    """Length of an RFC 7741 payload descriptor (X, I with a 7- or 15-bit picture id, L, T/K)."""
    length = 1
    if payload[0] & 0x80:
        extension = payload[1]
        length = 2
        if extension & 0x80:
            length += 2 if payload[length] & 0x80 else 1
        if extension & 0x40:
            length += 1
        if extension & 0x30:
            length += 1
    return length


class HeaderCountingSession:
    """Stands in for a DTLS transport's inbound SRTP session and counts RTP from clear headers.

    Video frames are counted by the marker bit (a frame's last packet), audio frames by a new
    timestamp; bytes are the payload as a depacketizer would hand it on (SRTP tag and VP8
    descriptor subtracted, their sizes learnt from the unprotected sample). The first
    `verify_first` packets of each stream and one packet in `verify_every` after that are
    unprotected with the real session: a packet that fails is counted in `failures` and nowhere
    else. While `passing`, every packet is unprotected and handed on to aiortc too; after it, every
    RTP packet ends here (aiortc's jitter buffer, NACK and depacketizing never see it; other
    payload types, such as RTX, are dropped and counted in `ignored`). SRTCP goes to the real
    session unchanged.
    """

    def __init__(
        self,
        session: Any,
        payload_kinds: dict[int, tuple[str, str]],
        *,
        verify_every: int = SRTP_VERIFY_EVERY,
        verify_first: int = SRTP_VERIFY_FIRST,
    ) -> None:
        self.session = session
        self.payload_kinds = payload_kinds
        self.verify_every = verify_every
        self.verify_first = verify_first
        self.streams: dict[int, StreamCount] = {}
        self.packets = 0
        self.verified = 0
        self.failures = 0
        self.ignored = 0
        self.tag_bytes = 10  # learnt from each unprotected packet
        #: True until the switch: every packet is unprotected and handed on to aiortc as well.
        self.passing = True

    def unprotect_rtcp(self, data: bytes) -> bytes:
        return self.session.unprotect_rtcp(data)

    def unprotect(self, data: bytes) -> bytes:
        first, second = data[0], data[1]
        header = 12 + 4 * (first & 0x0F)
        if first & 0x10:
            header += 4 + 4 * int.from_bytes(data[header + 2 : header + 4], "big")
        ssrc = int.from_bytes(data[8:12], "big")
        stream = self.streams.get(ssrc)
        if stream is None:
            medium = self.payload_kinds.get(second & 0x7F)
            if medium is None:
                self.ignored += 1
                if not self.passing:
                    return data
                try:  # RTX (a retransmission aiortc asked for) goes to aiortc until the switch
                    return self.session.unprotect(data)
                except pylibsrtp.Error:
                    self.failures += 1
                    raise
            stream = self.streams[ssrc] = StreamCount(medium[0], medium[1].lower() == "video/vp8")
        clear = data
        if self.passing or stream.packets < self.verify_first or not (self.packets + 1) % self.verify_every:
            try:
                clear = self.session.unprotect(data)
            except pylibsrtp.Error:
                self.failures += 1  # aiortc drops the packet: it is counted nowhere else
                raise
            self.verified += 1
            self.tag_bytes = len(data) - len(clear)
            if stream.vp8 and len(clear) > header:
                stream.descriptor_bytes = _vp8_descriptor_length(clear[header:])
        self.packets += 1
        stream.packets += 1
        stream.bytes += len(data) - header - self.tag_bytes - stream.descriptor_bytes
        timestamp = int.from_bytes(data[4:8], "big")
        if stream.kind == "video":
            if second & 0x80:
                stream.frames += 1
        elif timestamp != stream.last_timestamp:
            stream.frames += 1
        stream.last_timestamp = timestamp
        return clear


async def _ignore_rtp(data: bytes, arrival_time_ms: int) -> None:
    return None


def _count_on_arrival(dtls: Any) -> None:
    """SRTP datagrams go to the counting session as the socket delivers them, instead of through
    aioice's queue and the DTLS transport's receive task (a wake-up and several coroutines per
    packet). STUN, DTLS and SRTCP take aiortc's own path."""
    connection = dtls.transport._connection
    waiting = connection._queue  # datagrams that arrived before the switch, not yet read

    for protocol in list(connection._protocols):
        original = protocol.datagram_received

        def datagram_received(data: bytes, addr: tuple, original: Callable = original) -> None:
            # RTP, not RTCP (aiortc's is_rtcp); while older datagrams wait in the queue, this one
            # joins them, so packets are counted in the order they arrived.
            if 127 < data[0] < 192 and not 192 <= data[1] <= 208 and waiting.empty():
                try:  # noqa: SIM105 (a plain try costs less than contextlib.suppress, per packet)
                    dtls._rx_srtp.unprotect(data)
                except pylibsrtp.Error:
                    pass  # counted as a failure; dropped, as aiortc drops it
                return
            original(data, addr)

        protocol.datagram_received = datagram_received


def media_payload_kinds(sdp_text: str) -> dict[int, tuple[str, str]]:
    """Payload type -> (kind, mime type) of the media codecs (not RTX, RED or FEC) in an SDP."""
    kinds = {}
    for media in SessionDescription.parse(sdp_text).media:
        for codec in media.rtp.codecs:
            if codec.mimeType.split("/")[-1].lower() not in ("rtx", "red", "ulpfec", "flexfec-03"):
                kinds[codec.payloadType] = (media.kind, codec.mimeType)
    return kinds


class LightViewerCount:
    """What `count_srtp_headers` counted (`session`: None until the DTLS handshake is done)."""

    def __init__(self) -> None:
        self.session: HeaderCountingSession | None = None

    @property
    def verified(self) -> int:
        return self.session.verified if self.session else 0

    @property
    def failures(self) -> int:
        return self.session.failures if self.session else 0

    def counts(self) -> dict[str, dict[str, int]]:
        """Frames, bytes and packets per kind, summed over the streams."""
        totals = {kind: {"frames": 0, "bytes": 0, "packets": 0} for kind in ("audio", "video")}
        for stream in self.session.streams.values() if self.session else ():
            total = totals.setdefault(stream.kind, {"frames": 0, "bytes": 0, "packets": 0})
            total["frames"] += stream.frames
            total["bytes"] += stream.bytes
            total["packets"] += stream.packets
        return totals


def count_srtp_headers(
    dtls: Any,
    receivers: Sequence[RTCRtpReceiver],
    payload_kinds: dict[int, tuple[str, str]],
    *,
    on_keyframe: Callable[[], None] | None = None,
    verify_every: int = SRTP_VERIFY_EVERY,
) -> LightViewerCount:
    """A bench viewer's light receive path on one (bundled) `RTCDtlsTransport` and its receivers.

    Every RTP packet is counted from its clear header (`HeaderCountingSession`). Until the first
    complete VP8 keyframe, each is also unprotected and aiortc receives it as usual (NACK, RTX,
    jitter buffer; the receivers' frames are looked at, never decoded), so "first frame" still
    means a keyframe assembled and authenticated, with losses recovered as a browser would; then
    `on_keyframe()` is called, and from then on packets are counted as the socket delivers them,
    only a sample unprotected. Call before DTLS starts (right after setting the remote
    description)."""
    if dtls.state != "new":
        raise RuntimeError("the DTLS transport has already started")
    count = LightViewerCount()
    original_setup = dtls._setup_srtp

    def setup_srtp() -> None:
        original_setup()
        if dtls._rx_srtp is None:  # no SRTP profile negotiated: aiortc has failed the transport
            return
        count.session = HeaderCountingSession(dtls._rx_srtp, payload_kinds, verify_every=verify_every)
        dtls._rx_srtp = count.session

    def deliver(codec: Any, frame: Any) -> None:
        session = count.session
        if session is None or not session.passing:
            return
        data = frame.data
        if codec.mimeType.lower() == "video/vp8" and data and not data[0] & 0x01:
            # a complete keyframe (VP8 payload header: P bit clear): aiortc is no longer needed
            session.passing = False
            dtls._handle_rtp_data = _ignore_rtp
            _count_on_arrival(dtls)
            if on_keyframe is not None:
                on_keyframe()

    dtls._setup_srtp = setup_srtp
    for receiver in receivers:
        tap_encoded_frames(receiver, deliver)
    return count

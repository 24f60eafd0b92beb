"""The bench's light viewer (media_rtc/aiortc_internals.py `count_srtp_headers`): frames and bytes
counted from the clear headers of real SRTP packets between two aiortc peers on loopback, with a
sample unprotected; and the aiortc receive path it stands in, which must not move unnoticed."""

from __future__ import annotations

import asyncio
import fractions
import inspect

import aiortc
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdtlstransport import RTCDtlsTransport

from media_rtc import aiortc_internals as internals
from media_rtc.pattern_source import PatternEncoder

VIDEO_FRAMES = 40
AUDIO_FRAMES = 60
ARRIVAL_TIMEOUT = 15.0  # generous: tests assert arrival, never speed


# --- the contract with aiortc's receive path ---------------------------------------------------------


def test_dtls_transport_unprotects_every_srtp_packet_through_rx_srtp_then_hands_it_on():
    source = inspect.getsource(RTCDtlsTransport._recv_next)
    assert "data = self._rx_srtp.unprotect_rtcp(data)" in source
    assert "data = self._rx_srtp.unprotect(data)" in source
    assert "await self._handle_rtp_data(data, arrival_time_ms=arrival_time_ms)" in source
    assert "except pylibsrtp.Error as exc:" in source
    # the unprotect comes before the hand-over, in the same branch
    assert source.index("self._rx_srtp.unprotect(data)") < source.index("self._handle_rtp_data(data")


def test_dtls_transport_sets_rx_srtp_in_setup_srtp_after_the_handshake():
    assert "self._rx_srtp = Session(rx_policy)" in inspect.getsource(RTCDtlsTransport._setup_srtp)
    assert "self._setup_srtp()" in inspect.getsource(RTCDtlsTransport.start)
    assert list(inspect.signature(RTCDtlsTransport._setup_srtp).parameters) == ["self"]


def test_aioice_hands_every_datagram_to_its_protocols_datagram_received():
    import asyncio.selector_events

    import aioice.ice

    source = inspect.getsource(asyncio.selector_events._SelectorDatagramTransport._read_ready)
    assert "self._protocol.datagram_received(data, addr)" in source
    received = inspect.getsource(aioice.ice.StunProtocol.datagram_received)
    assert "self.receiver.data_received(data, self.local_candidate.component)" in received
    assert "self._protocols += host_protocols" in inspect.getsource(aioice.ice.Connection)
    assert "self._connection = gatherer._connection" in inspect.getsource(aiortc.RTCIceTransport.__init__)
    connection = inspect.getsource(aioice.ice.Connection)
    assert "self._queue: asyncio.Queue[tuple[bytes, int] | None] = asyncio.Queue()" in connection
    assert "self._queue.put_nowait((data, component))" in inspect.getsource(
        aioice.ice.Connection.data_received
    )


# --- two real peers ----------------------------------------------------------------------------------


class CountedTrack(MediaStreamTrack):
    """Sends exactly the given encoded frames (a list of packets each), paced, then nothing more."""

    def __init__(self, kind: str, frames: list[list]) -> None:
        super().__init__()
        self.kind = kind
        self.frames = frames
        self.step, rate = (3000, 90_000) if kind == "video" else (960, 48_000)
        self.time_base = fractions.Fraction(1, rate)
        self.pending: list = []
        self.index = 0

    async def recv(self):
        while not self.pending:
            if self.index >= len(self.frames):
                await asyncio.Event().wait()  # all sent: stay silent until the peer closes
            await asyncio.sleep(1 / 30 if self.kind == "video" else 0.02)
            for packet in self.frames[self.index]:
                packet.pts = self.index * self.step
                packet.time_base = self.time_base
                self.pending.append(packet)
            self.index += 1
        return self.pending.pop(0)


def encoded_frames() -> tuple[list[list], list[list]]:
    encoder = PatternEncoder(width=320, height=180, video_bitrate=300_000, noise_rows=0.25)
    video = []
    while len(video) < VIDEO_FRAMES:
        packets = encoder.next_video()
        if packets:
            video.append(packets)
    audio = []
    while len(audio) < AUDIO_FRAMES:
        audio.extend([packet] for packet in encoder.next_audio())
    return video, audio[:AUDIO_FRAMES]


class TamperingSession:
    """In front of the real SRTP session: flips one payload byte of the Nth video packet that ends
    a frame, as an attacker on the path would (the SRTP tag no longer matches)."""

    def __init__(self, counting, video_types: set[int], nth: int) -> None:
        self.counting = counting
        self.video_types = video_types
        self.nth = nth
        self.seen = 0

    def unprotect_rtcp(self, data: bytes) -> bytes:
        return self.counting.unprotect_rtcp(data)

    def unprotect(self, data: bytes) -> bytes:
        if data[1] & 0x7F in self.video_types and data[1] & 0x80:
            self.seen += 1
            if self.seen == self.nth:
                changed = bytearray(data)
                changed[-20] ^= 0x01  # inside the encrypted payload, before the tag
                data = bytes(changed)
        return self.counting.unprotect(data)


async def send_and_count(*, verify_every: int, tamper_nth: int | None = None):
    internals.restrict_host_addresses(["127.0.0.1"])
    video, audio = encoded_frames()
    sender = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    viewer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    keyframes: list[bool] = []
    try:
        sender.addTransceiver(CountedTrack("video", video), direction="sendonly")
        sender.addTransceiver(CountedTrack("audio", audio), direction="sendonly")
        await sender.setLocalDescription(await sender.createOffer())
        await viewer.setRemoteDescription(sender.localDescription)
        kinds = internals.media_payload_kinds(sender.localDescription.sdp)
        transports = {id(t.receiver.transport): t.receiver.transport for t in viewer.getTransceivers()}
        assert len(transports) == 1  # bundled: one DTLS transport carries both kinds
        dtls = next(iter(transports.values()))
        count = internals.count_srtp_headers(
            dtls,
            [t.receiver for t in viewer.getTransceivers()],
            kinds,
            on_keyframe=lambda: keyframes.append(True),
            verify_every=verify_every,
        )
        if tamper_nth is not None:
            setup = dtls._setup_srtp
            video_types = {pt for pt, (kind, _) in kinds.items() if kind == "video"}

            def setup_with_tampering() -> None:
                setup()
                dtls._rx_srtp = TamperingSession(dtls._rx_srtp, video_types, tamper_nth)

            dtls._setup_srtp = setup_with_tampering
        await viewer.setLocalDescription(await viewer.createAnswer())
        await sender.setRemoteDescription(
            RTCSessionDescription(sdp=viewer.localDescription.sdp, type="answer")
        )

        expected_video = VIDEO_FRAMES - (1 if tamper_nth else 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ARRIVAL_TIMEOUT
        while loop.time() < deadline:
            counts = count.counts()
            if (
                counts.get("video", {}).get("frames", 0) >= expected_video
                and counts.get("audio", {}).get("frames", 0) >= AUDIO_FRAMES
            ):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # anything extra would arrive now
        count.through_dtls_task = dtls._RTCDtlsTransport__rx_packets  # datagrams _recv_next read
        return count, video, audio, keyframes
    finally:
        await sender.close()
        await viewer.close()
        internals.restrict_host_addresses([])


async def test_header_counting_counts_every_frame_and_byte_sent_and_verifies_a_sample():
    session, video, audio, keyframes = await send_and_count(verify_every=4)

    counts = session.counts()
    assert counts["video"]["frames"] == VIDEO_FRAMES
    assert counts["audio"]["frames"] == AUDIO_FRAMES
    # the depayloaded sizes: SRTP tag and VP8 descriptors subtracted from what the wire carried
    assert counts["video"]["bytes"] == sum(p.size for frame in video for p in frame)
    assert counts["audio"]["bytes"] == sum(p.size for frame in audio for p in frame)
    assert session.failures == 0
    packets = counts["video"]["packets"] + counts["audio"]["packets"]
    # the first packets of each stream and the keyframe, then one in four
    assert packets // 4 <= session.verified < packets
    assert len(keyframes) == 1  # the first complete keyframe, once, for the one video stream
    # most packets were counted as the socket delivered them, not after the DTLS task's queue
    assert session.through_dtls_task < packets / 2


async def test_a_tampered_packet_in_the_sample_is_a_failure_not_a_frame():
    session, _, _, keyframes = await send_and_count(verify_every=1, tamper_nth=10)

    assert session.failures == 1
    assert session.counts()["video"]["frames"] == VIDEO_FRAMES - 1
    assert session.counts()["audio"]["frames"] == AUDIO_FRAMES
    assert len(keyframes) == 1


def test_vp8_descriptor_lengths():
    assert internals._vp8_descriptor_length(bytes((0x90, 0x80, 0x80 | 0x12, 0x34, 0x9D))) == 4
    assert internals._vp8_descriptor_length(bytes((0x90, 0x80, 0x12, 0x9D))) == 3
    assert internals._vp8_descriptor_length(bytes((0x10, 0x9D))) == 1
    assert internals._vp8_descriptor_length(bytes((0x90, 0xE0, 0x80, 0x01, 0x05, 0x40))) == 6


async def test_count_srtp_headers_refuses_a_transport_that_has_started():
    pc = RTCPeerConnection()
    try:
        dtls = pc.addTransceiver("video", direction="recvonly").receiver.transport
        dtls._set_state(internals_state("connecting"))
        with pytest.raises(RuntimeError, match="already started"):
            internals.count_srtp_headers(dtls, [], {})
    finally:
        await pc.close()


def internals_state(name: str):
    from aiortc.rtcdtlstransport import State

    return State[name.upper()]

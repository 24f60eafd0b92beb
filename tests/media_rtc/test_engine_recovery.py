"""Repair and continuity with real aiortc peers, on both forwarding paths (native fan-out and
aiortc's senders): a lost packet comes back by NACK, sequence numbers roll over 65,535 under SRTP,
and a viewer's timestamps keep going forward through tier switches and a publisher reconnect."""

from __future__ import annotations

import asyncio
import itertools
import re
import time

import aiortc.rtcrtpsender
import pytest
from aiortc.rtp import RtpPacket, is_rtcp

from media_rtc import native
from media_rtc.engine import MediaEngine, publisher_id

from .rtc_peers import publish, watch

ROOM = "booth.recovery"
CAMERA = publisher_id("staff", "camera")


@pytest.fixture(params=["native", "python"])
async def engine(request):
    native_path = request.param == "native"
    if native_path and native.load() is None:
        pytest.skip(native.description())
    engine = MediaEngine(host_addresses=["127.0.0.1"], native_fanout=native_path)
    engine.native_path = native_path
    engine.peers = []
    yield engine
    await asyncio.gather(*(peer.close() for peer in engine.peers), return_exceptions=True)
    await engine.close()


async def _publish(engine, **options):
    peer = await publish(engine, ROOM, "staff", label="camera", **options)
    engine.peers.append(peer)
    return peer


async def _watch(engine, member="visitor"):
    viewer = await watch(engine, ROOM, member, CAMERA)
    engine.peers.append(viewer)
    return viewer


class Wire:
    """What reaches a viewer's DTLS transport, decrypted: the video stream's and its RTX stream's
    packets, with a switch to lose one video packet on the way."""

    def __init__(self, viewer) -> None:
        video_section = viewer.pc.remoteDescription.sdp.split("m=video", 1)[1]
        fid = re.search(r"a=ssrc-group:FID (\d+) (\d+)", video_section)
        self.video_ssrc, self.rtx_ssrc = int(fid.group(1)), int(fid.group(2))
        self.video: list[tuple[int, int]] = []  # (sequence number, timestamp)
        self.retransmitted: list[int] = []  # original sequence numbers carried by RTX
        self.lose_next_video = False
        self.lost: int | None = None
        receiver = next(r for r in viewer.pc.getReceivers() if r.track.kind == "video")
        dtls = receiver.transport
        original = dtls._handle_rtp_data

        async def handle(data: bytes, arrival_time_ms: int) -> None:
            if not is_rtcp(data):
                packet = RtpPacket.parse(data)
                if packet.ssrc == self.video_ssrc:
                    if self.lose_next_video:
                        self.lose_next_video = False
                        self.lost = packet.sequence_number
                        return
                    self.video.append((packet.sequence_number, packet.timestamp))
                elif packet.ssrc == self.rtx_ssrc:
                    self.retransmitted.append(int.from_bytes(packet.payload[:2], "big"))
            await original(data, arrival_time_ms=arrival_time_ms)

        dtls._handle_rtp_data = handle


async def _until(condition, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def test_a_lost_video_packet_is_retransmitted_after_the_viewers_nack(engine):
    await _publish(engine)
    viewer = await _watch(engine)
    await viewer.wait_for_decoded("video", 5)
    wire = Wire(viewer)
    await _until(lambda: len(wire.video) >= 3)
    wire.lose_next_video = True
    await _until(lambda: wire.lost is not None)
    await _until(lambda: wire.lost in wire.retransmitted, timeout=5)
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 10)
    assert wire.retransmitted.count(wire.lost) >= 1
    assert engine.stats()["native_tracks"] == (2 if engine.native_path else 0)


async def test_sequence_numbers_roll_over_65535_and_srtp_keeps_decrypting(engine, monkeypatch):
    # Every sender (the test publisher's, and the server's on either path) starts 40 packets short
    # of the wrap.
    monkeypatch.setattr(aiortc.rtcrtpsender, "random_sequence_number", lambda: 65_496)
    await _publish(engine)
    viewer = await _watch(engine)
    wire = Wire(viewer)
    await _until(lambda: any(seq < 1000 for seq, _ in wire.video) and len(wire.video) >= 80, timeout=15)
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 20)
    sequence = [seq for seq, _ in wire.video]
    wrap = next(i for i in range(1, len(sequence)) if sequence[i] < sequence[i - 1])
    assert (sequence[wrap - 1], sequence[wrap]) == (65_535, 0)


def _forward_steps(timestamps: list[int]) -> list[int]:
    """Differences between consecutive RTP timestamps, modulo 2**32 (the origin is random)."""
    return [(b - a) % (1 << 32) for a, b in itertools.pairwise(timestamps)]


async def test_timestamps_go_forward_through_tier_switches_and_a_publisher_reconnect(engine):
    await _publish(engine)
    viewer = await _watch(engine)
    await viewer.wait_for_decoded("video", 5)
    wire = Wire(viewer)
    started = time.monotonic()
    for tier in ("low", "standard"):
        await engine.set_tier(ROOM, "visitor", CAMERA, tier)
        decoded = viewer.decoded["video"]
        await viewer.wait_for_decoded("video", decoded + 10)
    await _publish(engine)  # the staff member's browser reconnects: a new connection, same stream
    decoded = viewer.decoded["video"]
    await viewer.wait_for_decoded("video", decoded + 10)
    elapsed = time.monotonic() - started
    steps = _forward_steps([timestamp for _, timestamp in wire.video])
    assert max(steps) < (elapsed + 1) * 90_000  # never backwards (a huge modular step), no leap
    assert sum(steps) < (elapsed + 1) * 90_000
    assert engine.stats()["transcoders"] == 0

"""The native fan-out's sending thread with real aiortc peers: while it sends a viewer's media, the
event loop answers that viewer's NACKs and sends its RTCP with the same SRTP context, and the
viewer still decodes every frame with no SRTP failure; viewers leaving while their frames are in
flight, again and again, break nothing."""

from __future__ import annotations

import asyncio
import logging
import re

import pylibsrtp
import pytest
from aiortc.rtp import RtcpSenderInfo, RtcpSrPacket, RtpPacket, is_rtcp

from media_rtc import native
from media_rtc.engine import MediaEngine, publisher_id

from .rtc_peers import publish, watch

ROOM = "booth.sending-thread"
CAMERA = publisher_id("staff", "camera")

pytestmark = pytest.mark.skipif(native.load() is None, reason=native.description())


@pytest.fixture
async def engine():
    engine = MediaEngine(host_addresses=["127.0.0.1"], native_fanout=True)
    engine.peers = []
    yield engine
    await asyncio.gather(*(peer.close() for peer in engine.peers), return_exceptions=True)
    await engine.close()


async def _watch(engine, member):
    viewer = await watch(engine, ROOM, member, CAMERA)
    engine.peers.append(viewer)
    return viewer


class CountingSrtp:
    """A viewer's inbound SRTP session counting what fails to unprotect (replay or auth errors)."""

    def __init__(self, session) -> None:
        self.session = session
        self.failures: list[str] = []

    def unprotect(self, data: bytes) -> bytes:
        return self._counted(self.session.unprotect, data)

    def unprotect_rtcp(self, data: bytes) -> bytes:
        return self._counted(self.session.unprotect_rtcp, data)

    def _counted(self, unprotect, data: bytes) -> bytes:
        try:
            return unprotect(data)
        except pylibsrtp.Error as error:
            self.failures.append(str(error))
            raise


class LossyWire:
    """Loses every `every`-th video packet on its way into the viewer, so the viewer NACKs it."""

    def __init__(self, viewer, every: int = 10) -> None:
        video_section = viewer.pc.remoteDescription.sdp.split("m=video", 1)[1]
        fid = re.search(r"a=ssrc-group:FID (\d+) (\d+)", video_section)
        self.video_ssrc, self.rtx_ssrc = int(fid.group(1)), int(fid.group(2))
        self.lost: list[int] = []
        self.retransmitted: set[int] = set()
        self.losing = True
        receiver = next(r for r in viewer.pc.getReceivers() if r.track.kind == "video")
        self.dtls = receiver.transport
        self.srtp = CountingSrtp(self.dtls._rx_srtp)
        self.dtls._rx_srtp = self.srtp
        original = self.dtls._handle_rtp_data
        seen = 0

        async def handle(data: bytes, arrival_time_ms: int) -> None:
            nonlocal seen
            if not is_rtcp(data):
                packet = RtpPacket.parse(data)
                if packet.ssrc == self.video_ssrc:
                    seen += 1
                    if self.losing and seen % every == 0:
                        self.lost.append(packet.sequence_number)
                        return
                elif packet.ssrc == self.rtx_ssrc:
                    self.retransmitted.add(int.from_bytes(packet.payload[:2], "big"))
            await original(data, arrival_time_ms=arrival_time_ms)

        self.dtls._handle_rtp_data = handle


async def test_nacks_and_rtcp_on_the_loop_while_the_thread_sends_leave_srtp_intact(engine):
    publisher = await publish(engine, ROOM, "staff", label="camera")
    engine.peers.append(publisher)
    viewer = await _watch(engine, "visitor")
    await viewer.wait_for_decoded("video", 5)
    wire = LossyWire(viewer)
    served = engine._rooms[ROOM].viewers[("visitor", CAMERA)]
    sender, _started = served.senders["video"]
    outlet = served.tracks["video"].outlet
    assert outlet is not None
    # aiortc's own first sender report (our extra ones before it would leave its RTT clock unset)
    while sender._RTCRtpSender__lsr_time is None:
        await asyncio.sleep(0.05)
    decoded = viewer.decoded["video"]
    # For 3 s, every 10 ms: a sender report and a retransmission of the latest packet sent, on the
    # loop, besides aiortc's own RTCP and the answers to the viewer's NACKs.
    for n in range(300):
        report = RtcpSrPacket(ssrc=sender._ssrc, sender_info=RtcpSenderInfo(0, 0, n, 0))
        await sender._send_rtcp([report])
        await sender._retransmit((outlet.sequence_number - 1) % 65536)
        await asyncio.sleep(0.01)
    wire.losing = False
    await viewer.wait_for_decoded("video", viewer.decoded["video"] + 10)
    assert wire.srtp.failures == []
    assert len(wire.lost) >= 10
    assert set(wire.lost) <= wire.retransmitted
    assert viewer.decoded["video"] - decoded >= 60  # about 3 s at 30 fps, nothing stalled
    assert outlet.counters()["send_errors"] == 0


async def test_viewers_leaving_while_their_frames_are_in_flight_break_nothing(engine, caplog):
    caplog.set_level(logging.WARNING, logger="media_rtc")
    publisher = await publish(engine, ROOM, "staff", label="camera")
    engine.peers.append(publisher)
    for round_ in range(3):
        viewers = [await _watch(engine, f"visitor-{round_}-{n}") for n in range(4)]
        for viewer in viewers:
            await viewer.wait_for_decoded("video", 3)
        await asyncio.gather(*(engine.leave(ROOM, f"visitor-{round_}-{n}") for n in range(4)))
    last = await _watch(engine, "visitor-last")
    await last.wait_for_decoded("video", 10)
    assert native.drain() is True
    assert engine.stats()["native_tracks"] == 2
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []

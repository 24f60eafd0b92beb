"""The aiortc internals a conference relies on (media_rtc/aiortc_internals.py, its conference part):
the receiver's packet handler and RTCP sender, looked up on the instance, and the REMB it sends."""

from __future__ import annotations

import asyncio
import inspect

from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.codecs import HEADER_EXTENSIONS
from aiortc.rtp import RTCP_PSFB_APP, RTCP_PSFB_PLI, RtcpPsfbPacket, RtpPacket, pack_remb_fci, unpack_remb_fci

from media_rtc import aiortc_internals as internals

AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"


def test_aiortc_negotiates_the_audio_level_extension_on_audio():
    assert AUDIO_LEVEL_URI in [extension.uri for extension in HEADER_EXTENSIONS["audio"]]


def test_the_receiver_methods_we_wrap_have_the_shape_we_call():
    assert list(inspect.signature(RTCRtpReceiver._handle_rtp_packet).parameters) == [
        "self",
        "packet",
        "arrival_time_ms",
    ]
    assert list(inspect.signature(RTCRtpReceiver._send_rtcp).parameters) == ["self", "packet"]


async def test_audio_levels_are_read_before_aiortc_handles_the_packet():
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("audio", direction="recvonly").receiver
        heard, handled = [], []

        async def handle(packet, arrival_time_ms):
            handled.append(packet.sequence_number)

        receiver._handle_rtp_packet = handle
        internals.read_audio_levels(receiver, heard.append)
        loud, silent = RtpPacket(sequence_number=1), RtpPacket(sequence_number=2)
        loud.extensions.audio_level = (True, 12)
        await receiver._handle_rtp_packet(loud, arrival_time_ms=0)
        await receiver._handle_rtp_packet(silent, arrival_time_ms=0)
        assert (heard, handled) == ([12], [1, 2])  # a packet without the extension is still handled
    finally:
        await pc.close()


async def test_the_remb_clamp_lowers_the_estimators_report_and_leaves_other_rtcp_alone():
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("video", direction="recvonly").receiver
        sent = []

        async def send_rtcp(packet):
            sent.append(packet)

        receiver._send_rtcp = send_rtcp
        internals.clamp_remb(receiver, lambda: 100_000)
        await receiver._send_rtcp(
            RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=1, media_ssrc=0, fci=pack_remb_fci(2_000_000, [7]))
        )
        await receiver._send_rtcp(
            RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=1, media_ssrc=0, fci=pack_remb_fci(50_000, [7]))
        )
        await receiver._send_rtcp(RtcpPsfbPacket(fmt=RTCP_PSFB_PLI, ssrc=1, media_ssrc=7))
        assert [unpack_remb_fci(p.fci) for p in sent[:2]] == [(100_000, [7]), (50_000, [7])]
        assert sent[2].fmt == RTCP_PSFB_PLI
        # Nothing received yet: no stream to tell.
        assert internals.send_remb(receiver, 100_000) is False
        await asyncio.sleep(0)
    finally:
        await pc.close()

"""The contract with aiortc's internals (media_rtc/aiortc_internals.py): every private name we use,
with the shape we rely on. If an aiortc upgrade breaks one, these fail before anything forwards
garbage or silently decodes again."""

from __future__ import annotations

import asyncio
import fractions
import inspect
import queue
import re

import aioice.ice
import aiortc
import aiortc.clock
import av
import pytest
from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, rtcrtpreceiver
from aiortc.codecs import vpx
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from av.frame import Frame

from media_rtc import aiortc_internals as internals


def test_aiortc_is_the_version_the_internals_were_checked_against():
    assert aiortc.__version__ == internals.AIORTC_VERSION


def test_check_aiortc_version_refuses_another_version(monkeypatch):
    monkeypatch.setattr(aiortc, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match=r"9\.9\.9"):
        internals.check_aiortc_version()


async def test_receiver_keeps_its_decoder_queue_under_the_name_we_replace():
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("video", direction="recvonly").receiver
        assert isinstance(getattr(receiver, internals.DECODER_QUEUE_ATTRIBUTE), queue.Queue)
    finally:
        await pc.close()


def test_receiver_hands_complete_frames_to_the_decoder_queue_as_codec_and_frame():
    source = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    assert "self.__decoder_queue.put((codec, encoded_frame))" in source
    assert "encoded_frame.timestamp = self.__timestamp_mapper.map(" in source


def test_decoder_thread_reads_the_queue_with_get_and_stops_on_none():
    parameters = list(inspect.signature(rtcrtpreceiver.decoder_worker).parameters)
    assert parameters == ["loop", "input_q", "output_q", "decode_error"]
    source = inspect.getsource(rtcrtpreceiver.decoder_worker)
    assert "task = input_q.get()" in source
    assert "if task is None:" in source
    assert "self.__decoder_queue.put(None)" in inspect.getsource(RTCRtpReceiver)


def test_receiver_can_send_a_picture_loss_indication():
    assert inspect.iscoroutinefunction(RTCRtpReceiver._send_rtcp_pli)
    assert list(inspect.signature(RTCRtpReceiver._send_rtcp_pli).parameters) == ["self", "media_ssrc"]
    assert hasattr(RTCRtpReceiver, "getSynchronizationSources")


def test_sender_routes_pli_and_fir_through_send_keyframe():
    assert "self._send_keyframe()" in inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert list(inspect.signature(RTCRtpSender._send_keyframe).parameters) == ["self"]


def test_sender_packs_packets_instead_of_encoding_them():
    source = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert "self.__encoder.pack(data)" in source
    assert "isinstance(data, Frame)" in source
    assert callable(Vp8Encoder.pack) and callable(OpusEncoder.pack)


def test_aioice_picks_host_addresses_through_the_function_we_replace():
    assert list(inspect.signature(aioice.ice.get_host_addresses).parameters) == ["use_ipv4", "use_ipv6"]
    assert "get_host_addresses(" in inspect.getsource(aioice.ice.Connection.gather_candidates)


def test_restrict_host_addresses_offers_only_the_given_addresses():
    try:
        internals.restrict_host_addresses(["127.0.0.1", "::1"])
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == ["127.0.0.1", "::1"]
    finally:
        internals.restrict_host_addresses(["127.0.0.1"])


async def test_tap_takes_frames_and_lets_the_decoder_thread_finish():
    frames = []
    tap = internals.EncodedFrameTap(lambda codec, frame: frames.append((codec, frame)))
    tap.put(("vp8", "frame"))
    waiting = asyncio.get_running_loop().run_in_executor(None, tap.get)
    tap.put(None)
    assert await asyncio.wait_for(waiting, 5) is None
    assert frames == [("vp8", "frame")]


def test_tap_survives_a_failing_sink():
    def broken(codec, frame):
        raise ValueError("bug in fan-out")

    internals.EncodedFrameTap(broken).put(("vp8", "frame"))  # logged, not raised


async def test_route_keyframe_requests_replaces_the_senders_keyframe_hook():
    pc = RTCPeerConnection()
    try:
        sender = pc.addTransceiver("video", direction="sendonly").sender
        calls = []
        internals.route_keyframe_requests(sender, lambda: calls.append("pli"))
        sender._send_keyframe()
        assert calls == ["pli"]
    finally:
        await pc.close()


def test_pack_reads_only_bytes_pts_and_time_base():
    for encoder in (Vp8Encoder, OpusEncoder):
        source = inspect.getsource(encoder.pack)
        assert "bytes(packet)" in source
        assert set(re.findall(r"packet\.(\w+)", source)) <= {"pts", "time_base"}


@pytest.mark.parametrize(
    ("encoder", "clock_rate", "size"),
    [(Vp8Encoder, 90_000, 3000), (OpusEncoder, 48_000, 120)],
)
def test_packed_frame_packs_exactly_like_an_av_packet(encoder, clock_rate, size):
    data = bytes(range(256)) * (size // 256 + 1)
    time_base = fractions.Fraction(1, clock_rate)
    packet = av.Packet(data)
    packet.pts, packet.time_base = 6000, time_base
    frame = internals.PackedFrame(data, 6000, time_base)
    assert bytes(frame) is data  # shared by every viewer, never copied
    first, second = encoder(), encoder()
    if hasattr(second, "picture_id"):
        second.picture_id = first.picture_id
    assert first.pack(packet) == second.pack(frame)
    assert not isinstance(frame, Frame)  # so the sender packs it instead of encoding it


def test_sender_creates_its_encoder_only_when_none_was_set_and_drops_it_when_done():
    fetch = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert "if self.__encoder is None:\n            self.__encoder = get_encoder(codec)" in fetch
    assert "payloads, timestamp = self.__encoder.pack(data)" in fetch
    assert "self.__encoder = None" in inspect.getsource(RTCRtpSender._run_rtp)
    assert 'hasattr(self.__encoder, "target_bitrate")' in inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert vpx.PACKET_MAX == 1300


async def test_pack_without_encoder_puts_the_packer_where_the_sender_looks():
    pc = RTCPeerConnection()
    try:
        sender = pc.addTransceiver("video", direction="sendonly").sender
        packer = internals.pack_without_encoder(sender, "video")
        assert getattr(sender, internals.SENDER_ENCODER_ATTRIBUTE) is packer
        assert not hasattr(packer, "target_bitrate")  # viewers' REMB cannot reach a forwarded stream
        with pytest.raises(RuntimeError):
            internals.pack_without_encoder(sender, "video")
    finally:
        await pc.close()


class _Shared:
    chunks = None


@pytest.mark.parametrize("size", [1, 1296, 1297, 4000])
def test_forwarding_packer_makes_exactly_aiortcs_vp8_packets_and_shares_the_split(size):
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    time_base = fractions.Fraction(1, 90_000)
    shared = _Shared()
    ours, theirs = internals.ForwardingPacker("video"), Vp8Encoder()
    for picture_id in (5, 200, 32767):
        ours.picture_id = theirs.picture_id = picture_id
        packet = av.Packet(data)
        packet.pts, packet.time_base = 9000, time_base
        assert ours.pack(internals.PackedFrame(data, 9000, time_base, shared)) == theirs.pack(packet)
        assert ours.picture_id == theirs.picture_id
        assert all(
            len(payload) <= vpx.PACKET_MAX
            for payload in ours.pack(internals.PackedFrame(data, 0, time_base, shared))[0]
        )
    assert b"".join(shared.chunks) == data
    second_viewer = internals.ForwardingPacker("video")
    payloads, _ = second_viewer.pack(internals.PackedFrame(data, 0, time_base, shared))
    assert b"".join(vpx.vp8_depayload(p) for p in payloads) == data


def test_forwarding_packer_makes_exactly_aiortcs_opus_packets():
    data = bytes(range(80))
    packet = av.Packet(data)
    packet.pts, packet.time_base = 1920, fractions.Fraction(1, 48_000)
    frame = internals.PackedFrame(data, 1920, fractions.Fraction(1, 48_000))
    assert internals.ForwardingPacker("audio").pack(frame) == OpusEncoder().pack(packet)


def test_senders_read_the_ntp_clock_through_the_module_we_speed_up():
    assert "clock.current_ntp_time()" in inspect.getsource(RTCRtpSender._run_rtp)
    internals.speed_up_ntp_clock()
    assert aiortc.clock.current_ntp_time is internals._current_ntp_time
    # aiortc's own definition: the same NTP time, computed through datetime.
    theirs = aiortc.clock.datetime_to_ntp(aiortc.clock.current_datetime())
    ours = aiortc.clock.current_ntp_time()
    assert abs(ours - theirs) < (1 << 32) // 100  # within 10 ms

"""The native fan-out (media_rtc/native/fanout.c) on real UDP sockets and real libsrtp sessions:
its packets are byte for byte what aiortc's sender writes, SRTP survives sequence-number rollover,
timestamps re-anchor like ForwardedTrack's, and a closed outlet sends nothing."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys

import pytest
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket
from pylibsrtp import Policy, Session

from media_rtc import native
from media_rtc.aiortc_internals import (
    ABS_SEND_TIME_URI,
    MID_URI,
    SRTP_PROTECT_SIGNATURE,
    header_extensions_block,
    rtp_packet,
    split_vp8,
    srtp_context,
    srtp_protect_signature,
    vp8_descriptor,
)

fanout = native.load()
pytestmark = pytest.mark.skipif(fanout is None, reason=native.description())

KEY = bytes(range(30))  # AES_CM_128_HMAC_SHA1_80: 16 bytes of key, 14 of salt
PARAMETERS = RTCRtpParameters(
    headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=4, uri=MID_URI),
        RTCRtpHeaderExtensionParameters(id=2, uri=ABS_SEND_TIME_URI),
    ],
    muxId="1",
)
SSRC = 0x1234ABCD
VIDEO_PT = 97


def sessions() -> tuple[Session, Session]:
    """A sender's and a receiver's SRTP session sharing one key, set up as aiortc sets them up."""
    tx_policy = Policy(key=KEY, ssrc_type=Policy.SSRC_ANY_OUTBOUND)
    tx_policy.allow_repeat_tx = True
    tx_policy.window_size = 1024
    rx_policy = Policy(key=KEY, ssrc_type=Policy.SSRC_ANY_INBOUND)
    rx_policy.window_size = 1024
    return Session(tx_policy), Session(rx_policy)


@contextlib.contextmanager
def udp_link(*, receive_buffer: int = 4 << 20, send_buffer: int | None = None):
    """A sending and a receiving UDP socket on 127.0.0.1, closed afterwards."""
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind(("127.0.0.1", 0))
    receiver.bind(("127.0.0.1", 0))
    if send_buffer is not None:
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    receiver.settimeout(2)
    sender.setblocking(False)
    try:
        yield sender, receiver
    finally:
        sender.close()
        receiver.close()


@pytest.fixture
def link():
    """A sending and a receiving UDP socket on 127.0.0.1."""
    with udp_link() as pair:
        yield pair


def make_outlet(
    sender: socket.socket, receiver: socket.socket, tx: Session, *, video=True, seq=1000, **extra
):
    extensions, abs_send_time_at, _mid = header_extensions_block(PARAMETERS)
    options = {
        "fd": sender.fileno(),
        "host": "127.0.0.1",
        "port": receiver.getsockname()[1],
        "srtp": srtp_context(tx),
        "session": tx,
        "ssrc": SSRC,
        "payload_type": VIDEO_PT if video else 111,
        "video": video,
        "clock_rate": 90_000 if video else 48_000,
        "frame_step": 3000 if video else 960,
        "extensions": extensions,
        "abs_send_time_at": abs_send_time_at,
        "sequence_number": seq,
        "timestamp_origin": 5_000,
        "picture_id": 300,
    }
    options.update(extra)
    return fanout.Outlet(**options)


def receive(receiver: socket.socket, rx: Session, count: int) -> list[RtpPacket]:
    return [RtpPacket.parse(rx.unprotect(receiver.recv(2048))) for _ in range(count)]


KEYFRAME = b"\x10\x02\x00\x9d\x01\x2a" + bytes(range(256)) * 10  # 2,566 bytes: two VP8 packets
DELTA = b"\x11\x02\x00" + bytes(200)


def test_srtp_protect_prototype_matches_pylibsrtps_binding():
    assert srtp_protect_signature() == SRTP_PROTECT_SIGNATURE


def test_header_extensions_are_mid_then_abs_send_time_in_the_one_byte_form():
    # profile 0xBEDE, 2 words: id 4 len 1 "1", id 2 len 3 (abs-send-time), 2 bytes of padding
    assert header_extensions_block(PARAMETERS) == (
        bytes.fromhex("bede0002") + b"\x401\x22\x00\x00\x00\x00\x00",
        7,
        "1",
    )


def test_video_packets_are_byte_for_byte_what_aiortcs_sender_writes(link):
    sender, receiver = link
    tx, rx = sessions()
    outlet = make_outlet(sender, receiver, tx)
    chunks = split_vp8(KEYFRAME)
    assert fanout.send_frame([outlet], chunks, 90_000, True, 1, 0, 7) == 1
    extensions_map = HeaderExtensionsMap()
    extensions_map.configure(PARAMETERS)
    for index in range(2):
        data = rx.unprotect(receiver.recv(2048))
        expected = rtp_packet(
            payload_type=VIDEO_PT,
            sequence_number=1000 + index,
            timestamp=5_000,  # the first frame of a stretch starts the viewer's own timeline at 0
            ssrc=SSRC,
            marker=index == 1,
            payload=vp8_descriptor(index == 0, 300) + chunks[index],
            mid="1",
        )
        expected.extensions.abs_send_time = extensions_map.get(*_extension_fields(data)).abs_send_time
        assert data == expected.serialize(extensions_map)
    assert outlet.counters()["packets"] == 2
    assert outlet.counters()["octets"] == len(KEYFRAME) + 8
    assert (outlet.sequence_number, outlet.picture_id) == (1002, 301)
    assert outlet.lookup(1001) == (7, 1, 1, 5_000, 300, True)
    assert outlet.lookup(999) is None


def _extension_fields(data: bytes) -> tuple[int, bytes]:
    words = int.from_bytes(data[14:16], "big")
    return int.from_bytes(data[12:14], "big"), data[16 : 16 + 4 * words]


def test_srtp_keeps_working_over_more_than_65536_packets(link):
    """The sequence number wraps at 65,536; libsrtp's rollover counter carries on on both sides."""
    sender, receiver = link
    tx, rx = sessions()
    outlet = make_outlet(sender, receiver, tx, video=False, seq=65_000)
    received = []
    for n in range(70_000):
        fanout.send_frame([outlet], [b"opus" + n.to_bytes(4, "big")], n * 960, True, 1, 0, n + 1)
        if n % 200 == 199:
            received += [(p.sequence_number, p.payload) for p in receive(receiver, rx, 200)]
    assert len(received) == 70_000
    assert received[0] == (65_000, b"opus" + (0).to_bytes(4, "big"))
    assert received[536] == (0, b"opus" + (536).to_bytes(4, "big"))  # the first wrap
    assert received[-1] == ((65_000 + 69_999) % 65_536, b"opus" + (69_999).to_bytes(4, "big"))
    assert outlet.counters()["send_errors"] == 0


def test_a_new_generation_waits_for_a_keyframe_and_continues_the_timeline(link):
    sender, receiver = link
    tx, rx = sessions()
    outlet = make_outlet(sender, receiver, tx)
    fanout.send_frame([outlet], split_vp8(KEYFRAME), 1_000_000, True, 1, 0, 1)
    fanout.send_frame([outlet], [DELTA], 1_003_000, False, 1, 0, 2)
    # The publisher reconnected: its timestamps restart near 0; a delta frame is not forwarded.
    assert fanout.send_frame([outlet], [DELTA], 10, False, 1, 1, 3) == 0
    assert outlet.waiting_for_keyframe is True
    fanout.send_frame([outlet], split_vp8(KEYFRAME), 3_010, True, 1, 1, 4)
    timestamps = [p.timestamp - 5_000 for p in receive(receiver, rx, 5)]
    assert timestamps[:3] == [0, 0, 3000]
    # Continued at least one frame step after the last one, not back at 10.
    assert 6000 <= timestamps[3] == timestamps[4] < 6000 + 9000
    assert outlet.waiting_for_keyframe is False


def test_a_viewer_waiting_for_a_keyframe_gets_no_delta_frames(link):
    sender, receiver = link
    tx, _rx = sessions()
    outlet = make_outlet(sender, receiver, tx)
    assert fanout.send_frame([outlet], [DELTA], 3000, False, 1, 0, 1) == 0
    assert outlet.counters()["packets"] == 0


def test_a_closed_outlet_sends_nothing_and_releases_its_socket(link):
    sender, receiver = link
    tx, _rx = sessions()
    outlet = make_outlet(sender, receiver, tx)
    outlet.close()
    assert fanout.send_frame([outlet], split_vp8(KEYFRAME), 0, True, 1, 0, 1) == 0
    assert outlet.closed is True
    receiver.settimeout(0.2)
    with pytest.raises(TimeoutError):
        receiver.recv(2048)


def test_an_address_that_is_not_numeric_is_refused(link):
    sender, receiver = link
    tx, _rx = sessions()
    with pytest.raises(ValueError, match="not a numeric IPv4/IPv6 address"):
        make_outlet(sender, receiver, tx, host="viewer.example")


def test_send_frame_refuses_what_is_not_an_outlet_or_bytes(link):
    sender, receiver = link
    tx, _rx = sessions()
    outlet = make_outlet(sender, receiver, tx)
    with pytest.raises(TypeError, match="outlets must be Outlet objects"):
        fanout.send_frame([object()], [b"x"], 0, True, 1, 0, 1)
    with pytest.raises(TypeError, match="chunks must be bytes"):
        fanout.send_frame([outlet], ["x"], 0, True, 1, 0, 1)


def test_the_environment_switch_turns_the_native_path_off():
    code = "from media_rtc import native; print(native.load(), '|', native.description())"
    env = {**os.environ, native.ENVIRONMENT_SWITCH: "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert (
        out.stdout.strip() == "None | Python fan-out: the native one is turned off (RAKWON_NATIVE_FANOUT=0)"
    )

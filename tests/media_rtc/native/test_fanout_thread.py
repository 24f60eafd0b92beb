"""The native fan-out's sending thread (media_rtc/native): the event loop only queues a frame, one
worker thread sends it to every outlet in order; a worker far behind drops queued video and
restarts viewers at a keyframe; a viewer's SRTP context is never used by the loop and the worker
at once; outlets closed while their frames are in flight are simply skipped."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import os
import re
import socket
import threading
import time
from pathlib import Path

import pylibsrtp
import pytest
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtp import RtcpSenderInfo, RtcpSrPacket, RtpPacket

from media_rtc import native
from media_rtc.aiortc_internals import GuardedSrtpSession, split_vp8
from media_rtc.forwarding import KEYFRAME_REQUEST_INTERVAL, EncodedSource, ForwardedTrack

from .test_fanout import DELTA, KEYFRAME, SSRC, make_outlet, sessions, udp_link

fanout = native.load()
pytestmark = pytest.mark.skipif(fanout is None, reason=native.description())


@pytest.fixture
def link():
    """A sending and a receiving UDP socket on 127.0.0.1 (buffers for many viewers)."""
    with udp_link(receive_buffer=8 << 20, send_buffer=4 << 20) as pair:
        yield pair


def viewers(source: EncodedSource, link, tx, count: int, *, guard=None, video=True) -> list[ForwardedTrack]:
    """`count` native viewers of `source`, each with its own SSRC, all sending to one socket."""
    sender, receiver = link
    tracks = []
    for n in range(count):
        track = ForwardedTrack("video" if video else "audio")
        options = {"guard": guard} if guard is not None else {}
        track.use_outlet(make_outlet(sender, receiver, tx, ssrc=SSRC + n, video=video, **options))
        track.attach(source)
        tracks.append(track)
    return tracks


async def test_push_returns_before_the_frame_is_sent_to_every_viewer(link):
    tx, rx = sessions()
    source = EncodedSource("video")
    tracks = viewers(source, link, tx, 200)
    ticks = []
    asyncio.get_running_loop().call_soon(ticks.append, "loop ran")
    with tracks[0].outlet.guard:  # the first viewer's SRTP context is busy: its send waits
        source.push(KEYFRAME, 90_000)
        # The loop only queued the frame: the last viewer has not been sent a packet yet.
        assert tracks[-1].outlet.counters()["packets"] == 0
        await asyncio.sleep(0)
        assert ticks == ["loop ran"]
    assert native.drain() is True
    assert [track.outlet.counters()["packets"] for track in tracks] == [2] * 200
    received = sorted(RtpPacket.parse(rx.unprotect(link[1].recv(2048))).ssrc for _ in range(400))
    assert received == sorted([SSRC + n for n in range(200)] * 2)


def test_one_sending_thread_serves_every_source_of_the_process(link):
    tx, _rx = sessions()
    sources = [EncodedSource("audio") for _ in range(3)]
    for source in sources:
        viewers(source, link, tx, 2, video=False)
        source.push(b"opus", 960)
    assert native.drain() is True
    assert [t.name for t in threading.enumerate()].count(native.THREAD_NAME) == 1


def _until_taken() -> None:
    """Until the sending thread has taken every queued frame."""
    while native.sending_thread()._jobs:
        time.sleep(0.001)


async def test_a_sending_thread_far_behind_drops_queued_video_and_restarts_its_viewers(
    link, monkeypatch, caplog
):
    monkeypatch.setattr(native, "SEND_QUEUE_MAX_LAG", 0.05)
    requests = []
    source = EncodedSource("video", keyframe_requester=lambda: requests.append(1))
    guard = fanout.Guard()
    tx, _rx = sessions()
    (track,) = viewers(source, link, tx, 1, guard=guard)
    source.push(KEYFRAME, 0)
    assert native.drain() is True
    caplog.set_level(logging.INFO, logger="media_rtc.native")
    with guard:  # the viewer's SRTP context is busy (on this thread): the sending thread waits
        source.push(DELTA, 3000)
        _until_taken()  # by the sending thread, which now waits for the guard
        source.push(DELTA, 6000)
        time.sleep(0.1)
        source.push(DELTA, 9000)  # 6000 is too old: every queued video frame is dropped
        time.sleep(0.1)
        source.push(DELTA, 12000)  # and again, within the same episode
    assert native.drain() is True
    counters = track.outlet.counters()
    # The keyframe and the frame in flight were sent; after the drop, no delta frame reaches it.
    assert (counters["frames"], track.waiting_for_keyframe) == (2, True)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "live video: the native fan-out is over 0.1 s behind; dropped 1 queued frames, "
        "their viewers restart at the next keyframe"
    ]
    assert "live video: the native fan-out caught up (2 frames dropped)" in caplog.messages
    await asyncio.sleep(KEYFRAME_REQUEST_INTERVAL + 0.05)
    assert len(requests) == 2  # one when the viewer subscribed, one (rate-limited) after the drop
    source.push(KEYFRAME, 15000)
    assert native.drain() is True
    assert (track.outlet.counters()["frames"], track.waiting_for_keyframe) == (3, False)


class Wiretap:
    """Every datagram that reaches `receiver`, read on a thread of its own (no buffer overflows)."""

    def __init__(self, receiver: socket.socket) -> None:
        self.datagrams: list[bytes] = []
        self._receiver = receiver
        self._stop = threading.Event()
        receiver.settimeout(0.05)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                self.datagrams.append(self._receiver.recv(2048))
            except TimeoutError:
                continue
            except OSError:  # the test failed and closed the socket
                return

    def stop(self) -> list[bytes]:
        time.sleep(0.2)
        self._stop.set()
        self._thread.join()
        return self.datagrams


def protect_on_the_loop_while_sending(link, outlet_guard, *, frames: int = 300):
    """The sending thread sends `frames` video frames of 20 packets to a viewer while this
    thread (the loop's part) retransmits its latest packets and sends sender reports with the
    same srtp_t, as aiortc does for NACKs and RTCP. What each side's receiver made of it."""
    tx, rx = sessions()
    guarded = GuardedSrtpSession(tx, fanout.Guard())
    source = EncodedSource("video")
    (track,) = viewers(source, link, tx, 1, guard=outlet_guard(guarded))
    # Another viewer (another SRTP context, same key) after it shows how far the thread got,
    # without waiting for the first viewer's guard.
    pacer = ForwardedTrack("video")
    pacer.use_outlet(make_outlet(*link, sessions()[0], ssrc=SSRC + 1))
    pacer.attach(source)
    tap = Wiretap(link[1])
    frame = KEYFRAME[:6] + bytes(1296 * 20 - 6)
    retransmitted: list[bytes] = []
    reports: list[bytes] = []
    done: set[int] = set()
    for n in range(frames):
        source.push(frame, n * 3000)
        # Two frames in flight at a time; meanwhile, packets already sent go out again.
        while (counters := pacer.outlet.counters())["frames"] < n - 1:
            sent = counters["packets"]
            candidates = [s for s in range(max(0, sent - 20), sent) if s not in done]
            if not candidates:
                continue
            done.add(candidates[0])
            packet = RtpPacket(
                payload_type=97, sequence_number=1000 + candidates[0], ssrc=SSRC, payload=b"again"
            )
            retransmitted.append(guarded.protect(packet.serialize()))
            report = RtcpSrPacket(ssrc=SSRC, sender_info=RtcpSenderInfo(0, 0, len(reports), 0))
            reports.append(guarded.protect_rtcp(bytes(report)))
    assert native.drain(timeout=30) is True
    sent = tap.stop()
    failures = []
    payloads = []
    for datagram in sent:
        try:
            payloads.append(RtpPacket.parse(rx.unprotect(datagram)).payload)
        except pylibsrtp.Error as error:
            failures.append(str(error))
    # The loop's packets, unprotected by a receiver that never saw the originals.
    _tx, again = sessions()
    loop_failures = []
    for data in retransmitted:
        try:
            assert RtpPacket.parse(again.unprotect(data)).payload == b"again"
        except pylibsrtp.Error as error:
            loop_failures.append(str(error))
    for data in reports:
        try:
            again.unprotect_rtcp(data)
        except pylibsrtp.Error as error:
            loop_failures.append(str(error))
    expected = set(split_vp8(frame))
    corrupted = sum(payload[4:] not in expected for payload in payloads)
    sent_packets = track.outlet.counters()["packets"] + pacer.outlet.counters()["packets"]
    return sent_packets, len(payloads), corrupted, failures, loop_failures, len(retransmitted)


def kernel_drops(receiver: socket.socket) -> int:
    """Datagrams the kernel dropped for `receiver` (its receive buffer was full): /proc/net/udp."""
    inode = str(os.fstat(receiver.fileno()).st_ino)
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] == inode:
            return int(fields[-1])
    raise AssertionError("the receiving socket is not in /proc/net/udp")


def test_the_loop_and_the_sending_thread_never_use_a_viewers_srtp_context_at_once(link):
    sent, received, corrupted, failures, loop_failures, retransmitted = protect_on_the_loop_while_sending(
        link, lambda guarded: guarded.guard
    )
    assert (failures, loop_failures, corrupted) == ([], [], 0)
    # Every packet arrived and was checked, but for those the kernel dropped on a loaded machine
    # (loopback UDP, the wiretap's thread not keeping up): those are counted, not lost unseen.
    assert sent == 2 * 300 * 20
    assert received + kernel_drops(link[1]) == sent
    assert received > sent * 0.8
    assert retransmitted > 100


def _open_descriptors() -> int:
    native.drain()
    gc.collect()  # earlier tests' outlets
    return len(os.listdir("/proc/self/fd"))


async def test_viewers_closed_while_their_frames_are_in_flight_are_skipped(link, caplog):
    tx, _rx = sessions()
    before = _open_descriptors()
    for _round in range(30):
        source = EncodedSource("video")
        guard = fanout.Guard()  # one connection's audio and video share it; here 20 viewers do
        tracks = viewers(source, link, tx, 20, guard=guard)
        for n in range(5):
            source.push(KEYFRAME, n * 3000)
        for track in tracks[::2]:
            track.stop()  # closes its outlet, maybe while the sending thread is sending to it
        for track in tracks[1::2]:
            track.outlet.close()
        del tracks  # the last references to some outlets may be the queued frames'
    assert native.drain() is True
    assert _open_descriptors() == before
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_aiortc_uses_a_transports_outbound_srtp_session_only_to_protect():
    """GuardedSrtpSession guards what aiortc calls on `_tx_srtp`; anything else would go unguarded."""
    uses = re.findall(r"self\._tx_srtp\b[^\n]*", inspect.getsource(RTCDtlsTransport))
    assert uses == [
        "self._tx_srtp: Session = None",
        "self._tx_srtp = Session(tx_policy)",
        "self._tx_srtp.protect_rtcp(data)",
        "self._tx_srtp.protect(data)",
    ]


def test_a_guarded_session_waits_for_the_guard_without_holding_the_gil():
    tx, rx = sessions()
    guarded = GuardedSrtpSession(tx, fanout.Guard())
    packet = RtpPacket(payload_type=97, sequence_number=1, ssrc=SSRC, payload=b"x").serialize()
    protected = []
    with guarded.guard:
        waiting = threading.Thread(target=lambda: protected.append(guarded.protect(packet)))
        waiting.start()
        deadline = time.monotonic() + 0.1
        while time.monotonic() < deadline:  # Python runs here while the other thread waits...
            pass  # ...so it let the GIL go (else this would never end)
        assert protected == []
    waiting.join(timeout=5)
    assert rx.unprotect(protected[0]) == packet


def test_a_guard_taken_twice_by_one_thread_is_an_error_not_a_deadlock():
    guard = fanout.Guard()
    with guard, pytest.raises(RuntimeError):
        guard.__enter__()


def test_send_frames_sends_each_frame_in_order_in_one_call(link):
    tx, rx = sessions()
    audio = make_outlet(*link, tx, video=False)
    video = make_outlet(*link, tx, ssrc=SSRC + 1)
    frames = [
        ((audio,), [b"one"], 960, True, 1, 0, 1),
        ((audio, video), [b"two"], 1920, False, 1, 0, 2),  # a delta frame: the video outlet waits
        ((), [b"nobody"], 2880, True, 1, 0, 3),
    ]
    assert fanout.send_frames(frames) == [1, 1, 0]
    assert [RtpPacket.parse(rx.unprotect(link[1].recv(2048))).payload for _ in range(2)] == [b"one", b"two"]
    with pytest.raises(TypeError, match="outlets must be Outlet objects"):
        fanout.send_frames([((audio,), [b"x"], 0, True, 1, 0, 4), ((object(),), [b"x"], 0, True, 1, 0, 5)])


def test_the_sending_thread_sends_what_was_queued_meanwhile_in_one_batch(link, monkeypatch):
    sending = native.sending_thread()
    batches: list[int] = []
    send_frames = sending._send_frames
    monkeypatch.setattr(
        sending, "_send_frames", lambda frames: batches.append(len(frames)) or send_frames(frames)
    )
    tx, _rx = sessions()
    busy, other = EncodedSource("audio"), EncodedSource("audio")
    guard = fanout.Guard()
    viewers(busy, link, tx, 1, guard=guard, video=False)
    viewers(other, link, tx, 1, video=False)
    with guard:
        busy.push(b"opus", 960)
        _until_taken()  # by the sending thread, which now waits for the guard
        for n in range(10):
            other.push(b"opus", 960 * (n + 1))
    assert native.drain() is True
    assert batches == [1, 10]

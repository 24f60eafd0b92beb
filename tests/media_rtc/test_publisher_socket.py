"""A publisher's upstream survives a busy server (issue 13: a stage's speakers vanished when ~100
viewers joined). asyncio reads one datagram per socket per loop turn; with many viewers joining,
the server's turns were slow, the publisher's socket (its RTP, and the STUN answers ICE consent
needs) overflowed, aiortc's jitter buffer stalled every viewer at 2-4 fps and consent expired.
The engine now reads all of a publisher's queued datagrams each time its socket is ready.

Real aiortc peers on 127.0.0.1; the datagrams of the burst are ignored junk (not STUN, not DTLS,
not RTP), counted where the engine's ICE connection receives them."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from media_rtc.engine import STAGE, MediaEngine, publisher_id

from .rtc_peers import publish

ROOM = "stage.socket"
SPEAKER = publisher_id("speaker", "camera")
BURST = 40


@pytest.fixture
async def engine():
    engine = MediaEngine(host_addresses=["127.0.0.1"])
    engine.peers = []
    yield engine
    await asyncio.gather(*(peer.close() for peer in engine.peers), return_exceptions=True)
    await engine.close()


async def _speaking(engine):
    peer = await publish(engine, ROOM, "speaker", label="camera", kind=STAGE)
    engine.peers.append(peer)
    publisher = engine._rooms[ROOM].publishers[SPEAKER]
    deadline = time.monotonic() + 10
    while publisher.video.frames_in < 3:
        assert time.monotonic() < deadline, "the speaker's video never reached the engine"
        await asyncio.sleep(0.05)
    (protocol,) = publisher.pc.getTransceivers()[0].receiver.transport.transport._connection._protocols
    return protocol


async def test_a_burst_to_the_publishers_socket_is_read_in_one_loop_turn_not_one_datagram_a_turn(engine):
    protocol = await _speaking(engine)
    received = []
    deliver = protocol.datagram_received

    def counted(data, addr):
        if data == b"\x00" * 8:
            received.append(data)
        deliver(data, addr)

    protocol.datagram_received = counted
    address = protocol.transport.get_extra_info("sockname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as burst:
        for _ in range(BURST):
            burst.sendto(b"\x00" * 8, address)
        # the loop is busy (this test holds it), as it was while 200 viewers negotiated
        for _ in range(3):
            await asyncio.sleep(0)
    assert len(received) == BURST


async def test_the_speaker_keeps_being_received_after_the_burst(engine):
    protocol = await _speaking(engine)
    publisher = engine._rooms[ROOM].publishers[SPEAKER]
    address = protocol.transport.get_extra_info("sockname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as burst:
        for _ in range(BURST):
            burst.sendto(b"\x00" * 8, address)
    before = publisher.video.frames_in
    deadline = time.monotonic() + 10
    while publisher.video.frames_in < before + 5:
        assert time.monotonic() < deadline, "the speaker's video stopped after the burst"
        await asyncio.sleep(0.05)
    assert engine._rooms[ROOM].publishers[SPEAKER] is publisher

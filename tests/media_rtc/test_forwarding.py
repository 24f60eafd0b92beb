"""Fan-out without a network: keyframe gating, timestamp continuity, slow viewers, keyframe requests."""

from __future__ import annotations

import asyncio

import pytest
from aiortc.mediastreams import MediaStreamError

from media_rtc import forwarding
from media_rtc.forwarding import EncodedSource, ForwardedTrack, is_vp8_keyframe
from media_rtc.pattern_source import PatternEncoder

KEY = b"\x10\x02\x00\x9d\x01\x2a" + b"k" * 10
DELTA = b"\x11\x02\x00" + b"d" * 10


def test_is_vp8_keyframe_reads_the_frame_tag():
    assert is_vp8_keyframe(KEY)
    assert not is_vp8_keyframe(DELTA)
    assert not is_vp8_keyframe(b"")
    assert not is_vp8_keyframe(b"\x10\x02\x00\x00\x00\x00")  # no start code


def test_is_vp8_keyframe_agrees_with_libvpx():
    encoder = PatternEncoder(width=160, height=96)
    packets = [packet for _ in range(4) for packet in encoder.next_video()]
    assert [is_vp8_keyframe(bytes(p)) for p in packets] == [p.is_keyframe for p in packets]
    assert packets[0].is_keyframe and not packets[-1].is_keyframe


async def test_video_viewer_starts_at_a_keyframe():
    source = EncodedSource("video")
    track = ForwardedTrack("video")
    track.attach(source)
    source.push(DELTA, 0)
    source.push(KEY, 3000)
    source.push(DELTA, 6000)
    first, second = await track.recv(), await track.recv()
    assert (bytes(first), first.pts) == (KEY, 0)
    assert (bytes(second), second.pts) == (DELTA, 3000)


async def test_audio_viewer_takes_every_frame():
    source = EncodedSource("audio")
    track = ForwardedTrack("audio")
    track.attach(source)
    source.push(b"opus-1", 48_000)
    source.push(b"opus-2", 48_960)
    assert [(bytes(p), p.pts) for p in [await track.recv(), await track.recv()]] == [
        (b"opus-1", 0),
        (b"opus-2", 960),
    ]


async def test_switching_source_keeps_the_viewers_timestamps_increasing():
    standard, low = EncodedSource("video"), EncodedSource("video")
    track = ForwardedTrack("video")
    track.attach(standard)
    standard.push(KEY, 900_000)
    standard.push(DELTA, 903_000)
    track.attach(low)
    standard.push(DELTA, 906_000)  # no longer subscribed
    low.push(DELTA, 10)  # must wait for a keyframe of the new source
    low.push(KEY, 20)
    low.push(DELTA, 3020)
    pts = [(await track.recv()).pts for _ in range(4)]
    assert pts[:2] == [0, 3000]
    assert pts[2] >= 6000
    assert pts[3] == pts[2] + 3000
    assert standard.subscriber_count == 0 and low.subscriber_count == 1


async def test_new_generation_re_anchors_at_the_next_keyframe():
    source = EncodedSource("video")
    track = ForwardedTrack("video")
    track.attach(source)
    source.push(KEY, 500_000)
    source.new_generation()  # publisher reconnected: its timestamps restart from 0
    source.push(DELTA, 0)
    source.push(KEY, 3000)
    first, second = await track.recv(), await track.recv()
    assert (bytes(second), second.pts > first.pts) == (KEY, True)


async def test_slow_viewer_is_cut_back_to_the_next_keyframe_instead_of_queueing(monkeypatch):
    requests = []
    source = EncodedSource("video", keyframe_requester=lambda: requests.append(1))
    track = ForwardedTrack("video", max_queued=3)
    track.attach(source)
    source.push(KEY, 0)
    for n in range(1, 6):
        source.push(DELTA, n * 3000)
    assert len(track._queue) <= 3
    assert track.waiting_for_keyframe
    assert track.frames_dropped == 3
    source.push(KEY, 18_000)
    assert [bytes(p) for p in [await track.recv()]] == [KEY]


async def test_keyframe_requests_are_rate_limited_but_not_lost(monkeypatch):
    monkeypatch.setattr(forwarding, "KEYFRAME_REQUEST_INTERVAL", 0.05)
    requests = []
    source = EncodedSource("video", keyframe_requester=lambda: requests.append(1))
    for _ in range(5):
        source.subscribe(ForwardedTrack("video"))
    assert len(requests) == 1  # five joins at once: one request now...
    await asyncio.sleep(0.2)
    assert len(requests) == 2  # ...and one more for the others once the interval has passed
    source.close()


async def test_keyframe_request_is_repeated_while_a_viewer_still_waits(monkeypatch):
    monkeypatch.setattr(forwarding, "KEYFRAME_RETRY_AFTER", 0.05)
    requests = []
    source = EncodedSource("video", keyframe_requester=lambda: requests.append(1))
    ForwardedTrack("video").attach(source)
    await asyncio.sleep(0.4)
    assert len(requests) >= 2  # the PLI was "lost": asked again
    source.push(KEY, 0)
    settled = len(requests)
    await asyncio.sleep(0.4)
    assert len(requests) <= settled + 1  # nobody waits any more: no further requests
    source.close()


async def test_audio_sources_never_request_keyframes():
    requests = []
    source = EncodedSource("audio", keyframe_requester=lambda: requests.append(1))
    source.subscribe(ForwardedTrack("audio"))
    source.request_keyframe()
    assert requests == []


async def test_detached_track_waits_and_stopping_ends_it():
    source = EncodedSource("video")
    track = ForwardedTrack("video")
    track.attach(source)
    track.attach(None)  # audio-only tier: nothing to forward
    source.push(KEY, 0)
    receiving = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0.05)
    assert not receiving.done()
    track.stop()
    with pytest.raises(MediaStreamError):
        await asyncio.wait_for(receiving, 5)
    assert source.subscriber_count == 0


async def test_subscriber_count_changes_are_reported():
    counts = []
    source = EncodedSource("video", on_subscribers_changed=counts.append)
    track = ForwardedTrack("video")
    track.attach(source)
    track.attach(None)
    assert counts == [1, 0]


async def test_closed_source_forwards_nothing():
    source = EncodedSource("audio")
    track = ForwardedTrack("audio")
    track.attach(source)
    source.close()
    source.push(b"opus", 0)
    assert len(track._queue) == 0

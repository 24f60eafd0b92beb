"""A conference of many sites (media_rtc/conference_media.py), measured on loopback.

    .venv/bin/python bench/conference.py [--sites 37] [--seconds 30] [--timeout 240]

Three kinds of process, so the server's CPU is counted alone: the server (a MediaEngine, JSON-line
signalling over TCP on 127.0.0.1), one process of synthetic publishers (aiortc peers) and a few
of seats (aiortc peers). Loopback only; everything is started and stopped here; the whole run is
bounded by --timeout. The last line printed is one JSON object.

The publishers are aiortc peers that send pre-encoded VP8 (two 320x180 15 fps sequences, made once
with PyAV at the idle and the active rate; each publisher sends the one its latest REMB allows, as
an encoder following REMB would, and a keyframe when asked: PLI) and Opus (a tone at 16 kbit/s,
20 ms), each packet's RFC 6464 level from a script: 3 sites speak in turns, the others are silent.
Every frame ends with a tag (publisher, send time) the seats read; seats do not decode (the tests
do: tests/media_rtc/test_conference_media.py), they count what arrives, per track, on the wire.

- seat_kbps_p95: each video seat's received bitrate over the measured window (SRTP + RTCP with UDP
  and IPv4 headers), the 95th percentile over seats (goal <= 1,000).
- audio_only_seat_kbps: the same for the audio-only seat (goal <= 48).
- speaker_switch_ms_p95: from a speaker's first loud packet (when it was not in the grid) until a
  seat receives its video, over every seat and switch (goal <= 1,000).
- conference_server_cores: the server process's CPU (user + system) / wall time over the window.
- stage_viewers_per_core: a stage (2 speakers, 200 kbit/s VP8 + Opus each; every viewer watches
  both, one connection each), server cores per added viewer between --stage-viewers counts
  (default 20 and 60; `--stage-viewers 100 200` for the stage of 200), as bench/media.py's
  marginal figure: viewers_per_core = 1 / slope. stage_fps_min / _median: each connection's
  video frame rate at each count (the speakers send 15 fps); stage_client_cores_per_viewer: the
  viewer processes' CPU per viewer. The stage viewers are light (bench/media_peers.py: frames
  counted from SRTP's clear headers, a sample unprotected: stage_srtp_verified, and
  stage_srtp_failures, which must be 0) unless --full-viewers (aiortc's whole receive path, about
  0.006 cores per connection: 200 of them, 400 connections, do not fit beside the server).
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import json
import logging
import math
import os
import resource
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import MediaStreamTrack  # noqa: E402
from aiortc.rtp import RTCP_PSFB_APP, RtcpPsfbPacket, unpack_remb_fci  # noqa: E402

from media_rtc import aiortc_internals as internals  # noqa: E402
from media_rtc.conference_media import ConferenceLimits  # noqa: E402
from media_rtc.engine import CONFERENCE, STAGE, MediaEngine, publisher_id  # noqa: E402
from media_rtc.pattern_source import draw_frame  # noqa: E402

ROOM = "conference.bench"
STAGE_ROOM = "stage.1"
TAG = b"RKWN"
TAG_BYTES = len(TAG) + 2 + 8
VIDEO_BASE = fractions.Fraction(1, 90_000)
AUDIO_BASE = fractions.Fraction(1, 48_000)
FPS = 15
LIMITS = ConferenceLimits()  # the defaults the settings ship with
UDP_IPV4 = 28


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


class LoopLag:
    """How late this process's event loop wakes up (the worst since the last `take`)."""

    def __init__(self, step: float = 0.05) -> None:
        self.step = step
        self.worst = 0.0
        asyncio.get_running_loop().create_task(self._probe())

    async def _probe(self) -> None:
        while True:
            due = time.monotonic() + self.step
            await asyncio.sleep(self.step)
            self.worst = max(self.worst, time.monotonic() - due)

    def take(self) -> float:
        worst, self.worst = self.worst, 0.0
        return round(worst, 3)


def udp_drops(pid: int) -> int:
    """Datagrams the kernel dropped on `pid`'s UDP sockets (a full SO_RCVBUF), from /proc/net/udp."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        lines = Path("/proc/net/udp").read_text().splitlines()[1:]
    except OSError:
        return 0
    return sum(int(fields[12]) for fields in map(str.split, lines) if fields[9] in inodes)


def udp_drops_by_port(pid: int) -> dict[int, int]:
    """The same, per local port, only the sockets that dropped any."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out = {}
    for fields in map(str.split, Path("/proc/net/udp").read_text().splitlines()[1:]):
        if fields[9] in inodes and int(fields[12]):
            out[int(fields[1].split(":")[1], 16)] = int(fields[12])
    return out


def local_port(pc: RTCPeerConnection) -> int | None:
    connection = pc.getTransceivers()[0].receiver.transport.transport.iceGatherer._connection
    for protocol in connection._protocols:
        return protocol.transport.get_extra_info("sockname")[1]
    return None


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- The server --------------------------------------------------------------------------------


async def serve() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="server %(name)s: %(message)s")
    logging.getLogger("media_rtc").setLevel(logging.INFO)
    ice = logging.getLogger("aioice")
    ice.setLevel(logging.INFO)  # only consent expiring and checks failing: the rest is per pair
    ice.addFilter(lambda record: "Consent" in record.getMessage() or "FAILED" in record.getMessage())
    engine = MediaEngine(host_addresses=["127.0.0.1"], conference=LIMITS)
    lag = LoopLag()
    plis: dict[str, int] = {}

    def count_plis(member: str) -> None:
        publisher = engine._rooms[STAGE_ROOM].publishers[publisher_id(member, "camera")]
        ask = publisher.video.keyframe_requester
        plis[member] = 0

        def counted() -> None:
            plis[member] += 1
            ask()

        publisher.video.keyframe_requester = counted
        pc = publisher.pc

        @pc.on("connectionstatechange")
        def changed() -> None:
            log(f"server: {member}'s connection {pc.connectionState} at {time.time():.2f}")

    async def every_two_seconds() -> None:
        watch_lag = LoopLag()
        while True:
            await asyncio.sleep(2)
            room = engine._rooms.get(STAGE_ROOM)
            if room is None:
                continue
            drops = udp_drops_by_port(os.getpid())
            figures = []
            for p in room.publishers.values():
                dtls = p.pc.getTransceivers()[0].receiver.transport
                port = local_port(p.pc)
                figures.append(
                    f"{p.member}: {p.video.frames_in} frames in, "
                    f"{dtls._RTCDtlsTransport__rx_packets} packets, {drops.get(port, 0)} dropped"
                )
            log(f"server: {len(room.viewers)} viewers, lag {watch_lag.take()} s; " + "; ".join(figures))

    asyncio.get_running_loop().create_task(every_two_seconds())

    def stage_upstream() -> dict:
        room = engine._rooms.get(STAGE_ROOM)
        if room is None:
            return {}
        return {
            p.member: {
                "frames_in": p.video.frames_in,
                "plis": plis.get(p.member, 0),
                "port": local_port(p.pc),
            }
            for p in room.publishers.values()
        }

    async def handle(reader, writer):
        while line := await reader.readline():
            request = json.loads(line)
            op = request["op"]
            if op == "publish":
                answer = await engine.publish(
                    ROOM, request["member"], request["offer"], kind=CONFERENCE, label="camera"
                )
                reply = {"answer": answer}
            elif op == "stage_publish":
                answer = await engine.publish(
                    STAGE_ROOM, request["member"], request["offer"], kind=STAGE, label="camera"
                )
                count_plis(request["member"])
                reply = {"answer": answer}
            elif op == "watch":
                answer = await engine.watch(
                    STAGE_ROOM, request["member"], request["publisher"], request["offer"]
                )
                reply = {"answer": answer}
            elif op == "seat":
                answer = await engine.take_seat(
                    ROOM, request["member"], request["offer"], audio_only=request["audio_only"]
                )
                reply = {"answer": answer}
            elif op == "cpu":
                reply = {
                    "cpu": cpu_seconds(),
                    "at": time.monotonic(),
                    "lag": lag.take(),
                    "stage": stage_upstream(),
                }
            elif op == "state":
                reply = engine.conference_state(ROOM) or {}
            else:
                reply = {"error": op}
            writer.write((json.dumps(reply) + "\n").encode())
            await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


class Signalling:
    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = asyncio.Lock()

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def ask(self, **request) -> dict:
        async with self.lock:
            self.writer.write((json.dumps(request) + "\n").encode())
            await self.writer.drain()
            return json.loads(await self.reader.readline())


def new_pc() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))


async def gathered(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp


# --- The publishers ----------------------------------------------------------------------------


def encode_sequence(kbps: int, frames: int) -> list[tuple[bytes, bool]]:
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = 320, 180, "yuv420p"
    encoder.time_base = fractions.Fraction(1, FPS)
    encoder.bit_rate = kbps * 1000
    encoder.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "end-usage": "cbr"}
    encoder.gop_size = 10_000
    out = []
    for index in range(frames):
        frame = draw_frame(320, 180, index, noise_rows=0.15)
        frame.pts = index
        for packet in encoder.encode(frame):
            out.append((bytes(packet), bool(packet.is_keyframe)))
    return out


def encode_keyframe(kbps: int) -> bytes:
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = 320, 180, "yuv420p"
    encoder.time_base = fractions.Fraction(1, FPS)
    encoder.bit_rate = kbps * 1000
    encoder.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    frame = draw_frame(320, 180, 0)
    frame.pts = 0
    return next(bytes(p) for p in encoder.encode(frame) if p.is_keyframe)


def encode_opus(loud: bool, count: int) -> list[bytes]:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.bit_rate, encoder.format, encoder.layout, encoder.sample_rate = 16_000, "s16", "mono", 48_000
    encoder.time_base = AUDIO_BASE
    out = []
    for index in range(count):
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        amplitude = 6000 if loud else 0
        samples = b"".join(
            struct.pack("<h", int(amplitude * math.sin(2 * math.pi * 300 * (n + index * 960) / 48_000)))
            for n in range(960)
        )
        frame.planes[0].update(samples)
        frame.sample_rate, frame.pts, frame.time_base = 48_000, index * 960, AUDIO_BASE
        out.extend(bytes(p) for p in encoder.encode(frame))
    return out


class PackedTrack(MediaStreamTrack):
    """Hands the sender pre-encoded frames at their own pace."""

    def __init__(self, kind: str, next_frame) -> None:
        super().__init__()
        self.kind = kind
        self._next = next_frame
        self._start = None
        self.index = 0

    async def recv(self):
        if self._start is None:
            self._start = time.monotonic()
        step = 1 / FPS if self.kind == "video" else 0.02
        wait = self._start + self.index * step - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        data, pts = self._next(self.index)
        self.index += 1
        return internals.PackedFrame(data, pts, VIDEO_BASE if self.kind == "video" else AUDIO_BASE)


class Site:
    def __init__(self, number: int, media: dict) -> None:
        self.number = number
        self.level = 127
        self.cap_bps = LIMITS.idle_kbps * 1000
        self.want_keyframe = True
        self.keyframes_asked = self.keyframes_sent = self.frames_sent = 0
        self.remb_low = None
        self.media = media
        self.pc = new_pc()
        video = self.pc.addTransceiver(PackedTrack("video", self.video_frame), direction="sendonly")
        audio = self.pc.addTransceiver(PackedTrack("audio", self.audio_frame), direction="sendonly")
        internals.pack_without_encoder(video.sender, "video")
        internals.pack_without_encoder(audio.sender, "audio")
        internals.route_keyframe_requests(video.sender, self.keyframe_asked)
        handle = video.sender._handle_rtcp_packet

        async def on_rtcp(packet):
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
                self.cap_bps = unpack_remb_fci(packet.fci)[0]
                self.remb_low = self.cap_bps if self.remb_low is None else min(self.remb_low, self.cap_bps)
            await handle(packet)

        video.sender._handle_rtcp_packet = on_rtcp
        next_audio = audio.sender._next_encoded_frame

        async def with_level(codec):
            encoded = await next_audio(codec)
            if encoded is not None:
                encoded.audio_level = -self.level  # dBov; aiortc writes its magnitude
            return encoded

        audio.sender._next_encoded_frame = with_level

    def keyframe_asked(self) -> None:
        self.keyframes_asked += 1
        self.want_keyframe = True

    def video_frame(self, index: int):
        rate = "active" if self.cap_bps >= LIMITS.active_kbps * 1000 else "idle"
        self.frames_sent += 1
        if self.want_keyframe:
            self.want_keyframe = False
            self.keyframes_sent += 1
            data = self.media["key_" + rate]
        else:
            sequence = self.media[rate]
            data = sequence[index % len(sequence)][0]
        tag = TAG + struct.pack("!Hd", self.number, time.time())
        return data + tag, index * (90_000 // FPS)

    def audio_frame(self, index: int):
        packets = self.media["loud" if self.level < 60 else "quiet"]
        return packets[index % len(packets)], index * 960


async def publishers(port: int, sites: int, script: list) -> None:
    log("encoding the publishers' media once")
    media = {
        "idle": [f for f in encode_sequence(LIMITS.idle_kbps, 90) if not f[1]],
        "active": [f for f in encode_sequence(LIMITS.active_kbps, 90) if not f[1]],
        "key_idle": encode_keyframe(LIMITS.idle_kbps),
        "key_active": encode_keyframe(LIMITS.active_kbps),
        "loud": encode_opus(True, 50),
        "quiet": encode_opus(False, 50),
    }
    signalling = Signalling(port)
    await signalling.connect()
    all_sites = []
    for number in range(sites):
        site = Site(number, media)
        reply = await signalling.ask(op="publish", member=f"site{number}", offer=await gathered(site.pc))
        await site.pc.setRemoteDescription(RTCSessionDescription(sdp=reply["answer"], type="answer"))
        all_sites.append(site)
    print("PUBLISHING", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "GO <start time>"
    start = float(line.split()[1])
    loud_at = []
    for speaker, begins, ends in script:
        await asyncio.sleep(max(0.0, start + begins - time.time()))
        all_sites[speaker].level = 15
        loud_at.append((speaker, time.time()))
        await asyncio.sleep(max(0.0, start + ends - time.time()))
        all_sites[speaker].level = 127
    print("LOUD " + json.dumps(loud_at), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def stage_speakers(port: int) -> None:
    media = {
        "idle": [f for f in encode_sequence(LIMITS.active_kbps, 90) if not f[1]],
        "active": [f for f in encode_sequence(LIMITS.active_kbps, 90) if not f[1]],
        "key_idle": encode_keyframe(LIMITS.active_kbps),
        "key_active": encode_keyframe(LIMITS.active_kbps),
        "loud": encode_opus(True, 50),
        "quiet": encode_opus(True, 50),
    }
    signalling = Signalling(port)
    await signalling.connect()
    speakers = []
    for number in range(2):
        speaker = Site(number, media)
        speaker.level = 20
        reply = await signalling.ask(
            op="stage_publish", member=f"speaker{number}", offer=await gathered(speaker.pc)
        )
        await speaker.pc.setRemoteDescription(RTCSessionDescription(sdp=reply["answer"], type="answer"))
        speakers.append(speaker)

        @speaker.pc.on("connectionstatechange")
        def changed(speaker=speaker) -> None:
            log(f"speaker{speaker.number}: connection {speaker.pc.connectionState} at {time.time():.2f}")

    print("PUBLISHING", flush=True)
    lag = LoopLag()

    async def every_two_seconds() -> None:
        cpu, at = cpu_seconds(), time.monotonic()
        while True:
            await asyncio.sleep(2)
            now_cpu, now = cpu_seconds(), time.monotonic()
            figures = [
                f"speaker{s.number}: {s.frames_sent} frames, {s.keyframes_asked} PLIs, "
                f"{s.keyframes_sent} keyframes, REMB {s.cap_bps} (lowest {s.remb_low})"
                for s in speakers
            ]
            cores = (now_cpu - cpu) / (now - at)
            log(f"speakers: {cores:.2f} cores, lag {lag.take()} s; " + "; ".join(figures))
            cpu, at = now_cpu, now

    asyncio.get_running_loop().create_task(every_two_seconds())
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def stage_viewers(port: int, members: list[str], full: bool) -> None:
    """Each viewer watches both speakers (one connection each, as the stage's page does).

    Light by default (bench/media_peers.py's viewers: frames counted from SRTP's clear headers, a
    sample unprotected); `full`: aiortc's whole receive path for every packet, as before. On
    "REPORT" prints this process's CPU seconds and each connection's video frames and SRTP sample;
    any other line ends it."""
    signalling = Signalling(port)
    await signalling.connect()
    connections = []

    for member in members:
        for number in range(2):
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            watched = {"member": member, "speaker": number, "video": 0, "pc": pc, "counting": None}

            def deliver(codec, frame, watched=watched) -> None:
                if codec.mimeType.lower().startswith("video/"):
                    watched["video"] += 1

            for kind in ("audio", "video"):
                receiver = pc.addTransceiver(kind, direction="recvonly").receiver
                if full:
                    internals.tap_encoded_frames(receiver, deliver)
            publisher = publisher_id(f"speaker{number}", "camera")
            reply = await signalling.ask(
                op="watch", member=member, publisher=publisher, offer=await gathered(pc)
            )
            await pc.setRemoteDescription(RTCSessionDescription(sdp=reply["answer"], type="answer"))
            if not full:
                transceivers = pc.getTransceivers()
                watched["counting"] = internals.count_srtp_headers(
                    transceivers[0].receiver.transport,
                    [t.receiver for t in transceivers],
                    internals.media_payload_kinds(reply["answer"]),
                )
            connections.append(watched)
            await asyncio.sleep(0.05)
    print("WATCHING", flush=True)

    def report() -> dict:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out = []
        for watched in connections:
            session = watched["counting"]
            video = session.counts()["video"]["frames"] if session else watched["video"]
            out.append(
                {
                    "key": f"{watched['member']}/{watched['speaker']}",
                    "video": video,
                    "verified": session.verified if session else 0,
                    "failures": session.failures if session else 0,
                }
            )
        return {"cpu": usage.ru_utime + usage.ru_stime, "at": time.monotonic(), "connections": out}

    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, sys.stdin.readline)).strip() == "REPORT":
        print("REPORT " + json.dumps(report()), flush=True)
    await asyncio.gather(*(watched["pc"].close() for watched in connections), return_exceptions=True)


# --- The seats ---------------------------------------------------------------------------------


def arrivals(seat: dict):
    """In place of a receiver's decoder: notes whose frame arrived when; decodes nothing."""

    def deliver(codec, frame) -> None:
        data = frame.data
        if len(data) > TAG_BYTES and data[-TAG_BYTES : -TAG_BYTES + len(TAG)] == TAG:
            number, _sent = struct.unpack("!Hd", data[-10:])
            seat["first"].setdefault(number, []).append(time.time())

    return deliver


async def seats(port: int, members: list[str], audio_only: bool) -> None:
    signalling = Signalling(port)
    await signalling.connect()
    taken = []
    for member in members:
        pc = new_pc()
        seat = {"member": member, "first": {}, "pc": pc}
        for _ in range(0 if audio_only else LIMITS.video_speakers):
            receiver = pc.addTransceiver("video", direction="recvonly").receiver
            internals.tap_encoded_frames(receiver, arrivals(seat))
        for _ in range(LIMITS.audio_speakers):
            pc.addTransceiver("audio", direction="recvonly")
        reply = await signalling.ask(
            op="seat", member=member, offer=await gathered(pc), audio_only=audio_only
        )
        await pc.setRemoteDescription(RTCSessionDescription(sdp=reply["answer"], type="answer"))
        taken.append(seat)
    print("SEATED", flush=True)

    def wire() -> dict:
        out = {}
        for seat in taken:
            dtls = seat["pc"].getTransceivers()[0].receiver.transport
            out[seat["member"]] = (
                dtls._RTCDtlsTransport__rx_bytes + UDP_IPV4 * dtls._RTCDtlsTransport__rx_packets
            )
        return out

    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "MARK": the window starts
    before, began = wire(), time.monotonic()
    await loop.run_in_executor(None, sys.stdin.readline)  # "END"
    after, ended = wire(), time.monotonic()
    kbps = {m: (after[m] - before[m]) * 8 / (ended - began) / 1000 for m in after}
    firsts = {seat["member"]: {str(k): v for k, v in seat["first"].items()} for seat in taken}
    print("RESULT " + json.dumps({"kbps": kbps, "arrivals": firsts}), flush=True)


# --- The run -----------------------------------------------------------------------------------


def start(role: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_for(process: subprocess.Popen, word: str) -> str:
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"a {word} process ended early")
        if line.startswith(word):
            return line


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def stage(args) -> dict:
    """Server cores per added stage viewer, between two viewer counts (marginal, as bench/media.py),
    and what the viewers received meanwhile (each connection's video frame rate, the clients' CPU)."""
    processes = []
    figures = {}
    received = {}
    viewer_procs: list[subprocess.Popen] = []
    full = ["--full-viewers"] if args.full_viewers else []

    def ask_reports() -> list[dict]:
        for process in viewer_procs:
            process.stdin.write("REPORT\n")
            process.stdin.flush()
        return [json.loads(wait_for(process, "REPORT")[7:]) for process in viewer_procs]

    try:
        server = start("server")
        processes.append(server)
        port = wait_for(server, "READY").split()[1]
        speakers = start("stage-speakers", "--port", port)
        processes.append(speakers)
        wait_for(speakers, "PUBLISHING")
        probe = Signalling(int(port))
        loop = asyncio.new_event_loop()
        loop.run_until_complete(probe.connect())
        joined = 0
        for count in args.stage_viewers:
            members = [f"viewer{n}" for n in range(joined, count)]
            groups = [members[i :: args.viewer_processes] for i in range(args.viewer_processes)]
            group_procs = [
                start("stage-viewers", "--port", port, "--members", json.dumps(g), *full) for g in groups if g
            ]
            processes.extend(group_procs)
            for process in group_procs:
                wait_for(process, "WATCHING")
            viewer_procs.extend(group_procs)
            joined = count
            time.sleep(3)
            before = ask_reports()
            first = loop.run_until_complete(probe.ask(op="cpu"))
            time.sleep(args.stage_seconds)
            last = loop.run_until_complete(probe.ask(op="cpu"))
            after = ask_reports()
            figures[count] = (last["cpu"] - first["cpu"]) / (last["at"] - first["at"])
            rates = []
            for earlier, later in zip(before, after, strict=True):
                frames = {c["key"]: c["video"] for c in earlier["connections"]}
                elapsed = later["at"] - earlier["at"]
                rates += [(c["video"] - frames[c["key"]]) / elapsed for c in later["connections"]]
            client_cores = sum(
                (later["cpu"] - earlier["cpu"]) / (later["at"] - earlier["at"])
                for earlier, later in zip(before, after, strict=True)
            )
            received[count] = {
                "fps_min": round(min(rates), 1),
                "fps_median": round(sorted(rates)[len(rates) // 2], 1),
                "client_cores_per_viewer": round(client_cores / count, 5),
                "verified": sum(c["verified"] for report in after for c in report["connections"]),
                "failures": sum(c["failures"] for report in after for c in report["connections"]),
            }
            elapsed = last["at"] - first["at"]
            upstream_fps = {
                member: round((got["frames_in"] - first["stage"][member]["frames_in"]) / elapsed, 1)
                for member, got in last["stage"].items()
                if member in first["stage"]
            }
            drops = {
                "server": udp_drops(server.pid),
                "speakers": udp_drops(speakers.pid),
                "viewers": sum(udp_drops(process.pid) for process in viewer_procs),
                "server_by_port": udp_drops_by_port(server.pid),
            }
            log(
                f"stage {count} viewers: server {figures[count]:.3f} cores, lag {first['lag']} s "
                f"while joining, {last['lag']} s measuring; upstream fps {upstream_fps}, "
                f"PLIs {last['stage']}; UDP drops {drops}; load {os.getloadavg()}; "
                f"{json.dumps(received[count])}"
            )
        loop.close()
    finally:
        stop(processes)
    low, high = args.stage_viewers
    slope = (figures[high] - figures[low]) / (high - low)
    failures = received[high]["failures"]
    result = {
        "stage_viewers_measured": [low, high],
        "stage_server_cores": {str(k): round(v, 3) for k, v in figures.items()},
        "stage_viewers_per_core": round(1 / slope) if slope > 0 else None,
        "stage_fps_min": {str(k): v["fps_min"] for k, v in received.items()},
        "stage_fps_median": {str(k): v["fps_median"] for k, v in received.items()},
        "stage_client_cores_per_viewer": {str(k): v["client_cores_per_viewer"] for k, v in received.items()},
        "stage_full_viewers": args.full_viewers,
        "stage_srtp_verified": received[high]["verified"],
        "stage_srtp_failures": failures,
    }
    if failures:
        result["stage_srtp_warning"] = (
            f"{failures} sampled SRTP packets failed authentication: counts not trustworthy"
        )
        print("!" * 78 + "\n!!! SRTP: " + result["stage_srtp_warning"] + "\n" + "!" * 78, file=sys.stderr)
    elif not args.full_viewers and not received[high]["verified"]:
        result["stage_srtp_warning"] = "light viewers ran but no SRTP packet was verified"
        print("!!! SRTP: " + result["stage_srtp_warning"], file=sys.stderr)
    return result


def stop(processes: list) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def run(args) -> dict:
    processes = []
    try:
        server = start("server")
        processes.append(server)
        port = wait_for(server, "READY").split()[1]
        turn = args.seconds / 3
        speakers = [
            args.sites - 1,
            args.sites - 2,
            args.sites - 3,
        ]  # the last to arrive: not in the first grid
        script = [(s, 2 + i * turn, 2 + i * turn + turn * 0.7) for i, s in enumerate(speakers)]
        pubs = start("publishers", "--port", port, "--sites", str(args.sites), "--script", json.dumps(script))
        processes.append(pubs)
        wait_for(pubs, "PUBLISHING")
        members = [f"site{n}" for n in range(args.sites)]
        groups = [members[i :: args.seat_processes] for i in range(args.seat_processes)]
        seat_procs = [start("seats", "--port", port, "--members", json.dumps(group)) for group in groups]
        seat_procs.append(
            start("seats", "--port", port, "--members", json.dumps(["listener"]), "--audio-only")
        )
        processes.extend(seat_procs)
        for process in seat_procs:
            wait_for(process, "SEATED")
        time.sleep(3)  # connections up, first keyframes
        cpu_probe = Signalling(int(port))

        async def cpu() -> dict:
            await cpu_probe.connect()
            return await cpu_probe.ask(op="cpu")

        loop = asyncio.new_event_loop()
        first_cpu = loop.run_until_complete(cpu())
        for process in seat_procs:
            process.stdin.write("MARK\n")
            process.stdin.flush()
        pubs.stdin.write(f"GO {time.time()}\n")
        pubs.stdin.flush()
        loud = json.loads(wait_for(pubs, "LOUD")[5:])
        time.sleep(1.5)
        last_cpu = loop.run_until_complete(cpu_probe.ask(op="cpu"))
        for process in seat_procs:
            process.stdin.write("END\n")
            process.stdin.flush()
        results = [json.loads(wait_for(process, "RESULT")[7:]) for process in seat_procs]
        loop.close()
    finally:
        stop(processes)
    video_kbps = [k for result in results[:-1] for k in result["kbps"].values()]
    switches = []
    for result in results[:-1]:
        for member, arrivals in result["arrivals"].items():
            for speaker, loud_from in loud:
                if member == f"site{speaker}":
                    continue
                after = [t for t in arrivals.get(str(speaker), []) if t >= loud_from]
                switches.append((after[0] - loud_from) * 1000 if after else float("inf"))
    reached = [s for s in switches if s != float("inf")]
    return {
        "sites": args.sites,
        "seats": len(video_kbps),
        "seconds": round(args.seconds, 1),
        "seat_kbps_p50": round(percentile(video_kbps, 0.5), 1),
        "seat_kbps_p95": round(percentile(video_kbps, 0.95), 1),
        "audio_only_seat_kbps": round(next(iter(results[-1]["kbps"].values())), 1),
        "speaker_switches": len(switches),
        "speaker_switches_never_seen": len(switches) - len(reached),
        "speaker_switch_ms_p50": round(percentile(reached, 0.5), 1) if reached else None,
        "speaker_switch_ms_p95": round(percentile(switches, 0.95), 1) if reached else None,
        "conference_server_cores": round(
            (last_cpu["cpu"] - first_cpu["cpu"]) / (last_cpu["at"] - first_cpu["at"]), 3
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", default="run")
    parser.add_argument("--port", type=int)
    parser.add_argument("--sites", type=int, default=37)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seat-processes", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--script")
    parser.add_argument("--members")
    parser.add_argument("--audio-only", action="store_true")
    parser.add_argument("--stage-viewers", type=int, nargs=2, default=[20, 60])
    parser.add_argument("--stage-seconds", type=float, default=8.0)
    parser.add_argument("--viewer-processes", type=int, default=4)
    parser.add_argument(
        "--full-viewers",
        action="store_true",
        help="stage viewers with aiortc's whole receive path (as before)",
    )
    args = parser.parse_args()
    if args.role == "server":
        asyncio.run(serve())
    elif args.role == "publishers":
        asyncio.run(publishers(args.port, args.sites, json.loads(args.script)))
    elif args.role == "stage-speakers":
        asyncio.run(stage_speakers(args.port))
    elif args.role == "stage-viewers":
        asyncio.run(stage_viewers(args.port, json.loads(args.members), args.full_viewers))
    elif args.role == "seats":
        asyncio.run(seats(args.port, json.loads(args.members), args.audio_only))
    else:
        signal.alarm(int(args.timeout))
        figures = run(args)
        figures.update(stage(args))
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()

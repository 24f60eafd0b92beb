"""The server side of bench/media.py, in its own process so its CPU is measured alone.

    python bench/media_server.py forward|forward-plain|relay

`forward`: media_rtc's MediaEngine (encoded frames forwarded, no per-viewer encode).
`forward-plain`: the same without the sender shortcuts (aiortc's own VP8/Opus `pack()` per viewer,
aiortc's datetime NTP clock), to show what those save.
`relay`: the stock aiortc way, `MediaRelay` (decode once, every viewer's sender re-encodes).
Signalling: JSON lines over TCP on 127.0.0.1 (port printed as "READY <port>" on stdout).
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay

from media_rtc import aiortc_internals
from media_rtc.engine import MediaEngine

ROOM = "booth.bench"


def cpu_seconds() -> dict:
    """User (Python, SRTP) and system (mostly sending UDP: on loopback the kernel's delivery to the
    receiving socket and waking its process are charged to the sender) CPU seconds, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"user": usage.ru_utime, "sys": usage.ru_stime}


class ForwardServer:
    def __init__(self, *, plain: bool = False) -> None:
        if plain:
            aiortc_internals.pack_without_encoder = lambda sender, kind: None
            aiortc_internals.speed_up_ntp_clock = lambda: None
        self.engine = MediaEngine(host_addresses=["127.0.0.1"])

    async def publish(self, request: dict) -> str:
        return await self.engine.publish(ROOM, "publisher", request["offer"], label="camera")

    async def watch(self, request: dict) -> str:
        return await self.engine.watch(
            ROOM,
            request["member"],
            "publisher:camera",
            request["offer"],
            tier=request.get("tier", "standard"),
        )

    async def set_tier(self, request: dict) -> None:
        await self.engine.set_tier(ROOM, request["member"], "publisher:camera", request["tier"])

    async def leave(self, request: dict) -> None:
        await self.engine.leave(ROOM, request["member"])

    def stats(self) -> dict:
        return self.engine.stats()

    async def close(self) -> None:
        await self.engine.close()


class RelayServer:
    """aiortc's documented way to serve one source to many: MediaRelay + one encoder per viewer."""

    def __init__(self) -> None:
        aiortc_internals.restrict_host_addresses(["127.0.0.1"])
        self.relay = MediaRelay()
        self.tracks: dict[str, object] = {}
        self.pcs: list[RTCPeerConnection] = []
        self.viewers: dict[str, RTCPeerConnection] = {}
        self.ready = asyncio.Event()

    def _pc(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        return pc

    async def _answer(self, pc: RTCPeerConnection, offer: str) -> str:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def publish(self, request: dict) -> str:
        pc = self._pc()

        @pc.on("track")
        def on_track(track) -> None:
            self.tracks[track.kind] = track
            if "video" in self.tracks:
                self.ready.set()

        return await self._answer(pc, request["offer"])

    async def watch(self, request: dict) -> str:
        await asyncio.wait_for(self.ready.wait(), 10)
        pc = self.viewers[request["member"]] = self._pc()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=request["offer"], type="offer"))
        for track in self.tracks.values():
            pc.addTrack(self.relay.subscribe(track))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def set_tier(self, request: dict) -> None:
        raise ValueError("MediaRelay has no tiers")

    async def leave(self, request: dict) -> None:
        pc = self.viewers.pop(request["member"], None)
        if pc is not None:
            self.pcs.remove(pc)
            await pc.close()

    def stats(self) -> dict:
        return {"peer_connections": len(self.pcs)}

    async def close(self) -> None:
        await asyncio.gather(*(pc.close() for pc in self.pcs), return_exceptions=True)


class LoopLag:
    """How late the event loop runs a 50 ms timer: a starved loop misses ICE consent checks
    (aioice gives each 0.5 s and closes the connection after six misses)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.task = asyncio.ensure_future(self.watch())

    async def watch(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(0.05)
            self.worst = max(self.worst, time.monotonic() - started - 0.05)

    def take_worst_ms(self) -> float:
        worst, self.worst = self.worst, 0.0
        return round(worst * 1000, 1)


async def serve(mode: str) -> None:
    server = ForwardServer(plain=mode == "forward-plain") if mode.startswith("forward") else RelayServer()
    done = asyncio.Event()
    lag = LoopLag()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            request = json.loads(line)
            op = request["op"]
            try:
                if op in ("publish", "watch"):
                    reply = {"answer": await getattr(server, op)(request)}
                elif op in ("set_tier", "leave"):
                    await getattr(server, op)(request)
                    reply = {}
                elif op == "cpu":
                    reply = {**cpu_seconds(), "lag_ms": lag.take_worst_ms(), "stats": server.stats()}
                elif op == "quit":
                    reply = {}
                    done.set()
                else:
                    reply = {"error": f"unknown op {op}"}
            except Exception as exc:  # reported to the orchestrator, which fails loudly
                reply = {"error": f"{type(exc).__name__}: {getattr(exc, 'code', exc)}"}
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
            if op == "quit":
                break
        writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("READY", listener.sockets[0].getsockname()[1], flush=True)
    await done.wait()
    listener.close()
    lag.task.cancel()
    await server.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s server %(levelname)s %(name)s %(message)s")
    logging.getLogger("media_rtc").setLevel(logging.INFO)
    asyncio.run(serve(sys.argv[1]))

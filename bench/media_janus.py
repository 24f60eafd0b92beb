"""Janus (the C server, Debian package `janus`) as bench/media.py's yardstick, on loopback only.

`JanusServer` starts Janus with a configuration of our own in a temporary folder: the HTTP
transport on 127.0.0.1, only the VideoRoom plugin, no STUN,
`event_loops = 1` (one media thread: Janus's best per-subscriber cost), no session timeout. Its
CPU is read from /proc. Janus's ICE (libnice) does not gather on 127.0.0.1, so its peers use this
host's own address (`local_address`): still the loopback device, never the wire. `JanusClient` is
the small part of Janus's HTTP API the peers need
(create a session, attach VideoRoom, send a request and wait for its event).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import tempfile
import time
from pathlib import Path

JANUS = shutil.which("janus") or "/usr/bin/janus"
LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")
ROOM = 1234


def local_address() -> str:
    """This host's own IPv4 address: Janus's libnice never gathers 127.0.0.1, so the Janus part of
    the bench uses the host's address, which Linux delivers through the loopback device all the
    same (local routing table); nothing goes on the wire."""
    import aioice.ice

    from media_rtc.aiortc_internals import restrict_host_addresses

    restrict_host_addresses([])
    return aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False)[0]


CONFIG = """general: {{
    configs_folder = "{folder}/conf"
    plugins_folder = "{folder}/plugins"
    transports_folder = "{folder}/transports"
    events_folder = "{folder}/none"
    loggers_folder = "{folder}/none"
    debug_level = 2
    session_timeout = 0
    event_loops = 1
}}
media: {{
    rtp_port_range = "20000-40000"
}}
nat: {{
    ignore_mdns = true
}}
"""
HTTP_CONFIG = """general: {{
    base_path = "/janus"
    http = true
    port = {port}
    ip = "127.0.0.1"
    https = false
}}
admin: {{
    admin_http = false
}}
"""
VIDEOROOM_CONFIG = """general: {
}
"""


def why_not() -> str | None:
    """Why Janus cannot run here, or None."""
    if not os.path.exists(JANUS):
        return "Janus is not installed (apt-get install janus)"
    for library in ("plugins/libjanus_videoroom.so", "transports/libjanus_http.so"):
        if not (LIBRARIES / library).exists():
            return f"Janus is installed without {library}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JanusServer:
    """Speaks like bench/media.py's Server: start(), op(op="cpu"), stop(); `port` is Janus's."""

    async def start(self) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="rakwon-janus-"))
        for name in ("conf", "plugins", "transports", "none"):
            (self.folder / name).mkdir()
        (self.folder / "plugins/libjanus_videoroom.so").symlink_to(
            LIBRARIES / "plugins/libjanus_videoroom.so"
        )
        (self.folder / "transports/libjanus_http.so").symlink_to(LIBRARIES / "transports/libjanus_http.so")
        self.port = free_port()
        (self.folder / "conf/janus.jcfg").write_text(CONFIG.format(folder=self.folder))
        (self.folder / "conf/janus.transport.http.jcfg").write_text(HTTP_CONFIG.format(port=self.port))
        (self.folder / "conf/janus.plugin.videoroom.jcfg").write_text(VIDEOROOM_CONFIG)
        self.log = open(self.folder / "janus.log", "wb")  # noqa: SIM115  closed in stop()
        self.proc = await asyncio.create_subprocess_exec(
            JANUS, "-F", str(self.folder / "conf"), stdout=self.log, stderr=self.log
        )
        for _ in range(100):
            try:
                client = JanusClient(self.port)
                await client.create_session()
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"Janus did not start: see {self.folder / 'janus.log'}")
        handle = await client.attach()
        await client.request(
            handle,
            {
                "request": "create",
                "room": ROOM,
                "publishers": 1,
                "bitrate": 800_000,
                "videocodec": "vp8",
                "audiocodec": "opus",
                "fir_freq": 0,
                "permanent": False,
            },
        )
        self.started = time.monotonic()
        return f"READY {self.port}"

    def _cpu(self) -> dict:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {"user": int(fields[11]) / ticks, "sys": int(fields[12]) / ticks}

    async def op(self, **request) -> dict:
        if request["op"] == "cpu":
            return {**self._cpu(), "lag_ms": 0.0, "stats": {}}
        return {}

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class JanusClient:
    """One Janus session over HTTP/1.0 on 127.0.0.1 (a connection per request, as simple as it gets)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.session: int | None = None

    async def _http(self, method: str, path: str, body: dict | None = None) -> dict:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        writer.write(
            f"{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 60)
        writer.close()
        return json.loads(raw.split(b"\r\n\r\n", 1)[1])

    async def _post(self, path: str, body: dict) -> dict:
        reply = await self._http("POST", path, {**body, "transaction": secrets.token_hex(6)})
        if reply.get("janus") == "error":
            raise RuntimeError(f"Janus: {reply['error']}")
        return reply

    async def create_session(self) -> None:
        self.session = (await self._post("/janus", {"janus": "create"}))["data"]["id"]

    async def attach(self) -> int:
        reply = await self._post(
            f"/janus/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}
        )
        return reply["data"]["id"]

    async def request(self, handle: int, body: dict, jsep: dict | None = None) -> dict:
        """A synchronous VideoRoom request (create, ...): its plugin data."""
        message = {"janus": "message", "body": body, **({"jsep": jsep} if jsep else {})}
        reply = await self._post(f"/janus/{self.session}/{handle}", message)
        if reply.get("janus") == "ack":
            return await self.event(handle)
        return reply

    async def event(self, handle: int) -> dict:
        """The next event for `handle` (long poll)."""
        while True:
            reply = await self._http("GET", f"/janus/{self.session}?maxev=1")
            if reply.get("janus") == "event" and reply.get("sender") == handle:
                return reply
            if reply.get("janus") == "keepalive":
                continue


async def janus_publish(port: int, offer_sdp: str) -> str:
    """Join the bench room as its publisher; Janus's answer SDP."""
    client = JanusClient(port)
    await client.create_session()
    handle = await client.attach()
    reply = await client.request(
        handle,
        {"request": "joinandconfigure", "room": ROOM, "ptype": "publisher", "display": "publisher"},
        jsep={"type": "offer", "sdp": offer_sdp},
    )
    return reply["jsep"]["sdp"]


async def janus_publisher_id(port: int) -> int:
    client = JanusClient(port)
    await client.create_session()
    handle = await client.attach()
    for _ in range(300):
        reply = await client._post(
            f"/janus/{client.session}/{handle}",
            {"janus": "message", "body": {"request": "listparticipants", "room": ROOM}},
        )
        # A feed can be subscribed to once its connection is up (Janus calls it "publisher").
        participants = [p for p in reply["plugindata"]["data"].get("participants", []) if p.get("publisher")]
        if participants:
            return participants[0]["id"]
        await asyncio.sleep(0.1)
    raise RuntimeError("no publisher in the Janus room")


class JanusSubscription:
    """One viewer's subscription: Janus offers, we answer."""

    def __init__(self, port: int) -> None:
        self.client = JanusClient(port)

    async def offer(self, feed: int) -> str:
        await self.client.create_session()
        self.handle = await self.client.attach()
        reply = await self.client.request(
            self.handle, {"request": "join", "room": ROOM, "ptype": "subscriber", "feed": feed}
        )
        return reply["jsep"]["sdp"]

    async def answer(self, answer_sdp: str) -> None:
        await self.client.request(
            self.handle, {"request": "start", "room": ROOM}, jsep={"type": "answer", "sdp": answer_sdp}
        )

    async def leave(self) -> None:
        await self.client._post(f"/janus/{self.client.session}", {"janus": "destroy"})

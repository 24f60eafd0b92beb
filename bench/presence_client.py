"""Bench clients for bench/presence.py: many authenticated WebSockets from one asyncio loop.

A `Client` counts every frame it receives, matches replies to requests by id, and hands pushes
to a callback; `SilentClient` enters a place and then never reads nor writes again (a phone
whose app froze: no frames, no pongs).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import struct
import time
from collections.abc import Callable
from typing import Any

import websockets

PushHandler = Callable[["Client", dict[str, Any], float], None]


class Client:
    """One tab: a session cookie, one socket, replies by id, pushes to `on_push`."""

    def __init__(self, port: int, session_key: str, path: str, *, parse: bool = True) -> None:
        self.port = port
        self.session_key = session_key
        self.path = path
        self.parse = parse  # the baseline's clients only count frames: parsing 500k would skew CPU
        self.frames = 0
        self.on_push: PushHandler | None = None
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self._pinger: asyncio.Task | None = None
        self.ws = None
        self.closed_code: int | None = None

    async def connect(self, timeout: float = 20) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}{self.path}",
            origin=f"http://127.0.0.1:{self.port}",
            additional_headers={"Cookie": f"sessionid={self.session_key}"},
            open_timeout=timeout,
            ping_interval=None,  # the server pings; the library still answers its pings
            max_queue=None,
            compression=None,  # as most phones' browsers on the expo's proxies: keep it plain
        )
        self._reader = asyncio.create_task(self._read())

    def keep_alive(self, every: float = 20.0) -> None:
        """Send the application ping as the browser client does (live.js: every 20 s)."""
        self._pinger = asyncio.create_task(self._ping(every))

    async def _ping(self, every: float) -> None:
        await asyncio.sleep(random.uniform(0, every))  # spreads the pings
        while True:
            try:
                await self.ws.send('{"type": "ping"}')
            except websockets.ConnectionClosed:
                return
            await asyncio.sleep(every)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.frames += 1
                if not self.parse:
                    continue
                now = time.monotonic()
                frame = json.loads(raw)
                waiter = self._waiting.pop(frame.get("id"), None) if "id" in frame else None
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
                elif self.on_push is not None:
                    self.on_push(self, frame, now)
        except websockets.ConnectionClosed as closed:
            self.closed_code = closed.rcvd.code if closed.rcvd else None
        finally:
            if self.closed_code is None and self.ws is not None and self.ws.close_code is not None:
                self.closed_code = self.ws.close_code

    async def request(self, frame_type: str, data: dict | None = None, timeout: float = 20) -> dict:
        self._next_id += 1
        request_id = self._next_id
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = waiter
        await self.ws.send(json.dumps({"id": request_id, "type": frame_type, "data": data or {}}))
        return await asyncio.wait_for(waiter, timeout)

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def close(self) -> None:
        for task in (self._pinger,):
            if task is not None:
                task.cancel()
        if self.ws is not None:
            with contextlib.suppress(TimeoutError, websockets.WebSocketException, OSError):
                await asyncio.wait_for(self.ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()


async def open_many(
    clients: list[Client],
    *,
    deadline: float,
    concurrency: int = 50,
    keep_alive: bool = False,
    failures: dict[str, int] | None = None,
) -> list[Client]:
    """Connect as many as possible before `deadline` (monotonic); the ones that connected.

    With `keep_alive`, each starts pinging as soon as it is open (not when all are: the first
    ones would otherwise go silent for as long as opening the rest takes).
    """
    gate = asyncio.Semaphore(concurrency)
    opened: list[Client] = []
    failures = {} if failures is None else failures

    async def one(client: Client) -> None:
        async with gate:
            if time.monotonic() > deadline:
                return
            try:
                await client.connect(timeout=max(1.0, min(20.0, deadline - time.monotonic())))
            except (OSError, TimeoutError, websockets.WebSocketException) as failure:
                failures[type(failure).__name__] = failures.get(type(failure).__name__, 0) + 1
                return
            if keep_alive:
                client.keep_alive()
            opened.append(client)

    await asyncio.gather(*(one(client) for client in clients))
    return opened


class SilentClient:
    """A raw socket: handshake, one frame, then silence (it does not even answer pings)."""

    def __init__(self, port: int, session_key: str, path: str) -> None:
        self.port, self.session_key, self.path = port, session_key, path
        self.writer: asyncio.StreamWriter | None = None

    async def connect_and_send(self, frame: dict) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://127.0.0.1:{self.port}\r\nCookie: sessionid={self.session_key}\r\n\r\n"
            ).encode()
        )
        status = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"silent client refused: {status[:80]!r}")
        payload = json.dumps(frame).encode()
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        header = struct.pack("!BB", 0x81, 0x80 | len(payload)) if len(payload) < 126 else b""
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

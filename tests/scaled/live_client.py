"""A live-socket client for the scaled tests: a real WebSocket over loopback, with timeouts."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect


class LiveClient:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._ids = itertools.count(1)
        self.pushes: list[dict[str, Any]] = []  # pushes read while waiting for something else

    @classmethod
    async def open(cls, url: str, origin: str, cookie: str) -> LiveClient:
        connection = await asyncio.wait_for(
            connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=10), 15
        )
        return cls(connection)

    async def request(self, frame_type: str, timeout: float = 10, **data: Any) -> dict[str, Any]:
        """Send a request; its reply (pushes that arrive first are kept in `pushes`)."""
        frame_id = next(self._ids)
        await self.connection.send(json.dumps({"id": frame_id, "type": frame_type, "data": data}))
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.connection.recv())
                if frame.get("id") == frame_id:
                    return frame
                self.pushes.append(frame)

    async def wait_for(self, frame_type: str, timeout: float, **match: Any) -> dict[str, Any]:
        """The first push of this type whose data has these values, kept or still to come."""

        def fits(frame: dict[str, Any]) -> bool:
            data = frame.get("data") or {}
            return frame.get("type") == frame_type and all(data.get(k) == v for k, v in match.items())

        for frame in self.pushes:
            if fits(frame):
                self.pushes.remove(frame)
                return frame
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.connection.recv())
                if fits(frame):
                    return frame
                self.pushes.append(frame)

    async def close(self) -> None:
        await self.connection.close()

"""A media worker: a process (``manage.py media_worker``) that hosts live rooms in the scaled mode.

It answers the requests daphne processes send to its channel, beats its heart in Redis so rooms
are placed on it, and sweeps away workers whose heartbeat stopped: their rooms lose their
placement and whoever looks at them gets ``rtc.worker_lost``, so browsers connect again and the
room is placed on a live worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket

from events.errors import RakwonError
from events.live.groups import push_message

from . import errors
from .host import RoomHost
from .placement import Placement
from .rooms import room_group, room_ref

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    """Unique and readable in Redis: host, pid and a random tail (a restarted pid is a new worker)."""
    host = "".join(char for char in socket.gethostname() if char.isalnum() or char == "-")[:30]
    return f"{host or 'host'}-{os.getpid()}-{secrets.token_hex(3)}"


class MediaWorker:
    def __init__(self, *, worker_id: str, layer, placement: Placement, engine, heartbeat_seconds: float):
        self.worker_id = worker_id
        self.channel = f"rtc.worker.{worker_id}"
        self.layer = layer
        self.placement = placement
        self.heartbeat_seconds = heartbeat_seconds
        self.host = RoomHost(engine, push=self._push)
        self._answering: set[asyncio.Task] = set()

    async def _push(self, group: str, frame_type: str, data: dict) -> None:
        await self.layer.group_send(group, push_message(frame_type, data))

    def load(self) -> int:
        stats = self.host.engine.stats()
        return int(stats.get("rooms", 0)) + int(stats.get("peer_connections", 0))

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set; then hand the rooms back so their viewers move at once."""
        await self.beat()
        tasks = [asyncio.create_task(self._serve()), asyncio.create_task(self._beat_forever())]
        log.info("media worker %s serving on %s", self.worker_id, self.channel)
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.hand_back()

    async def beat(self) -> None:
        await self.placement.heartbeat(self.worker_id, self.channel, self.load())

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.beat()
                await self.sweep()
            except Exception:  # Redis away for a moment: keep trying, the TTL decides
                log.exception("media worker %s: heartbeat failed", self.worker_id)

    async def _serve(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            task = asyncio.create_task(self.answer(message))
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    async def answer(self, message: dict) -> None:
        try:
            result = await self.host.handle(message["op"], dict(message.get("args") or {}))
            reply = {"ok": True, "result": result}
        except RakwonError as failure:
            reply = {"ok": False, "code": failure.code, "message": str(failure.message)}
        except Exception:
            log.exception("media worker %s: %s failed", self.worker_id, message.get("op"))
            reply = {"ok": False, "code": errors.RtcError.code, "message": ""}
        reply_to = message.get("reply_to")
        if reply_to:
            await self.layer.send(reply_to, {"type": "rtc.reply", **reply})

    async def sweep(self) -> None:
        for dead in await self.placement.dead_workers():
            if dead != self.worker_id and await self.placement.claim_sweep(dead):
                rooms = await self.placement.release(dead)
                log.warning("media worker %s died; %d rooms lost", dead, len(rooms))
                await self._tell_lost(rooms)

    async def hand_back(self) -> None:
        """Stopping: forget our placement first, then close the peers, so clients re-place at once."""
        try:
            rooms = await self.placement.release(self.worker_id)
            await self._tell_lost(rooms)
        finally:
            await self.host.recordings.close()  # what was recorded is kept and prepared
            await self.host.engine.close()

    async def _tell_lost(self, rooms: list[str]) -> None:
        for room in rooms:
            await self._push(room_group(room), "rtc.worker_lost", room_ref(room))

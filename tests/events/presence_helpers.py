"""Shared by the presence transcripts: a fresh store per test, fast ticks, a logged-in socket."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from events.live.presence import entries, places, ticker
from events.live.presence.store import MemoryStore, use_store
from rakwon_site.asgi import application

TICK = 0.05


@pytest.fixture
def fresh_presence(settings):
    settings.PRESENCE_TICK_SECONDS = TICK
    settings.PRESENCE_ENTRY_FLUSH_SECONDS = TICK * 2
    use_store(MemoryStore())
    ticker._dirty.clear()
    entries._pending.clear()
    places._found.clear()  # rows of an earlier test may have had the same ids
    yield
    use_store(None)
    ticker._dirty.clear()
    entries._pending.clear()


async def connect(user, slug: str) -> WebsocketCommunicator:
    """An open socket as `user`, with a real Django session cookie, from an allowed origin."""
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    connected, code = await communicator.connect()
    assert connected is True, code
    return communicator


async def request(communicator: WebsocketCommunicator, frame_id: int, frame_type: str, **data) -> dict:
    """Send a request and return its reply, skipping nothing: the next frame must be the reply."""
    await communicator.send_to(text_data=json.dumps({"id": frame_id, "type": frame_type, "data": data}))
    return json.loads(await communicator.receive_from())


async def receive(communicator: WebsocketCommunicator, timeout: float = 1) -> dict:
    return json.loads(await communicator.receive_from(timeout=timeout))


async def skip_ticks(communicator: WebsocketCommunicator, quiet: float = TICK * 4) -> list[dict]:
    """Read the tick frames (``booth.count``) that have come, until none comes for `quiet` s."""
    seen = []
    while not await communicator.receive_nothing(timeout=quiet):
        frame = json.loads(await communicator.receive_from())
        assert frame["type"] == "booth.count", frame
        seen.append(frame)
    return seen

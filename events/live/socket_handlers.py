"""The events app's own socket handlers. Transcript (see docs/protocol.md):

-> {"id": 1, "type": "ping"}
<- {"id": 1, "type": "ok", "data": {"pong": true, "event": "expo-2026"}}
"""

from __future__ import annotations

from events.registry import socket_handlers

from .presence import places


@socket_handlers.register("ping", permission="events.enter_event")
async def ping(connection, data: dict) -> dict:
    return {"pong": True, "event": connection.event.slug}


# --- Presence (transcripts in docs/protocol.md, "Namespace: presence") -------------------


@socket_handlers.register("lobby.enter", permission="events.enter_event")
async def lobby_enter(connection, data: dict) -> dict:
    return await places.enter(connection, await places.find(connection, "lobby", None))


@socket_handlers.register("hall.enter", permission="events.enter_event")
async def hall_enter(connection, data: dict) -> dict:
    return await places.enter(connection, await places.find(connection, "hall", data.get("hall")))


@socket_handlers.register("booth.enter", permission="events.enter_event")
async def booth_enter(connection, data: dict) -> dict:
    return await places.enter(connection, await places.find(connection, "booth", data.get("booth")))


@socket_handlers.register("session.enter", permission="events.enter_event")
async def session_enter(connection, data: dict) -> dict:
    return await places.enter(connection, await places.find(connection, "session", data.get("session")))


@socket_handlers.register("booth.leave", permission="events.enter_event")
async def booth_leave(connection, data: dict) -> dict:
    place = connection.place
    if place is not None and place.kind == "booth":
        await places.leave(connection)
    return {}


@socket_handlers.register("presence.who", permission="events.enter_event")
async def presence_who(connection, data: dict) -> dict:
    place = await places.find(connection, "booth", data.get("booth"))
    return await places.who(place, after=data.get("after"), limit=data.get("limit"), team=connection.is_team)

"""The events app's own socket handlers. Transcript (see docs/protocol.md):

-> {"id": 1, "type": "ping"}
<- {"id": 1, "type": "ok", "data": {"pong": true, "event": "expo-2026"}}

A frame naming a place declares its loader (`load=`): the handler is handed the place, found in
this event, or the frame is refused with presence.invalid / presence.no_place before it runs.
"""

from __future__ import annotations

from typing import Any

from events.permissions import ENTER_EVENT
from events.registry import ObjectLoader, PresencePlace, socket_handlers

from .connection import LiveConnection
from .presence import places


def place_named(kind: str) -> ObjectLoader:
    """The loader of the place of `kind` a frame names by number (``{"booth": 12}``)."""

    async def load_place(connection: LiveConnection, data: dict[str, Any]) -> PresencePlace:
        return await places.find(connection, kind, data.get(kind))

    load_place.__name__ = f"load_{kind}"
    return load_place


@socket_handlers.register("ping", permission=ENTER_EVENT)
async def ping(connection: LiveConnection, data: dict) -> dict:
    return {"pong": True, "event": connection.event.slug}


# --- Presence (transcripts in docs/protocol.md, "Namespace: presence") -------------------


@socket_handlers.register("lobby.enter", permission=ENTER_EVENT, load=place_named("lobby"))
async def lobby_enter(connection: LiveConnection, data: dict, lobby: PresencePlace) -> dict:
    return await places.enter(connection, lobby)


@socket_handlers.register("hall.enter", permission=ENTER_EVENT, load=place_named("hall"))
async def hall_enter(connection: LiveConnection, data: dict, hall: PresencePlace) -> dict:
    return await places.enter(connection, hall)


@socket_handlers.register("booth.enter", permission=ENTER_EVENT, load=place_named("booth"))
async def booth_enter(connection: LiveConnection, data: dict, booth: PresencePlace) -> dict:
    return await places.enter(connection, booth)


@socket_handlers.register("session.enter", permission=ENTER_EVENT, load=place_named("session"))
async def session_enter(connection: LiveConnection, data: dict, session: PresencePlace) -> dict:
    return await places.enter(connection, session)


@socket_handlers.register("booth.leave", permission=ENTER_EVENT)
async def booth_leave(connection: LiveConnection, data: dict) -> dict:
    # Names no booth: it leaves the one this socket is in, if it is in one.
    place = connection.place
    if place is not None and place.kind == "booth":
        await places.leave(connection)
    return {}


@socket_handlers.register("presence.who", permission=ENTER_EVENT, load=place_named("booth"))
async def presence_who(connection: LiveConnection, data: dict, booth: PresencePlace) -> dict:
    return await places.who(booth, after=data.get("after"), limit=data.get("limit"), team=connection.is_team)

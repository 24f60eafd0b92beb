"""The events app's own socket handlers. Transcript (see docs/protocol.md):

-> {"id": 1, "type": "ping"}
<- {"id": 1, "type": "ok", "data": {"pong": true, "event": "expo-2026"}}

A frame naming a place declares its loader (`load=`): the handler is handed the place, found in
this event, or the frame is refused with presence.invalid / presence.no_place before it runs.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from events.permissions import ENTER_EVENT
from events.registry import ObjectLoader, PresencePlace, presence_places, socket_handlers

from .connection import LiveConnection
from .presence import places


def place_named(kind: str) -> ObjectLoader:
    """The loader of the place of `kind` a frame names by number (``{"session": 12}``)."""

    async def load_place(connection: LiveConnection, data: dict[str, Any]) -> PresencePlace:
        return await places.find(connection, kind, data.get(kind))

    load_place.__name__ = f"load_{kind}"
    return load_place


@socket_handlers.register("ping", permission=ENTER_EVENT)
async def ping(connection: LiveConnection, data: dict) -> dict:
    return {"pong": True, "event": connection.event.slug}


# --- Presence (transcripts in docs/protocol.md, "Namespace: presence") -------------------


def register_place_frames(kind: str, *, leave: bool = False) -> None:
    """ "<kind>.enter" (and, with `leave`, "<kind>.leave") on the socket, for the lobby, sessions
    and each kind of place another app registers (from its contributions module)."""

    async def enter_place(connection: LiveConnection, data: dict, place: PresencePlace) -> dict:
        return await places.enter(connection, place)

    async def leave_place(connection: LiveConnection, data: dict) -> dict:
        # Names no place: it leaves the one of this kind this socket is in, if it is in one.
        place = connection.place
        if place is not None and place.kind == kind:
            await places.leave(connection)
        return {}

    enter_place.__name__, leave_place.__name__ = f"{kind}_enter", f"{kind}_leave"
    socket_handlers.register(f"{kind}.enter", permission=ENTER_EVENT, load=place_named(kind))(enter_place)
    if leave:
        socket_handlers.register(f"{kind}.leave", permission=ENTER_EVENT)(leave_place)


register_place_frames("lobby")
register_place_frames("session")


async def load_place_showing_people(connection: LiveConnection, data: dict[str, Any]) -> PresencePlace:
    """The place, of a kind that shows its people, the frame names (``{"<kind>": 12}``)."""
    kinds = [kind for kind, place_kind in presence_places.items() if place_kind.people]
    if not kinds:
        raise places.PresenceError(
            _("There is no such place in this event; reload the page."), code="presence.no_place"
        )
    kind = next((kind for kind in kinds if kind in data), kinds[0])
    return await places.find(connection, kind, data.get(kind))


@socket_handlers.register("presence.who", permission=ENTER_EVENT, load=load_place_showing_people)
async def presence_who(connection: LiveConnection, data: dict, place: PresencePlace) -> dict:
    return await places.who(place, after=data.get("after"), limit=data.get("limit"), team=connection.is_team)

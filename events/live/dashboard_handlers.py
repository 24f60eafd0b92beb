"""The organiser's live dashboard on the socket (team only), as a transcript:

-> {"id": 1, "type": "dashboard.watch"}
<- {"id": 1, "type": "ok", "data": {"online": 3, "lobby": 1, "halls": {"2": 2}, "booths": {"5": 1},
                                     "sessions": {}}}
<= {"type": "dashboard.counts", "data": {...the same shape, on each tick a count changed...}}
"""

from __future__ import annotations

from events.permissions import MANAGE_EVENT
from events.registry import socket_handlers

from .connection import LiveConnection
from .groups import dashboard_group
from .presence.snapshot import event_counts
from .pushes import DashboardCounts


@socket_handlers.register("dashboard.watch", permission=MANAGE_EVENT)
async def watch(connection: LiveConnection, data: dict) -> DashboardCounts:
    # Joined before counting: a change between the two arrives as a push, never lost.
    await connection.join_group(dashboard_group(connection.event.pk))
    return await event_counts(connection.event.pk)


@socket_handlers.register("dashboard.unwatch", permission=MANAGE_EVENT)
async def unwatch(connection: LiveConnection, data: dict) -> dict:
    await connection.leave_group(dashboard_group(connection.event.pk))
    return {}

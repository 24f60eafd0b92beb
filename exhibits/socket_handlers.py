"""Shared documents on the live socket (namespace "doc"): staff present, followers see the page.

-> {"id": 1, "type": "doc.follow", "data": {"booth": 12}}
<- {"id": 1, "type": "ok", "data": {"booth": 12, "presenting": null | {...page...}}}
-> {"id": 2, "type": "doc.present", "data": {"booth": 12, "asset": 7, "page": 1}}   (staff)
<- {"id": 2, "type": "ok", "data": {"booth": 12, "asset": 7, "page": 1, "image": "/media/...", ...}}
<= {"type": "doc.page", "data": {"booth": 12, "asset": 7, "page": 1, "image": "/media/...", ...}}
-> {"id": 3, "type": "doc.page", "data": {"booth": 12, "page": 2}}                  (staff)
-> {"id": 4, "type": "doc.stop", "data": {"booth": 12}}                             (staff)
<= {"type": "doc.stopped", "data": {"booth": 12}}
-> {"id": 5, "type": "doc.unfollow", "data": {"booth": 12}}
   the booth's staff, who are not counted: their doc.follow reply has "followers", and pushes follow
<- {"id": 6, "type": "ok", "data": {"booth": 12, "presenting": ...,
     "followers": {"booth": 12, "count": 3, "version": 8}}}
<= {"type": "doc.followers", "data": {"booth": 12, "count": 4, "version": 9}}
Errors: auth.forbidden (not the booth's staff), doc.no_such_booth, doc.no_such_document,
doc.no_such_page, doc.not_presenting.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from events.live.groups import push_to_group
from events.permissions import ENTER_EVENT
from events.registry import socket_handlers

from .services import presenting
from .services.presentation_followers import (
    count_follower,
    followers_of,
    staff_group,
    uncount_follower,
)

ENTER = ENTER_EVENT


def follow_group(booth_id: int) -> str:
    """The sockets following a booth's presenter; apart from the booth's presence group so only
    those who chose to follow get pages."""
    return f"follow.{int(booth_id)}"


async def _push_page(page: dict) -> dict:
    await push_to_group(follow_group(page["booth"]), "doc.page", page)
    return page


@socket_handlers.register("doc.present", permission=ENTER)
async def present(connection, data: dict) -> dict:
    page = await database_sync_to_async(presenting.start_presenting)(
        connection.event, data.get("booth"), data.get("asset"), data.get("page", 1), by=connection.user
    )
    return await _push_page(page)


@socket_handlers.register("doc.page", permission=ENTER)
async def turn(connection, data: dict) -> dict:
    page = await database_sync_to_async(presenting.turn_page)(
        connection.event, data.get("booth"), data.get("page"), by=connection.user
    )
    return await _push_page(page)


@socket_handlers.register("doc.stop", permission=ENTER)
async def stop(connection, data: dict) -> dict:
    booth_id = await database_sync_to_async(presenting.stop_presenting)(
        connection.event, data.get("booth"), by=connection.user
    )
    await push_to_group(follow_group(booth_id), "doc.stopped", {"booth": booth_id})
    return {"booth": booth_id}


@socket_handlers.register("doc.follow", permission=ENTER)
async def follow(connection, data: dict) -> dict:
    booth = await database_sync_to_async(presenting.find_booth)(connection.event, data.get("booth"))
    # Joined before reading the current page: a page turned in between arrives as a push.
    await connection.join_group(follow_group(booth.pk))
    staff = await database_sync_to_async(presenting.may_present)(booth, connection.user)
    if staff:
        await connection.join_group(staff_group(booth.pk))  # before the count: none is missed
    else:
        await count_follower(connection, booth.pk)
    booth_id, current = await database_sync_to_async(presenting.current_presentation)(
        connection.event, booth.pk
    )
    if staff:
        return {"booth": booth_id, "presenting": current, "followers": await followers_of(booth_id)}
    return {"booth": booth_id, "presenting": current}


@socket_handlers.register("doc.unfollow", permission=ENTER)
async def unfollow(connection, data: dict) -> dict:
    booth_id = data.get("booth")
    if isinstance(booth_id, int) and not isinstance(booth_id, bool):
        await connection.leave_group(follow_group(booth_id))
        await connection.leave_group(staff_group(booth_id))
        await uncount_follower(connection, booth_id)
    return {}

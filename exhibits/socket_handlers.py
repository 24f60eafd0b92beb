"""Shared documents on the live socket (namespace "doc"): a presenter shows a page, followers see it.
A frame names its place as {"booth": 12} (the booth's staff present) or {"session": 7} (a session's
stage: its speakers on stage and its moderators present while it is live); replies and pushes name
it the same way. For a booth:

-> {"id": 1, "type": "doc.follow", "data": {"booth": 12}}
<- {"id": 1, "type": "ok", "data": {"booth": 12, "presenting": null | {...page...}}}
-> {"id": 2, "type": "doc.present", "data": {"booth": 12, "asset": 7, "page": 1}}   (staff)
<- {"id": 2, "type": "ok", "data": {"booth": 12, "asset": 7, "page": 1, "image": "/media/...", ...}}
<= {"type": "doc.page", "data": {"booth": 12, "asset": 7, "page": 1, "image": "/media/...", ...}}
-> {"id": 3, "type": "doc.page", "data": {"booth": 12, "page": 2}}                  (staff)
-> {"id": 4, "type": "doc.stop", "data": {"booth": 12}}                             (staff)
<= {"type": "doc.stopped", "data": {"booth": 12}}
-> {"id": 5, "type": "doc.unfollow", "data": {"booth": 12}}
   those who may present, who are not counted: their doc.follow reply has "followers", and pushes follow
<- {"id": 6, "type": "ok", "data": {"booth": 12, "presenting": ...,
     "followers": {"booth": 12, "count": 3, "version": 8}}}
<= {"type": "doc.followers", "data": {"booth": 12, "count": 4, "version": 9}}
Errors: auth.forbidden (may not present there), doc.no_such_booth, doc.no_such_session,
doc.no_such_document, doc.no_such_page, doc.not_presenting, doc.not_live (a stage's session is not
running).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from events.live.connection import LiveConnection
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
from .services.presenting import Place

ENTER = ENTER_EVENT


def follow_group(place: str) -> str:
    """The sockets following a place's presenter; apart from the place's presence group so only
    those who chose to follow get pages. A booth's keeps its old name ("follow.12")."""
    kind, _colon, pk = place.partition(":")
    return f"follow.{int(pk)}" if kind == presenting.BOOTH else f"follow.{kind}.{int(pk)}"


@database_sync_to_async
def place_in_frame(connection: LiveConnection, data: dict[str, Any]) -> Place:
    return presenting.find_place(connection.event, data)


async def _push_page(place: Place, page: dict) -> dict:
    await push_to_group(follow_group(place.key), "doc.page", page)
    return page


@socket_handlers.register("doc.present", permission=ENTER)
async def present(connection: LiveConnection, data: dict) -> dict:
    place = await place_in_frame(connection, data)
    page = await database_sync_to_async(presenting.start_presenting)(
        place, data.get("asset"), data.get("page", 1), by=connection.user
    )
    return await _push_page(place, page)


@socket_handlers.register("doc.page", permission=ENTER)
async def turn(connection: LiveConnection, data: dict) -> dict:
    place = await place_in_frame(connection, data)
    page = await database_sync_to_async(presenting.turn_page)(place, data.get("page"), by=connection.user)
    return await _push_page(place, page)


@socket_handlers.register("doc.stop", permission=ENTER)
async def stop(connection: LiveConnection, data: dict) -> dict:
    place = await place_in_frame(connection, data)
    await database_sync_to_async(presenting.stop_presenting)(place, by=connection.user)
    await push_to_group(follow_group(place.key), "doc.stopped", place.frame)
    return place.frame


@socket_handlers.register("doc.follow", permission=ENTER)
async def follow(connection: LiveConnection, data: dict) -> dict:
    place = await place_in_frame(connection, data)
    # Joined before reading the current page: a page turned in between arrives as a push.
    await connection.join_group(follow_group(place.key))
    presenter = await database_sync_to_async(presenting.may_present)(place, connection.user)
    if presenter:
        await connection.join_group(staff_group(place.key))  # before the count: none is missed
    else:
        await count_follower(connection, place.key)
    current = await database_sync_to_async(presenting.current_presentation)(place)
    if presenter:
        return {**place.frame, "presenting": current, "followers": await followers_of(place.key)}
    return {**place.frame, "presenting": current}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@socket_handlers.register("doc.unfollow", permission=ENTER)
async def unfollow(connection: LiveConnection, data: dict) -> dict:
    # Only leaves groups this socket joined, so the place needs no looking up.
    for kind in (presenting.BOOTH, presenting.SESSION):
        if _whole(data.get(kind)):
            key = f"{kind}:{data[kind]}"
            await connection.leave_group(follow_group(key))
            await connection.leave_group(staff_group(key))
            await uncount_follower(connection, key)
    return {}

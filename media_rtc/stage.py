"""A session's stage in live video: loading the room a frame names ({"stage": <session id>}), and
ending the streams of someone who left the stage (events' registry.stage_exits calls it)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from events.models import Session
from events.services.chat import author_of
from events.services.stage import is_named_speaker

from . import errors
from .rooms import STAGE, Room, stage_room
from .routing import get_router


def _load_stage_room(event, session_id: object) -> Room:
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise errors.NoSuchRoom()
    session = Session.objects.select_related("event").filter(pk=session_id, event=event).first()
    if session is None:
        raise errors.NoSuchRoom()
    return Room(stage_room(session.pk), STAGE, None, session=session)


async def stage_room_in_frame(connection, data: dict) -> Room:
    """The stage the frame names ({"stage": 7}): a session of this event."""
    return await database_sync_to_async(_load_stage_room)(connection.event, data.get("stage"))


def _name_on_stage(user, session: Session) -> str:
    """A named speaker by their name (an outside speaker has no registration to choose
    visibility in); someone brought on from the audience as chat shows them."""
    if is_named_speaker(user, session):
        return user.display_name or str(_("Speaker"))
    return author_of(user, session.event)[0]


name_on_stage = database_sync_to_async(_name_on_stage)


async def end_streams_on_stage(session_id: int, user_id: int) -> None:
    """Someone taken off the stage (or no longer its speaker): their publishers close now."""
    await get_router().cut_off(stage_room(session_id), user_id)

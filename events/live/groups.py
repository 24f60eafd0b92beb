"""Live groups: every channel-layer group name the live socket uses, and pushing to a group.

A group gets ``live.push`` messages; each member consumer turns one into a push frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.layers import get_channel_layer

PUSH_MESSAGE = "live.push"


def place_group(kind: str, place_id: int) -> str:
    """The sockets in a small place that shows its people ("<kind>.<id>"): they hear each arrival."""
    return f"{kind}.{int(place_id)}"


def session_group(session_id: int) -> str:
    return f"session.{int(session_id)}"


def lobby_group(event_id: int) -> str:
    return f"lobby.{int(event_id)}"


def event_group(event_id: int) -> str:
    """Everyone connected to the event (announcements, the organiser's live view)."""
    return f"event.{int(event_id)}"


def user_group(event_id: int, user_id: int) -> str:
    """Every socket (tab) of one person in one event: to close them all, e.g. on a ban."""
    return f"user.{int(event_id)}.{int(user_id)}"


async def close_user(event_id: int, user_id: int, code: int = 4403) -> None:
    """Close every socket of a person in an event (they may be on several daphne processes)."""
    await get_channel_layer().group_send(user_group(event_id, user_id), {"type": "live.close", "code": code})


def push_message(frame_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": PUSH_MESSAGE, "frame_type": frame_type, "data": data}


async def push_to_group(name: str, frame_type: str, data: Mapping[str, Any]) -> None:
    """Send a push frame ``{"type": frame_type, "data": data}`` to every socket in the group."""
    await get_channel_layer().group_send(name, push_message(frame_type, data))


async def push_to_channel(channel_name: str, frame_type: str, data: Mapping[str, Any]) -> None:
    """Send a push frame to one socket, wherever its process is."""
    await get_channel_layer().send(channel_name, push_message(frame_type, data))


def chat_group(event_id: int, room: str) -> str:
    """A chat room's listeners ("session:12" → "chat.3.session.12"); apart from presence groups so
    leaving a place's presence never silences its chat."""
    return f"chat.{int(event_id)}.{room.replace(':', '.')}"


def dashboard_group(event_id: int) -> str:
    """The event team's live dashboards: counts per place, each tick something changed."""
    return f"dashboard.{int(event_id)}"


def questions_group(session_id: int) -> str:
    """Everyone following a session's questions: what is approved, voted, answered, pinned, hidden."""
    return f"qa.{int(session_id)}"


def question_moderators_group(session_id: int) -> str:
    """Those who moderate a session's questions: they also hear of each one waiting for approval."""
    return f"qa.{int(session_id)}.moderators"


def stage_group(session_id: int) -> str:
    """Everyone with a session's stage open: how many hands are up. (Not "stage.<id>": that is the
    live-video room's name, whose own group is "rtc.stage.<id>".)"""
    return f"stage.hands.{int(session_id)}"


def stage_moderators_group(session_id: int) -> str:
    """Those who moderate a session's stage: they see who raised a hand."""
    return f"stage.hands.{int(session_id)}.moderators"


def polls_group(session_id: int) -> str:
    """Everyone following a session's polls: each one opened or closed, and results shown to all."""
    return f"polls.{int(session_id)}"


def poll_moderators_group(session_id: int) -> str:
    """Those who run a session's polls: they also hear of drafts and of results kept from the rest."""
    return f"polls.{int(session_id)}.moderators"

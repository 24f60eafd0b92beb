"""Live rooms by name, and the groups of sockets that look at them: a booth's live room
("booth.<id>": its staff publish, everyone in the event watches) and a meeting started from a booth
("meeting.<token>": everyone publishes; one between two visitors has no booth) and a session's stage
("stage.<session id>": its speakers and those brought on publish, everyone in the event watches)
and a conference ("conference.<id>": its invited sites publish, each seat receives the active
speakers; media_rtc/conference_media.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOOTH, MEETING, STAGE = "booth", "meeting", "stage"
CONFERENCE = "conference"
#: Kinds whose key in a frame is a number (a meeting's is its token).
NUMBERED = (BOOTH, STAGE, CONFERENCE)
#: What a member may publish in a room, each under its own publisher id.
PUBLISH_LABELS = ("camera", "screen")


def booth_room(booth_id: int) -> str:
    return f"booth.{int(booth_id)}"


def meeting_room(token: str) -> str:
    return f"meeting.{token}"


def stage_room(session_id: int) -> str:
    """A session's stage; the recording helper names it the same way."""
    return f"stage.{int(session_id)}"


def conference_room(conference_id: int) -> str:
    return f"conference.{int(conference_id)}"


def room_group(room: str) -> str:
    """The sockets looking at a room (its page is open): they get rtc.room.changed and
    rtc.worker_lost."""
    return f"rtc.{room}"


def room_ref(room: str) -> dict:
    """How frames name a room: {"room": "booth.12", "booth": 12}, {"room": ..., "meeting": "..."}
    or {"room": "stage.7", "stage": 7} or {"room": "conference.3", "conference": 3}."""
    kind, _dot, key = room.partition(".")
    return {"room": room, kind: int(key) if kind in NUMBERED else key}


def staff_group(booth_id: int) -> str:
    """The booth's staff who have its page open: they hear "Meet the exhibitor" requests."""
    return f"rtc.staff.{int(booth_id)}"


@dataclass(frozen=True)
class Room:
    """The room a frame names, as loaded for the socket: its booth (a meeting's is the booth it was
    started from), a meeting's members, and whether the demo pattern runs in it. media_rtc.rules
    decides on it who may enter, publish or answer."""

    name: str
    kind: str  # BOOTH, MEETING, STAGE or CONFERENCE
    booth: Any  # exhibits.models.Booth, with its exhibitor and event; None for two visitors' meeting
    members: tuple[
        int, ...
    ] = ()  # a meeting's users (the visitor, then the staff member); a conference's seats
    test_pattern: bool = False
    session: Any = None  # a stage's events.models.Session, with its event
    conference: Any = None  # a conference's media_rtc.models.ConferenceRoom, with its event

    @property
    def booth_id(self) -> int | None:
        return self.booth.pk if self.booth is not None else None

    @property
    def ref(self) -> dict:
        return room_ref(self.name)

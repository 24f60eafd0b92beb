"""The shapes of the frames the live socket sends: every push events sends (docs/protocol.md shows
each as a transcript) and the reply frames. Other apps' pushes (doc.*, rtc.*) are theirs to shape.

tests/events/test_protocol_doc.py holds the code to this: every push type handed to a push
function has its shape in push_shapes (PUSH_SHAPES), and every one is documented.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from events.registry import push_shapes


class Person(TypedDict):
    """What others may know of someone present: both None unless they chose to be visible."""

    person: int | None
    name: str | None


# --- Presence --------------------------------------------------------------------------------


class LobbyCount(TypedDict):
    count: int
    version: int


class SessionCount(TypedDict):
    session: int
    count: int
    version: int


class DashboardCounts(TypedDict):
    """dashboard.counts: people per place of the event, to the team's dashboards. Beside these, one
    {id: count} per kind of place another app registers, under its plural (PlaceKind.plural)."""

    online: int
    lobby: int
    sessions: dict[str, int]


# --- Chat ------------------------------------------------------------------------------------


class ChatMessage(TypedDict):
    id: int
    room: str
    author: str
    role: str
    role_label: str
    text: str  # empty once deleted
    deleted: bool
    sent_at: str  # ISO 8601


class ChatDeleted(TypedDict):
    id: int
    room: str


# --- Q&A on a session -------------------------------------------------------------------------


class AskedQuestion(TypedDict):
    """qa.question: a question as everyone may see it (to moderators only while pending)."""

    id: int
    session: int
    text: str
    author: str | None  # None when asked anonymously: nobody is told who asked
    status: Literal["pending", "approved", "hidden"]
    votes: int
    pinned: bool  # true: every other question of the session is no longer pinned
    answered: bool
    asked_at: str  # ISO 8601
    mine: bool  # false in pushes; a reply says it to the one who asked


class QuestionVotes(TypedDict):
    """qa.votes: the counts that moved, by question id, at most once per QA_VOTE_PUSH_SECONDS."""

    session: int
    votes: dict[str, int]


class QuestionHidden(TypedDict):
    id: int
    session: int


# --- The stage of a session: raised hands ------------------------------------------------------


class RaisedHand(TypedDict):
    """A raised hand as its session's moderators see it (nobody else sees who raised it)."""

    id: int
    name: str
    on_stage: bool
    raised_at: str  # ISO 8601


class StageHands(TypedDict):
    """stage.hands: every hand of the session, to its moderators."""

    session: int
    hands: list[RaisedHand]
    raised: int


class StageRaised(TypedDict):
    """stage.raised: how many hands are up, to everyone with the stage open."""

    session: int
    raised: int


class StageYou(TypedDict):
    """stage.you: to one person's tabs, when a moderator brought them on stage or took them off."""

    session: int
    on_stage: bool
    hand: Literal["none", "raised", "on_stage"]


# --- The socket itself -----------------------------------------------------------------------


class SocketClosing(TypedDict):
    """The last push before we close a socket: why, and for the tab cap what to do next."""

    reason: Literal["flood", "too_many_tabs"]
    message: NotRequired[str]


# Every push's shape by frame type: events' own here, other apps' through the registry
# (events.registry.push_shapes, e.g. the places they add to presence: "<kind>.count").
for push_type, shape in {
    "lobby.count": LobbyCount,
    "session.count": SessionCount,
    "dashboard.counts": DashboardCounts,
    "chat.message": ChatMessage,
    "chat.deleted": ChatDeleted,
    "qa.question": AskedQuestion,
    "qa.votes": QuestionVotes,
    "qa.hidden": QuestionHidden,
    "stage.hands": StageHands,
    "stage.raised": StageRaised,
    "stage.you": StageYou,
    "socket.closing": SocketClosing,
}.items():
    push_shapes.register(push_type, shape)
PUSH_SHAPES = push_shapes


# --- Replies ---------------------------------------------------------------------------------


class PushFrame(TypedDict):
    type: str
    data: Any


class OkFrame(TypedDict):
    id: int | str | None
    type: Literal["ok"]
    data: dict[str, Any]


class ErrorFrame(TypedDict):
    """An error reply; `code` is stable ("chat.muted"), `message` is in the page's language, and
    `data` carries what a client can act on ({"retry_after": 0.5})."""

    id: int | str | None
    type: Literal["error"]
    code: str
    message: str
    data: NotRequired[dict[str, Any]]

"""A session's stage over the live socket: raising a hand, and the moderators bringing someone on
stage and taking them off. The media itself is live video's ("rtc.*" with {"stage": <session>},
docs/protocol-rtc.md). Transcript (docs/protocol.md, "Namespace: stage"):

-> {"id": 1, "type": "stage.join", "data": {"session": 7}}
<- {"id": 1, "type": "ok", "data": {"session": 7, "status": "live", "speaker": false, "on_stage": false,
     "hand": "none", "moderator": false, "raised": 2}}
-> {"id": 2, "type": "stage.hand", "data": {"session": 7, "raised": true}}
<- {"id": 2, "type": "ok", "data": {"session": 7, "hand": "raised"}}
<= {"type": "stage.hands", "data": {"session": 7, "hands": [...], "raised": 3}}      (to moderators)
<= {"type": "stage.raised", "data": {"session": 7, "raised": 3}}                      (to everyone)
   a moderator:
-> {"id": 3, "type": "stage.bring_on", "data": {"session": 7, "hand": 12}}
<- {"id": 3, "type": "ok", "data": {"session": 7, "hand": 12, "on_stage": true}}
<= {"type": "stage.you", "data": {"session": 7, "on_stage": true, "hand": "on_stage"}}  (to that person)
-> {"id": 4, "type": "stage.take_off", "data": {"session": 7, "hand": 12}}
<- {"id": 4, "type": "ok", "data": {"session": 7, "hand": 12, "on_stage": false}}
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Session, StageHand
from events.permissions import ENTER_EVENT
from events.registry import ObjectPermission, socket_handlers
from events.services import stage

from .connection import LiveConnection
from .groups import push_to_group, stage_group, stage_moderators_group, user_group
from .pushes import StageHands, StageRaised, StageYou
from .qa_handlers import session_named

ENTER = ENTER_EVENT
MODERATE = ObjectPermission(
    stage.MODERATE_STAGE,
    gettext_lazy("Only the session's moderators bring people on stage or take them off."),
)


@database_sync_to_async
def hand_in_frame(connection: LiveConnection, data: dict[str, Any]) -> StageHand:
    """The hand a frame names, in the session it names, in this event."""
    session = Session.objects.filter(event=connection.event, pk=_int(data.get("session"))).first()
    if session is None:
        raise stage.StageError(
            _("There is no such session here; reload the page."), code="stage.no_such_session"
        )
    return stage.find_hand(session, data.get("hand"))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- Pushes ---------------------------------------------------------------------------------------


async def push_hands(session: Session) -> None:
    """The moderators get every hand with its name; everyone else only how many are up."""
    await send_hands(session.pk, await database_sync_to_async(stage.hands_of)(session))


async def send_hands(session_id: int, hands: list) -> None:
    raised = len(hands)
    await push_to_group(
        stage_moderators_group(session_id),
        "stage.hands",
        StageHands(session=session_id, hands=hands, raised=raised),
    )
    await push_to_group(
        stage_group(session_id), "stage.raised", StageRaised(session=session_id, raised=raised)
    )


async def tell_person(session: Session, user_id: int, *, on_stage: bool) -> None:
    you = StageYou(session=session.pk, on_stage=on_stage, hand="on_stage" if on_stage else "none")
    await push_to_group(user_group(session.event_id, user_id), "stage.you", you)


# --- Handlers ---------------------------------------------------------------------------------


@socket_handlers.register("stage.join", permission=ENTER, load=session_named)
async def join(connection: LiveConnection, data: dict, session: Session) -> dict:
    state = await database_sync_to_async(stage.stage_state)(session, connection.user)
    await connection.join_group(stage_group(session.pk))
    if state["moderator"]:
        await connection.join_group(stage_moderators_group(session.pk))
    return state


@socket_handlers.register("stage.hand", permission=ENTER, load=session_named)
async def hand(connection: LiveConnection, data: dict, session: Session) -> dict:
    """Raise ("raised": true) or lower ("raised": false) one's own hand."""
    if data.get("raised", True) is not False:
        raised = await database_sync_to_async(stage.raise_hand)(session, by=connection.user)
        state = "on_stage" if raised.on_stage_since else "raised"
    else:
        await database_sync_to_async(stage.lower_hand)(session, by=connection.user)
        state = await database_sync_to_async(stage.stage_state)(session, connection.user)
        state = state["hand"]
    await push_hands(session)
    return {"session": session.pk, "hand": state}


@socket_handlers.register("stage.bring_on", permission=ENTER, load=hand_in_frame, check=MODERATE)
async def bring_on(connection: LiveConnection, data: dict, raised: StageHand) -> dict:
    raised = await database_sync_to_async(stage.bring_on_stage)(raised, by=connection.user)
    await push_hands(raised.session)
    await tell_person(raised.session, raised.user_id, on_stage=True)
    return {"session": raised.session_id, "hand": raised.pk, "on_stage": True}


@socket_handlers.register("stage.take_off", permission=ENTER, load=hand_in_frame, check=MODERATE)
async def take_off(connection: LiveConnection, data: dict, raised: StageHand) -> dict:
    hand_id, user_id, session = raised.pk, raised.user_id, raised.session
    await database_sync_to_async(stage.take_off_stage)(raised, by=connection.user)
    await push_hands(session)
    await tell_person(session, user_id, on_stage=False)
    return {"session": session.pk, "hand": hand_id, "on_stage": False}


# --- From the no-JavaScript forms (events/views/organiser_stage.py): the same pushes ------------


def announce_hands(session: Session) -> None:
    """Read here, in the view's thread: the push itself touches no database."""
    async_to_sync(send_hands)(session.pk, stage.hands_of(session))


def announce_person(session: Session, user_id: int, *, on_stage: bool) -> None:
    async_to_sync(tell_person)(session, user_id, on_stage=on_stage)

"""Who may do what in live video, on the room a frame names (media_rtc.rooms.Room) or on a booth:
the booth's own staff go live and answer meeting requests; everyone in the event looks at a booth's
room; a meeting is its members' and the booth staff's; a session's stage is watched by everyone in
the event and published on by its speakers (events.speak_on_stage). Permission names live here, once."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from events.permissions import MANAGE_EVENT
from events.registry import ObjectPermission
from events.rules import event_is_closed, is_event_owner
from events.services.stage import SPEAK_ON_STAGE as SPEAKS_ON_SESSION_STAGE
from exhibits.rules import booth_event_closed, is_staff_of_booth

from .rooms import BOOTH, CONFERENCE, MEETING, STAGE

#: On a booth: its camera, microphone or screen, and "Meet the exhibitor". Only the booth's own
#: staff, not the event team (a moderator ends a stream by other means), never once closed.
GO_LIVE = "media_rtc.go_live"

#: On a room (the socket's checks, each with what the refused person reads).
ENTER_ROOM = ObjectPermission(
    "media_rtc.enter_room",
    _(
        "This meeting is private: only the people it was arranged for can join. Arrange your own "
        "from a booth page or from “People open to meetings”."
    ),
)
PUBLISH = ObjectPermission("media_rtc.publish", _("Only the booth's staff can go live here."))
SPEAK_ON_STAGE = ObjectPermission(
    "media_rtc.speak_on_stage",
    _(
        "Only the session's speakers, and people a moderator brought on stage, go on air here. "
        "Raise your hand to ask to join them."
    ),
)
ANSWER_MEETING = ObjectPermission(
    "media_rtc.answer_meeting", _("Only the booth's staff answer meeting requests.")
)
#: A conference: its seats (the invited exhibitors' staff, the invited people) and its chair (the
#: event's team) enter and publish; checked first, so the refusal speaks of the conference.
TAKE_SEAT = ObjectPermission(
    "media_rtc.take_seat",
    _(
        "Only the organisations and people invited to this conference take a seat in it. Ask the "
        "organisers to invite you."
    ),
)
CHAIR_CONFERENCE = ObjectPermission(
    "media_rtc.chair_conference",
    _("Only the organisers chair a conference: they mute a site, give the floor and pin a speaker."),
)


@rules.predicate
def is_booth_room(user, room) -> bool:
    return room is not None and room.kind == BOOTH


@rules.predicate
def is_meeting_member(user, room) -> bool:
    return room is not None and room.kind == MEETING and user.pk in room.members


@rules.predicate
def is_stage_room(user, room) -> bool:
    return room is not None and room.kind == STAGE


@rules.predicate
def speaks_on_room_stage(user, room) -> bool:
    return is_stage_room(user, room) and user.has_perm(SPEAKS_ON_SESSION_STAGE, room.session)


@rules.predicate
def is_conference_room(user, room) -> bool:
    return room is not None and room.kind == CONFERENCE


@rules.predicate
def has_conference_seat(user, room) -> bool:
    return is_conference_room(user, room) and user.pk in room.members


@rules.predicate
def chairs_room_conference(user, room) -> bool:
    return is_conference_room(user, room) and user.has_perm(MANAGE_EVENT, room.conference.event)


@rules.predicate
def goes_live_in_room_booth(user, room) -> bool:
    return room is not None and room.booth is not None and user.has_perm(GO_LIVE, room.booth)


rules.add_perm(GO_LIVE, is_staff_of_booth & ~booth_event_closed)
# A booth's room and a stage: anyone the live socket let into the event (checked at connect).
rules.add_perm(
    ENTER_ROOM.permission,
    is_booth_room
    | is_stage_room
    | is_meeting_member
    | goes_live_in_room_booth
    | has_conference_seat
    | chairs_room_conference,
)
rules.add_perm(
    PUBLISH.permission,
    is_meeting_member
    | goes_live_in_room_booth
    | speaks_on_room_stage
    | has_conference_seat
    | chairs_room_conference,
)
rules.add_perm(TAKE_SEAT.permission, ~is_conference_room | has_conference_seat | chairs_room_conference)
rules.add_perm(CHAIR_CONFERENCE.permission, chairs_room_conference)
# Checked before PUBLISH, so that on a stage the refusal speaks of the stage, not of a booth.
rules.add_perm(SPEAK_ON_STAGE.permission, ~is_stage_room | speaks_on_room_stage)
rules.add_perm(ANSWER_MEETING.permission, is_booth_room & goes_live_in_room_booth)


#: On an event: starting and stopping the recording of a session's stage or a booth's room. Its
#: organisers (the event's owners) only, while it is open: moderators and booth staff do not.
RECORD_ROOMS = "media_rtc.record_rooms"
rules.add_perm(RECORD_ROOMS, is_event_owner & ~event_is_closed)

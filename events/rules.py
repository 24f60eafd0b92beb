"""Who may do what to an event: composable predicates (django-rules), one place for every rule."""

from __future__ import annotations

import rules

from .enums import AttendeeStatus, TeamRole
from .models import StageSpeaker
from .permissions import (
    CHANGE_EVENT,
    CHANGE_EVENT_STATUS,
    DELETE_EVENT,
    ENTER_EVENT,
    MANAGE_EVENT,
    MANAGE_TEAM,
    VIEW_EVENT,
)
from .registry import event_roles


def _role(user, event) -> str | None:
    if not user or not user.is_authenticated or event is None:
        return None
    cache = getattr(user, "_rakwon_roles", None)
    if cache is None:
        cache = user._rakwon_roles = {}
    if event.pk not in cache:
        cache[event.pk] = event.team.filter(user=user).values_list("role", flat=True).first()
    return cache[event.pk]


@rules.predicate
def is_event_owner(user, event) -> bool:
    return _role(user, event) == TeamRole.OWNER


@rules.predicate
def is_event_team(user, event) -> bool:
    return _role(user, event) in (TeamRole.OWNER, TeamRole.MODERATOR)


@rules.predicate
def event_is_public(user, event) -> bool:
    return event is not None and event.is_public


@rules.predicate
def event_is_closed(user, event) -> bool:
    return event is not None and event.is_closed


# Seeing the public pages of an event.
rules.add_perm(VIEW_EVENT, event_is_public | is_event_team)
# Seeing the organiser pages of an event (read-only when closed).
rules.add_perm(MANAGE_EVENT, is_event_team)
# Changing anything in the event: closed events are read-only.
rules.add_perm(CHANGE_EVENT, is_event_team & ~event_is_closed)
# Publishing, closing, reopening.
rules.add_perm(CHANGE_EVENT_STATUS, is_event_team)
# Only owners delete the event or change who is on the team.
rules.add_perm(DELETE_EVENT, is_event_owner)
rules.add_perm(MANAGE_TEAM, is_event_owner & ~event_is_closed)


# --- Attendees ------------------------------------------------------------------------------


@rules.predicate
def is_confirmed_attendee(user, event) -> bool:
    if not user or not user.is_authenticated or event is None:
        return False
    return user.attendances.filter(event=event, status=AttendeeStatus.CONFIRMED).exists()


@rules.predicate
def has_event_role(user, event) -> bool:
    """A role another app gives people in the event (registry.event_roles)."""
    if not user or not user.is_authenticated or event is None:
        return False
    return event_roles.has_role(user, event)


@rules.predicate
def is_stage_speaker(user, event) -> bool:
    """Named to speak on one of the event's stages (an outside speaker has no registration)."""
    if not user or not user.is_authenticated or event is None:
        return False
    return StageSpeaker.objects.filter(event=event, user=user).exists()


# Entering the live event (its pages, the socket): the team always; attendees, people with a
# role in the event and its stages' speakers while it is public.
rules.add_perm(
    ENTER_EVENT,
    is_event_team | (event_is_public & (is_confirmed_attendee | has_event_role | is_stage_speaker)),
)

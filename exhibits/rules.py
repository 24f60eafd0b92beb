"""Who may change exhibitors and booths: their own staff, or the event team; never when closed."""

from __future__ import annotations

import rules

from events.rules import is_event_team

from .permissions import (
    CHANGE_BOOTH,
    CHANGE_EXHIBITOR,
    CHANGE_LEADS,
    MANAGE_MEETINGS,
    VIEW_BOOTH_BACKOFFICE,
    VIEW_EXHIBITOR_BACKOFFICE,
    VIEW_LEADS,
    VIEW_MEETING,
)


@rules.predicate
def is_staff_of_exhibitor(user, exhibitor) -> bool:
    if not user or not user.is_authenticated or exhibitor is None:
        return False
    return exhibitor.staff.filter(user=user).exists()


@rules.predicate
def is_team_of_exhibitor_event(user, exhibitor) -> bool:
    return exhibitor is not None and is_event_team(user, exhibitor.event)


@rules.predicate
def exhibitor_event_closed(user, exhibitor) -> bool:
    return exhibitor is not None and exhibitor.event.is_closed


@rules.predicate
def is_staff_of_booth(user, booth) -> bool:
    return booth is not None and is_staff_of_exhibitor(user, booth.exhibitor)


@rules.predicate
def is_team_of_booth_event(user, booth) -> bool:
    return booth is not None and is_event_team(user, booth.event)


@rules.predicate
def sees_booth_exhibitor_backoffice(user, booth) -> bool:
    return booth is not None and user.has_perm(VIEW_EXHIBITOR_BACKOFFICE, booth.exhibitor)


@rules.predicate
def booth_event_closed(user, booth) -> bool:
    return booth is not None and booth.event.is_closed


rules.add_perm(VIEW_EXHIBITOR_BACKOFFICE, is_staff_of_exhibitor | is_team_of_exhibitor_event)
rules.add_perm(
    CHANGE_EXHIBITOR,
    (is_staff_of_exhibitor | is_team_of_exhibitor_event) & ~exhibitor_event_closed,
)
# A booth's back office is its exhibitor's (analytics, the editor).
rules.add_perm(VIEW_BOOTH_BACKOFFICE, sees_booth_exhibitor_backoffice)
rules.add_perm(CHANGE_BOOTH, (is_staff_of_booth | is_team_of_booth_event) & ~booth_event_closed)
# Leads are the exhibitor's alone: visitors shared them with it, not with the organisers
# (docs/leads.md). Notes and ratings freeze with the event; reading and downloading do not.
rules.add_perm(VIEW_LEADS, is_staff_of_exhibitor)
rules.add_perm(CHANGE_LEADS, is_staff_of_exhibitor & ~exhibitor_event_closed)


@rules.predicate
def is_side_of_meeting(user, appointment) -> bool:
    """The visitor who booked it or the booth's staff (exhibits/services/appointments.py)."""
    if appointment is None or not user or not user.is_authenticated:
        return False
    return appointment.attendee.user_id == user.pk or is_staff_of_booth(user, appointment.booth)


# Meetings by appointment are the exhibitor's own, like its leads: its staff publish times,
# confirm and read the agenda; the organisers see counts only (exhibits/views/appointments.py).
rules.add_perm(MANAGE_MEETINGS, is_staff_of_exhibitor)
rules.add_perm(VIEW_MEETING, is_side_of_meeting)

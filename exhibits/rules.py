"""Who may change exhibitors and booths: their own staff, or the event team; never when closed."""

from __future__ import annotations

import rules

from events.rules import is_event_team


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
def booth_event_closed(user, booth) -> bool:
    return booth is not None and booth.event.is_closed


rules.add_perm("exhibits.view_exhibitor_backoffice", is_staff_of_exhibitor | is_team_of_exhibitor_event)
rules.add_perm(
    "exhibits.change_exhibitor",
    (is_staff_of_exhibitor | is_team_of_exhibitor_event) & ~exhibitor_event_closed,
)
rules.add_perm("exhibits.change_booth", (is_staff_of_booth | is_team_of_booth_event) & ~booth_event_closed)
# Leads are the exhibitor's alone: visitors shared them with it, not with the organisers
# (docs/leads.md). Notes and ratings freeze with the event; reading and downloading do not.
rules.add_perm("exhibits.view_leads", is_staff_of_exhibitor)
rules.add_perm("exhibits.change_leads", is_staff_of_exhibitor & ~exhibitor_event_closed)

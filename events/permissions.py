"""The names of the event's permissions, once: rules registers them (events/rules.py), views and
socket handlers ask for them by these constants. Templates may keep the string in {% if perms %}."""

from __future__ import annotations

#: Seeing the public pages of an event (drafts: its team only).
VIEW_EVENT = "events.view_event"
#: Entering the live event: lobby, halls, the socket.
ENTER_EVENT = "events.enter_event"
#: Seeing the organiser pages of an event (read-only once closed).
MANAGE_EVENT = "events.manage_event"
#: Changing anything in the event; closed events are read-only.
CHANGE_EVENT = "events.change_event"
#: Publishing, closing, reopening.
CHANGE_EVENT_STATUS = "events.change_event_status"
#: Deleting the event and shredding its personal data: owners only.
DELETE_EVENT = "events.delete_event"
#: Changing who is on the team (and the event's API tokens and webhooks): owners, while open.
MANAGE_TEAM = "events.manage_team"

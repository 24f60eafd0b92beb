"""The names of the exhibition floor's permissions, once: rules registers them (exhibits/rules.py),
views and socket handlers ask for them by these constants."""

from __future__ import annotations

#: An exhibitor's back office: its staff and the event team.
VIEW_EXHIBITOR_BACKOFFICE = "exhibits.view_exhibitor_backoffice"
#: The back office of a booth: whoever may see its exhibitor's.
VIEW_BOOTH_BACKOFFICE = "exhibits.view_booth_backoffice"
#: Changing an exhibitor's profile or a booth: its staff or the event team, never once closed.
CHANGE_EXHIBITOR = "exhibits.change_exhibitor"
CHANGE_BOOTH = "exhibits.change_booth"
#: Leads are the exhibitor's alone; notes and ratings freeze with the event.
VIEW_LEADS = "exhibits.view_leads"
CHANGE_LEADS = "exhibits.change_leads"
#: Meetings by appointment are the exhibitor's own, like its leads: its staff publish times and
#: read the agenda (the organisers see counts only). A meeting is seen by its two sides only.
MANAGE_MEETINGS = "exhibits.manage_meetings"
VIEW_MEETING = "exhibits.view_meeting"

"""Who may do what in live video: the booth's own staff go live; everyone in the event watches."""

from __future__ import annotations

import rules

from exhibits.rules import booth_event_closed, is_staff_of_booth


@rules.predicate
def may_enter_booth_event(user, booth) -> bool:
    # The same people the live socket lets in: the team, confirmed attendees, exhibitor staff.
    return booth is not None and user.has_perm("events.enter_event", booth.event)


# Going live at a booth (camera, microphone, screen) and answering "Meet the exhibitor": only the
# booth's own staff, not the event team (a moderator ends a stream by other means), never once closed.
rules.add_perm("media_rtc.go_live", is_staff_of_booth & ~booth_event_closed)
rules.add_perm("media_rtc.watch_booth", may_enter_booth_event)

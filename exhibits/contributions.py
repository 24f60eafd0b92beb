"""Everything the exhibition floor adds to events, in one place (events never imports exhibits).

Loaded once by ExhibitsConfig.ready(); each registration names the registry it fills
(events.registry, events.shredder).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import registry
from events.live.presence import ticker
from events.live.socket_handlers import register_place_frames
from events.shredder import shred_strategies

from . import (
    page_sections,
    socket_handlers,  # noqa: F401  shared documents ("doc.*") on the live socket
)
from .models import Booth, Exhibitor, Hall
from .publish_checks import check_floor, check_floor_texts
from .pushes import PLACE_PUSH_SHAPES
from .services import (
    api_party,
    appointment_privacy,
    appointments,
    attendee_data,
    audit_words,
    bookmarks,
    leads,
    presence,
    presentation_followers,
    visitor_meetings,
)
from .services.analytics import VisitMarkShredder
from .services.booth_sessions import BoothPlaces
from .services.charts import FLOOR_CHARTS
from .services.staff_calendar import StaffCalendarFeedShredder
from .services.staff_roles import exhibitor_staff

# Sessions can take place at a booth.
registry.session_places.register(BoothPlaces.kind, BoothPlaces())
# The exhibitors' back office lives at /exhibitor/: no event may be called that; its staff's
# invitations are among the mails an organiser sees failed.
registry.reserved_slugs.register("exhibitor", "the exhibitors' pages (/exhibitor/)")
registry.mail_kinds.register("staff_invitation", _("Exhibitor staff invitation"))

# Shredding an event removes the floor's personal data too.
for strategy in (
    bookmarks.BookmarkShredder(),
    leads.LeadShredder(),
    VisitMarkShredder(),
    appointment_privacy.AppointmentShredder(),
    appointment_privacy.VisitorMeetingShredder(),
    StaffCalendarFeedShredder(),
):
    shred_strategies.register(strategy.name, strategy)

# Deleting a registration (events.services.privacy) also deletes its bookmarks, feed and leads.
registry.attendee_deleted.register("exhibits.bookmarks", bookmarks.forget_bookmarks_of_deleted_attendee)
registry.attendee_deleted.register("exhibits.leads", leads.forget_leads_of_deleted_attendee)

# The attendee's own download ("My data") includes what exhibits holds about them.
registry.attendee_data.register("shared_with_exhibitors", attendee_data.shared_with_exhibitors)
registry.attendee_data.register("bookmarks", attendee_data.bookmarks)
registry.attendee_data.register("meetings", appointment_privacy.attendee_data)
registry.attendee_data.register("visitor_meetings", appointment_privacy.visitor_meeting_data)
# Meetings by appointment: "My meetings" in the event's menu, and the lobby shows a meeting's reminder.
registry.page_sections.register(
    "exhibits.meetings_link", registry.PageSection("event.nav", "exhibits/appointments/_nav_link.html")
)
registry.page_sections.register(
    "exhibits.meeting_reminder", registry.PageSection("lobby", "exhibits/appointments/_reminder.html")
)

# Exhibitor staff enter the live event and are their booths' staff in chat; their accounts stay.
registry.event_roles.register("exhibits.staff", exhibitor_staff)
# An exhibitor has its own API tokens (its leads) and webhooks (a lead shared), made by its staff.
registry.api_parties.register(api_party.PARTY_KIND, api_party.exhibitor_party)
# The audit log names its staff, the leads they download and whose leads they were.
registry.audit_actions.register(audit_words.LEADS_EXPORTED, audit_words.LEADS_EXPORTED_LABEL)
registry.audit_actors.register(audit_words.STAFF_ROLE, audit_words.describe_staff)
registry.audit_subjects.register(audit_words.LEADS_SUBJECT, audit_words.describe_leads)

# Live presence knows halls and booths; entering a booth counts a visit.
# A hall shows its booths' counts; a booth shows who is there and has a chat.
registry.presence_places.register(
    "hall",
    registry.PlaceKind(
        presence.find_hall,
        presence.halls_in_event,
        event_relation="halls",
        plural="halls",
        child_kind="booth",
        children=presence.booths_in_hall,
    ),
)
registry.presence_places.register(
    "booth",
    registry.PlaceKind(
        presence.find_booth,
        presence.booths_in_event,
        event_relation="booths",
        plural="booths",
        parent=presence.hall_of_booth,
        people=True,
        chat=True,
    ),
)
registry.presence_listeners.register("exhibits.booth_visits", presence.count_booth_visits)
# On the live socket: hall.enter, booth.enter and booth.leave.
register_place_frames("hall")
register_place_frames("booth", leave=True)
for push_type, shape in PLACE_PUSH_SHAPES.items():
    registry.push_shapes.register(push_type, shape)
# A booth's staff hear how many follow its presentation; a closing socket follows no more, and in
# the scaled mode each process beats for its followers and sweeps those of dead processes.
registry.push_shapes.register("doc.followers", presentation_followers.Followers)
registry.socket_disconnect_listeners.register(
    "exhibits.uncount_follower", presentation_followers.forget_socket
)
if settings.REDIS_URL:
    ticker.add_chore(
        "presentation followers",
        float(settings.PRESENCE_PROCESS_TTL_SECONDS) / 3,
        async_to_sync(presentation_followers.keep_counting),
    )

# The checklist before publishing: the floor's halls, booths, exhibitors and their texts.
registry.publish_checks.register("exhibits.floor", check_floor)
registry.publish_checks.register("exhibits.texts", check_floor_texts)

# The organiser's overview counts the floor, and their menu leads to its pages; a new draft
# starts with the floor.
for key, label, model, url_name in (
    ("exhibits.halls", _("Halls"), Hall, "floor:halls"),
    ("exhibits.exhibitors", _("Exhibitors"), Exhibitor, "floor:exhibitors"),
    ("exhibits.booths", _("Booths"), Booth, "floor:booths"),
):
    registry.dashboard_counts.register(
        key,
        registry.DashboardCount(
            label, lambda event, model=model: model.objects.filter(event=event).count(), url_name
        ),
    )
    registry.organiser_menu.register(key, registry.MenuEntry(label, url_name))
# Meetings by appointment: the organiser sees how many were booked and held per exhibitor.
registry.organiser_menu.register(
    "exhibits.meetings", registry.MenuEntry(_("Meetings"), "floor:meeting_counts")
)
registry.draft_advice.register("exhibits.floor", _("Add halls, exhibitors and booths, then publish it."))

# The event's pages show the floor: its halls (overview, menu, lobby), the visitor's tour and
# bookmarks (lobby), the halls' and booths' counts (the organiser's live view), the contact details
# an attendee shared (My data).
for key, page, template, context in (
    ("exhibits.event_halls", "event", "_event_halls.html", page_sections.halls),
    ("exhibits.hall_links", "event.nav", "_hall_links.html", page_sections.hall_links),
    ("exhibits.lobby_welcome", "lobby.welcome", "_lobby_welcome.html", None),
    ("exhibits.lobby_tour", "lobby.tour", "_lobby_tour.html", None),
    ("exhibits.lobby_agenda", "lobby.schedule", "_lobby_agenda.html", None),
    ("exhibits.lobby_halls", "lobby", "_lobby_halls.html", page_sections.halls),
    ("exhibits.lobby_bookmarks", "lobby", "_lobby_bookmarks.html", page_sections.bookmarks),
    ("exhibits.live_floor", "organiser.live", "_live_floor.html", page_sections.live_floor),
    ("exhibits.my_data_who_sees", "my_data.who_sees", "_my_data_who_sees.html", None),
    ("exhibits.my_data_leads", "my_data", "_my_data_leads.html", page_sections.shared_contacts),
):
    registry.page_sections.register(key, registry.PageSection(page, f"exhibits/sections/{template}", context))

# The organiser's dashboard charts the floor: its busiest halls and booths, contacts and meetings.
for name, make in FLOOR_CHARTS.items():
    registry.dashboard_charts.register(name, make)


def remind_due_meetings_here() -> int:
    """The web process's reminder chore: the same reminders as beat's task, but its pushes reach
    the open tabs, which live in this process's memory when there is no Redis."""
    return appointments.remind_due_meetings() + visitor_meetings.remind_due_meetings()


if not settings.REDIS_URL:
    ticker.add_chore("meeting reminders", appointments.REMINDER_CHORE_SECONDS, remind_due_meetings_here)

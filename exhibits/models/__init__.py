from .analytics import BoothDailyStats, BoothVisitMark
from .appointments import Appointment, AppointmentStatus, MeetingSlot
from .assets import AssetKind, AssetPage, AssetStatus, BoothAsset, BoothLink
from .bookmarks import Bookmark, CalendarFeed
from .booth import Booth, BoothSession, Tag
from .exhibitor import Exhibitor, ExhibitorStaff, StaffInvitation
from .hall import Hall
from .leads import Lead
from .staff_calendar import StaffCalendarFeed
from .visitor_meetings import VisitorMeeting

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "AssetKind",
    "AssetPage",
    "AssetStatus",
    "Bookmark",
    "Booth",
    "BoothAsset",
    "BoothDailyStats",
    "BoothLink",
    "BoothSession",
    "BoothVisitMark",
    "CalendarFeed",
    "Exhibitor",
    "ExhibitorStaff",
    "Hall",
    "Lead",
    "MeetingSlot",
    "StaffCalendarFeed",
    "StaffInvitation",
    "Tag",
    "VisitorMeeting",
]

from .chat import ChatMessage, ChatSanction
from .event import Event
from .invitation import InvitationBase
from .privacy import AuditLogEntry, ExportJob
from .registration import (
    AccessCode,
    Answer,
    Attendee,
    CountedAttempt,
    Institution,
    Question,
    RegistrationSettings,
    SignInLink,
)
from .schedule import Session, Speaker
from .team import EventTeamMember, TeamInvitation
from .user import User

__all__ = [
    "AccessCode",
    "Answer",
    "Attendee",
    "AuditLogEntry",
    "ChatMessage",
    "ChatSanction",
    "CountedAttempt",
    "Event",
    "EventTeamMember",
    "ExportJob",
    "Institution",
    "InvitationBase",
    "Question",
    "RegistrationSettings",
    "Session",
    "SignInLink",
    "Speaker",
    "TeamInvitation",
    "User",
]

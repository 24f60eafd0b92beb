from .activity import HourlyCount, OnlineSample
from .api import ApiToken, DeliveryStatus, IdempotentAnswer, Webhook, WebhookDelivery
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
from .session_polls import PollOption, PollState, PollVote, SessionPoll
from .session_questions import QuestionStatus, QuestionVote, SessionQuestion, SessionQuestionSettings
from .stage import StageHand, StageSpeaker
from .team import EventTeamMember, TeamInvitation
from .user import User

__all__ = [
    "AccessCode",
    "Answer",
    "ApiToken",
    "Attendee",
    "AuditLogEntry",
    "ChatMessage",
    "ChatSanction",
    "CountedAttempt",
    "DeliveryStatus",
    "Event",
    "EventTeamMember",
    "ExportJob",
    "HourlyCount",
    "IdempotentAnswer",
    "Institution",
    "InvitationBase",
    "OnlineSample",
    "PollOption",
    "PollState",
    "PollVote",
    "Question",
    "QuestionStatus",
    "QuestionVote",
    "RegistrationSettings",
    "Session",
    "SessionPoll",
    "SessionQuestion",
    "SessionQuestionSettings",
    "SignInLink",
    "Speaker",
    "StageHand",
    "StageSpeaker",
    "TeamInvitation",
    "User",
    "Webhook",
    "WebhookDelivery",
]

"""Typed domain errors. Each has a stable code; views show its message, the socket sends its code."""

from __future__ import annotations


class RakwonError(Exception):
    """Base of every domain error: `code` is stable (used in socket frames and tests)."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class EventError(RakwonError):
    code = "event.error"


class EventClosed(EventError):
    code = "event.closed"


class NotAllowed(RakwonError):
    code = "auth.forbidden"


class InvitationError(RakwonError):
    code = "invitation.invalid"


class TeamError(RakwonError):
    code = "team.error"


class ChatError(RakwonError):
    code = "chat.error"


class ApiTokenError(RakwonError):
    code = "api_token.invalid"


class WebhookError(RakwonError):
    code = "webhook.invalid"

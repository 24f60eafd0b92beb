"""Every typed error of live video (engine, routing, signalling, meetings): a stable `code` for the
socket, a message saying what to do; `error_for` turns a media worker's reply back into one.

The messages are lazy translations, so building the engine (and raising these) needs no configured
Django settings; they are translated only when shown.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from events.errors import RakwonError


class RtcError(RakwonError):
    code = "rtc.error"
    default_message = _("Live video failed. Reload the page to try again.")

    def __init__(self, message=None, *, code: str | None = None) -> None:
        super().__init__(message if message is not None else self.default_message, code=code)


class RoomFull(RtcError):
    code = "rtc.room_full"
    default_message = _("This live room is full. Try again in a few minutes or follow the chat.")


class TooManyPublishers(RtcError):
    code = "rtc.too_many_publishers"
    default_message = _(
        "Too many cameras, microphones or screens are live in this room. Stop one before starting another."
    )


class StageFull(RtcError):
    code = "rtc.stage_full"
    default_message = _(
        "The stage is full: as many speakers as it allows are on air. "
        "Wait until one of them leaves the stage."
    )


class NoSuchPublisher(RtcError):
    code = "rtc.no_such_publisher"
    default_message = _("This live stream has ended. Refresh the list of live streams.")


class NotWatching(RtcError):
    code = "rtc.not_watching"
    default_message = _("You are not watching this stream. Start watching it first.")


class BadOffer(RtcError):
    code = "rtc.bad_offer"
    default_message = _(
        "Your browser sent a video set-up this server cannot use. Update the browser or try another one."
    )


class BadTier(RtcError):
    code = "rtc.bad_tier"
    default_message = _("Unknown video quality. Choose standard, low or audio only.")


class MediaUnavailable(RtcError):
    code = "rtc.unavailable"
    default_message = _("Live video is not available right now. Try again in a minute.")


class NoSuchRoom(RtcError):
    code = "rtc.no_such_room"
    default_message = _("This booth or meeting is not here any more. Go back and choose another.")


class BadRequest(RtcError):
    code = "rtc.bad_request"


class NoSuchRequest(RtcError):
    code = "rtc.no_such_request"
    default_message = _("This meeting request has expired or another staff member answered it.")


_BY_CODE = {
    error.code: error
    for error in (
        RoomFull,
        TooManyPublishers,
        StageFull,
        NoSuchPublisher,
        NotWatching,
        BadOffer,
        BadTier,
        MediaUnavailable,
        NoSuchRoom,
        BadRequest,
        NoSuchRequest,
    )
}


def error_for(code: str | None, message: str | None) -> RtcError:
    """The typed error a media worker's reply names; its message is translated here, where the
    socket is, rather than in the worker."""
    known = _BY_CODE.get(code or "")
    if known is not None:
        return known()
    return RtcError(message or None, code=code or RtcError.code)

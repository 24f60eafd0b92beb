"""Typed errors of the live-video engine: a stable `code` for the socket, a message saying what to do.

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

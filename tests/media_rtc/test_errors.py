"""The typed errors of live video and the mapping of a media worker's reply back to them
(media_rtc/errors.py)."""

from __future__ import annotations

import pytest

from media_rtc import errors
from media_rtc.errors import MediaUnavailable, error_for


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("rtc.room_full", errors.RoomFull),
        ("rtc.too_many_publishers", errors.TooManyPublishers),
        ("rtc.no_such_publisher", errors.NoSuchPublisher),
        ("rtc.not_watching", errors.NotWatching),
        ("rtc.bad_offer", errors.BadOffer),
        ("rtc.bad_tier", errors.BadTier),
        ("rtc.unavailable", MediaUnavailable),
        ("rtc.no_such_room", errors.NoSuchRoom),
        ("rtc.no_such_request", errors.NoSuchRequest),
    ],
)
def test_a_workers_error_code_comes_back_as_its_typed_error(code, kind):
    failure = error_for(code, "the worker's own words")

    assert type(failure) is kind
    assert failure.code == code
    assert str(failure.message) == str(kind.default_message)


def test_an_unknown_error_code_keeps_the_workers_message():
    failure = error_for("rtc.something_new", "Something new went wrong.")

    assert (type(failure), failure.code, failure.message) == (
        errors.RtcError,
        "rtc.something_new",
        "Something new went wrong.",
    )

"""Bookmarks of booths and sessions, the attendee's private calendar feed, and their shredding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.enums import AttendeeStatus
from events.errors import RakwonError
from events.models import Attendee, Event, Session
from events.services.privacy import is_deleted_attendee
from events.shredder import ShredItem, ShredStrategy

from ..models import Bookmark, Booth, CalendarFeed
from .tour import booth_of

FEED_TOKEN_BYTES = 32


class BookmarkError(RakwonError):
    code = "bookmark.refused"


def bookmarks_open(attendee: Attendee | None) -> bool:
    """Only a confirmed attendee of a published (not yet closed) event keeps bookmarks."""
    return (
        attendee is not None
        and attendee.status == AttendeeStatus.CONFIRMED
        and attendee.user_id is not None
        and attendee.event.is_published
    )


def _require_open(attendee: Attendee) -> None:
    if attendee.event.is_closed:
        raise BookmarkError(
            _("This event has ended, so bookmarks can no longer change."), code="event.closed"
        )
    if not attendee.event.is_published:
        raise BookmarkError(_("This event is not open to visitors yet."), code="event.not_published")
    if attendee.status != AttendeeStatus.CONFIRMED or attendee.user_id is None:
        raise BookmarkError(
            _(
                "Only confirmed visitors keep bookmarks. You can bookmark once your registration "
                "is confirmed."
            ),
            code="bookmark.not_confirmed",
        )


def _target_fields(target: Booth | Session, attendee: Attendee) -> dict[str, Any]:
    if isinstance(target, Booth):
        fields = {"booth": target}
    elif isinstance(target, Session):
        fields = {"session": target}
    else:
        raise TypeError(f"cannot bookmark a {type(target).__name__}")
    if target.event_id != attendee.event_id:
        raise BookmarkError(_("That is not part of this event."), code="bookmark.other_event")
    return fields


def add_bookmark(target: Booth | Session, *, attendee: Attendee) -> Bookmark:
    """Bookmark a booth or a session; bookmarking it again changes nothing."""
    _require_open(attendee)
    fields = _target_fields(target, attendee)
    try:
        with transaction.atomic():
            bookmark, _created = Bookmark.objects.get_or_create(attendee=attendee, **fields)
    except IntegrityError:  # the same bookmark, added at the same moment from another tab
        bookmark = Bookmark.objects.get(attendee=attendee, **fields)
    return bookmark


@transaction.atomic
def remove_bookmark(target: Booth | Session, *, attendee: Attendee) -> bool:
    """Remove the bookmark; True if there was one."""
    _require_open(attendee)
    deleted, _per_model = Bookmark.objects.filter(
        attendee=attendee, **_target_fields(target, attendee)
    ).delete()
    return bool(deleted)


@dataclass
class Bookmarks:
    booths: list[Booth] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    booth_ids: set[int] = field(default_factory=set)
    session_ids: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.booths or self.sessions)


def bookmarked_ids(attendee: Attendee | None) -> tuple[set[int], set[int]]:
    """The ids of the attendee's bookmarked booths and sessions (cheap: for marking lists)."""
    if attendee is None or attendee.pk is None:
        return set(), set()
    pairs = list(Bookmark.objects.filter(attendee=attendee).values_list("booth_id", "session_id"))
    return {booth for booth, _s in pairs if booth}, {session for _b, session in pairs if session}


def bookmarks_of(attendee: Attendee | None) -> Bookmarks:
    """The attendee's bookmarked booths (by hall and number) and sessions (by start)."""
    if attendee is None or attendee.pk is None:
        return Bookmarks()
    marks = attendee.bookmarks.select_related(
        "booth__hall",
        "booth__exhibitor",
        "session__booth_link__booth__hall",
        "session__booth_link__booth__exhibitor",
    ).prefetch_related("session__speakers")
    booths = sorted(
        (mark.booth for mark in marks if mark.booth_id),
        key=lambda booth: (booth.hall.position, booth.hall_id, booth.number),
    )
    sessions = sorted(
        (mark.session for mark in marks if mark.session_id), key=lambda s: (s.starts_at, s.title, s.pk)
    )
    for session in sessions:
        session.booth = booth_of(session)
    return Bookmarks(
        booths=booths,
        sessions=sessions,
        booth_ids={booth.pk for booth in booths},
        session_ids={session.pk for session in sessions},
    )


# --- The private calendar feed ----------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(FEED_TOKEN_BYTES)


def calendar_feed_of(attendee: Attendee) -> CalendarFeed:
    """The attendee's feed, made on first use."""
    feed = CalendarFeed.objects.filter(attendee=attendee).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(attendee=attendee, token=_new_token())
    except IntegrityError:  # made at the same moment by another request
        return CalendarFeed.objects.get(attendee=attendee)


@transaction.atomic
def renew_calendar_feed(*, attendee: Attendee) -> CalendarFeed:
    """A new secret address for the feed; the old one stops working at once."""
    _require_open(attendee)
    feed = CalendarFeed.objects.select_for_update().filter(attendee=attendee).first()
    if feed is None:
        return CalendarFeed.objects.create(attendee=attendee, token=_new_token())
    feed.token, feed.created_at = _new_token(), timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def feed_by_token(event: Event, token: str) -> CalendarFeed | None:
    """The feed behind a secret address, while its attendee may still enter the event."""
    if not token or len(token) > 64 or not event.is_public:
        return None
    feed = (
        CalendarFeed.objects.filter(attendee__event=event, token=token)
        .select_related("attendee__event")
        .first()
    )
    if feed is None or feed.attendee.status != AttendeeStatus.CONFIRMED or feed.attendee.user_id is None:
        return None
    return feed


# --- Deleting and shredding -------------------------------------------------------------------


def forget_bookmarks_of_deleted_attendee(attendee: Attendee) -> int:
    """A visitor who deleted their registration leaves no bookmarks or feed behind
    (registry.attendee_deleted)."""
    if attendee.pk is None or not is_deleted_attendee(attendee):
        return 0
    with transaction.atomic():
        marks = Bookmark.objects.filter(attendee=attendee).delete()[0]
        feeds = CalendarFeed.objects.filter(attendee=attendee).delete()[0]
    return marks + feeds


class BookmarkShredder(ShredStrategy):
    """Bookmarks say what one visitor was interested in; feeds are secrets tied to them."""

    name = "exhibits.bookmarks"
    label = gettext_lazy("Bookmarks and calendar feeds")

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(
                _("Bookmarks of booths and sessions"), Bookmark.objects.filter(attendee__event=event).count()
            ),
            ShredItem(
                _("Personal calendar feed addresses"),
                CalendarFeed.objects.filter(attendee__event=event).count(),
            ),
        ]

    def export(self, event: Event) -> dict[str, Any]:
        marks = (
            Bookmark.objects.filter(attendee__event=event)
            .select_related("booth", "session")
            .order_by("attendee_id", "created_at", "id")
        )
        feeds = CalendarFeed.objects.filter(attendee__event=event).order_by("attendee_id")
        return {
            "bookmarks": [
                {
                    "attendee": mark.attendee_id,
                    "booth": mark.booth.number if mark.booth_id else None,
                    "session": mark.session.title if mark.session_id else None,
                    "created_at": mark.created_at.isoformat(),
                }
                for mark in marks
            ],
            # The secret itself is not archived: an archive must never reopen a feed.
            "calendar_feeds": [
                {"attendee": feed.attendee_id, "created_at": feed.created_at.isoformat()} for feed in feeds
            ],
        }

    def shred(self, event: Event) -> dict[str, int]:
        return {
            "bookmarks": Bookmark.objects.filter(attendee__event=event).delete()[0],
            "calendar_feeds": CalendarFeed.objects.filter(attendee__event=event).delete()[0],
        }

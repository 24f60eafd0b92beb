"""Bookmarks of booths and sessions, the private calendar feed, and shredding them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from events.enums import AttendeeStatus, EventStatus
from events.services.privacy import delete_registration
from events.services.shredding import describe_shredding
from events.shredder import shred_strategies
from exhibits.models import Bookmark, CalendarFeed
from exhibits.services.bookmarks import (
    BookmarkError,
    BookmarkShredder,
    add_bookmark,
    bookmarked_ids,
    bookmarks_of,
    bookmarks_open,
    calendar_feed_of,
    feed_by_token,
    remove_bookmark,
    renew_calendar_feed,
)
from tests.factories import BoothFactory, EventFactory, HallFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email)


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Router demo")


# --- Adding and removing ----------------------------------------------------------------------


def test_add_bookmark_booth_saves_one_row(attendee, booth_a):
    bookmark = add_bookmark(booth_a, attendee=attendee)

    assert list(Bookmark.objects.values_list("attendee", "booth", "session")) == [
        (attendee.pk, booth_a.pk, None)
    ]
    assert bookmark.target_id == booth_a.pk


def test_add_bookmark_session_saves_one_row(attendee, session):
    add_bookmark(session, attendee=attendee)

    assert list(Bookmark.objects.values_list("attendee", "booth", "session")) == [
        (attendee.pk, None, session.pk)
    ]


def test_add_bookmark_twice_keeps_one(attendee, booth_a, session):
    first = add_bookmark(booth_a, attendee=attendee)
    again = add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)
    add_bookmark(session, attendee=attendee)

    assert again.pk == first.pk
    assert Bookmark.objects.count() == 2


def test_remove_bookmark_removes_only_that_one(attendee, booth_a, session):
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)

    assert remove_bookmark(booth_a, attendee=attendee) is True
    assert remove_bookmark(booth_a, attendee=attendee) is False
    assert list(Bookmark.objects.values_list("booth", "session")) == [(None, session.pk)]


def test_bookmarks_are_per_attendee(event, attendee, booth_a):
    other = AttendeeFactory(event=event)
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(booth_a, attendee=other)

    remove_bookmark(booth_a, attendee=other)

    assert list(Bookmark.objects.values_list("attendee", flat=True)) == [attendee.pk]


@pytest.mark.parametrize(
    "status", [AttendeeStatus.PENDING, AttendeeStatus.REJECTED, AttendeeStatus.CANCELLED]
)
def test_add_bookmark_refused_unless_confirmed(event, booth_a, status):
    attendee = AttendeeFactory(event=event, status=status)

    with pytest.raises(BookmarkError) as refused:
        add_bookmark(booth_a, attendee=attendee)

    assert refused.value.code == "bookmark.not_confirmed"
    assert refused.value.message == (
        "Only confirmed visitors keep bookmarks. You can bookmark once your registration is confirmed."
    )
    assert Bookmark.objects.count() == 0


def test_add_bookmark_refused_when_event_closed(event, attendee, booth_a):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(BookmarkError) as refused:
        add_bookmark(booth_a, attendee=attendee)

    assert (refused.value.code, refused.value.message) == (
        "event.closed",
        "This event has ended, so bookmarks can no longer change.",
    )
    assert Bookmark.objects.count() == 0


def test_remove_bookmark_refused_when_event_closed(event, attendee, booth_a):
    add_bookmark(booth_a, attendee=attendee)
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(BookmarkError):
        remove_bookmark(booth_a, attendee=attendee)

    assert Bookmark.objects.count() == 1


def test_add_bookmark_refused_for_another_events_booth_and_session(attendee):
    elsewhere = EventFactory()
    for target in (BoothFactory(event=elsewhere), SessionFactory(event=elsewhere)):
        with pytest.raises(BookmarkError) as refused:
            add_bookmark(target, attendee=attendee)
        assert refused.value.code == "bookmark.other_event"
    assert Bookmark.objects.count() == 0


def test_bookmark_needs_exactly_one_target(attendee, booth_a, session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(attendee=attendee, booth=booth_a, session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(attendee=attendee)
    assert Bookmark.objects.count() == 0


def test_bookmark_is_unique_per_attendee_and_target(attendee, booth_a):
    Bookmark.objects.create(attendee=attendee, booth=booth_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(attendee=attendee, booth=booth_a)


def test_bookmarks_open_only_for_confirmed_attendee_of_published_event(event, attendee):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)

    assert (bookmarks_open(attendee), bookmarks_open(pending), bookmarks_open(None)) == (True, False, False)
    event.status = EventStatus.CLOSED
    event.save()
    attendee.refresh_from_db()
    assert bookmarks_open(attendee) is False


# --- Reading them -----------------------------------------------------------------------------


def test_bookmarks_of_orders_booths_by_hall_and_sessions_by_start(event, attendee):
    first_hall = HallFactory(event=event, position=1)
    second_hall = HallFactory(event=event, position=2)
    late_booth = BoothFactory(event=event, hall=second_hall, number="A-1")
    early_booth = BoothFactory(event=event, hall=first_hall, number="Z-9")
    starts = dt.datetime.combine(event.starts_on, dt.time(9), tzinfo=event.tz)
    late = SessionFactory(event=event, starts_at=starts + dt.timedelta(hours=3))
    early = SessionFactory(event=event, starts_at=starts)
    for target in (late_booth, late, early_booth, early):
        add_bookmark(target, attendee=attendee)

    marks = bookmarks_of(attendee)

    assert marks.booths == [early_booth, late_booth]
    assert marks.sessions == [early, late]
    assert (marks.booth_ids, marks.session_ids) == ({early_booth.pk, late_booth.pk}, {early.pk, late.pk})
    assert bookmarked_ids(attendee) == ({early_booth.pk, late_booth.pk}, {early.pk, late.pk})


def test_bookmarks_of_nobody_is_empty():
    marks = bookmarks_of(None)

    assert (bool(marks), marks.booths, marks.sessions) == (False, [], [])
    assert bookmarked_ids(None) == (set(), set())


# --- The calendar feed ------------------------------------------------------------------------


def test_calendar_feed_of_is_made_once(attendee):
    feed = calendar_feed_of(attendee)

    assert calendar_feed_of(attendee).token == feed.token
    assert len(feed.token) == 43  # 32 random bytes, URL-safe base64
    assert CalendarFeed.objects.count() == 1


def test_renew_calendar_feed_replaces_the_token(event, attendee):
    old = calendar_feed_of(attendee).token

    new = renew_calendar_feed(attendee=attendee).token

    assert new != old
    assert feed_by_token(event, old) is None
    assert feed_by_token(event, new).attendee == attendee
    assert CalendarFeed.objects.count() == 1


def test_renew_calendar_feed_refused_unless_confirmed(event):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)

    with pytest.raises(BookmarkError):
        renew_calendar_feed(attendee=pending)

    assert CalendarFeed.objects.count() == 0


def test_feed_by_token_refuses_other_event_and_unknown_token(event, attendee):
    token = calendar_feed_of(attendee).token

    assert feed_by_token(EventFactory(), token) is None
    assert feed_by_token(event, token + "x") is None
    assert feed_by_token(event, "") is None
    assert feed_by_token(event, "x" * 65) is None


def test_feed_by_token_stops_when_attendee_is_cancelled(event, attendee):
    token = calendar_feed_of(attendee).token
    attendee.status = AttendeeStatus.CANCELLED
    attendee.save()

    assert feed_by_token(event, token) is None


def test_feed_by_token_stops_when_event_is_a_draft_again(event, attendee):
    token = calendar_feed_of(attendee).token
    event.status = EventStatus.DRAFT
    event.save()

    assert feed_by_token(event, token) is None


# --- Shredding --------------------------------------------------------------------------------


def test_deleting_a_registration_deletes_its_bookmarks_and_feed(event, attendee, booth_a, session):
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)
    token = calendar_feed_of(attendee).token
    other = AttendeeFactory(event=event)
    add_bookmark(booth_a, attendee=other)

    delete_registration(attendee, by=attendee.user)

    assert list(Bookmark.objects.values_list("attendee", flat=True)) == [other.pk]
    assert CalendarFeed.objects.count() == 0
    assert feed_by_token(event, token) is None


def test_saving_an_attendee_keeps_their_bookmarks(attendee, booth_a):
    add_bookmark(booth_a, attendee=attendee)
    attendee.visible_to_others = True
    attendee.save()

    assert Bookmark.objects.count() == 1


def test_bookmark_shredder_is_registered():
    assert isinstance(shred_strategies.get("exhibits.bookmarks"), BookmarkShredder)


def test_bookmark_shredder_describes_exports_and_removes_only_this_event(event, attendee, booth_a, session):
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)
    feed = calendar_feed_of(attendee)
    other_event = EventFactory()
    other = AttendeeFactory(event=other_event)
    add_bookmark(BoothFactory(event=other_event), attendee=other)
    calendar_feed_of(other)
    shredder = BookmarkShredder()

    described = [(str(item.label), item.count) for item in shredder.describe(event)]
    exported = shredder.export(event)
    counts = shredder.shred(event)

    assert described == [("Bookmarks of booths and sessions", 2), ("Personal calendar feed addresses", 1)]
    assert [(mark["attendee"], mark["booth"], mark["session"]) for mark in exported["bookmarks"]] == [
        (attendee.pk, "A-1", None),
        (attendee.pk, None, "Router demo"),
    ]
    assert exported["calendar_feeds"] == [
        {"attendee": attendee.pk, "created_at": feed.created_at.isoformat()}
    ]
    assert feed.token not in str(exported)
    assert counts == {"bookmarks": 2, "calendar_feeds": 1}
    assert shredder.remaining(event) == 0
    assert list(Bookmark.objects.values_list("attendee", flat=True)) == [other.pk]
    assert list(CalendarFeed.objects.values_list("attendee", flat=True)) == [other.pk]


def test_shredding_describes_bookmarks_before_the_owner_confirms(event, attendee, booth_a):
    add_bookmark(booth_a, attendee=attendee)

    described = {strategy.name: items for strategy, items in describe_shredding(event)}

    assert [item.count for item in described["exhibits.bookmarks"]] == [1, 0]

"""Bookmark buttons (plain form posts), the bookmarks page, and renewing the calendar feed address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.enums import AttendeeStatus, EventStatus
from exhibits.models import Bookmark, CalendarFeed
from exhibits.services.bookmarks import add_bookmark, calendar_feed_of
from tests.events.views.helpers import messages_of
from tests.factories import BoothFactory, SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email)


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Router demo")


def bookmark_booth(client, booth, **data):
    return client.post(reverse("visit:bookmark_booth", args=[booth.event.slug, booth.pk]), data)


def bookmark_session(client, session, **data):
    return client.post(reverse("visit:bookmark_session", args=[session.event.slug, session.pk]), data)


# --- Adding and removing ----------------------------------------------------------------------


def test_bookmark_booth_then_back_to_the_page(client, attendee, booth_a):
    client.force_login(attendee.user)

    response = bookmark_booth(client, booth_a, action="add", next=f"/expo/booths/{booth_a.pk}/")

    assert (response.status_code, response["Location"]) == (302, f"/expo/booths/{booth_a.pk}/")
    assert messages_of(response) == ["Booth A-1 (Alpha Systems) is in your bookmarks."]
    assert list(Bookmark.objects.values_list("attendee", "booth")) == [(attendee.pk, booth_a.pk)]


def test_remove_booth_bookmark(client, attendee, booth_a):
    add_bookmark(booth_a, attendee=attendee)
    client.force_login(attendee.user)

    response = bookmark_booth(client, booth_a, action="remove")

    assert (response.status_code, response["Location"]) == (302, f"/expo/booths/{booth_a.pk}/")
    assert messages_of(response) == ["Booth A-1 (Alpha Systems) is no longer in your bookmarks."]
    assert Bookmark.objects.count() == 0


def test_bookmark_session_goes_back_to_it_in_the_agenda(client, attendee, session):
    client.force_login(attendee.user)

    response = bookmark_session(client, session, action="add", next=f"/expo/agenda/#session-{session.pk}")

    assert response["Location"] == f"/expo/agenda/#session-{session.pk}"
    assert messages_of(response) == ["“Router demo” is in your bookmarks."]
    assert list(Bookmark.objects.values_list("session", flat=True)) == [session.pk]


def test_remove_session_bookmark_goes_back_to_the_agenda(client, attendee, session):
    add_bookmark(session, attendee=attendee)
    client.force_login(attendee.user)

    response = bookmark_session(client, session, action="remove")

    assert response["Location"] == f"/expo/agenda/#session-{session.pk}"
    assert messages_of(response) == ["“Router demo” is no longer in your bookmarks."]
    assert Bookmark.objects.count() == 0


@pytest.mark.parametrize(
    "target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)"]
)
def test_bookmark_never_redirects_off_site(client, attendee, booth_a, target):
    client.force_login(attendee.user)

    response = bookmark_booth(client, booth_a, action="add", next=target)

    assert response["Location"] == f"/expo/booths/{booth_a.pk}/"


def test_bookmark_without_action_changes_nothing(client, attendee, booth_a):
    client.force_login(attendee.user)

    response = bookmark_booth(client, booth_a, action="toggle")

    assert messages_of(response) == ["Nothing changed: use the Bookmark button on the page."]
    assert Bookmark.objects.count() == 0


def test_bookmark_by_pending_attendee_is_refused_with_reason(client, event, booth_a):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)
    client.force_login(pending.user)

    response = bookmark_booth(client, booth_a, action="add")

    assert response.status_code == 302
    assert messages_of(response) == [
        "Only confirmed visitors keep bookmarks. You can bookmark once your registration is confirmed."
    ]
    assert Bookmark.objects.count() == 0


def test_bookmark_in_closed_event_is_refused(client, event, attendee, booth_a):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(attendee.user)

    response = bookmark_booth(client, booth_a, action="add")

    assert messages_of(response) == ["This event has ended, so bookmarks can no longer change."]
    assert Bookmark.objects.count() == 0


def test_bookmark_anonymous_is_sent_to_sign_in(client, booth_a):
    response = bookmark_booth(client, booth_a, action="add")

    assert (response.status_code, response["Location"]) == (302, "/expo/signin/")
    assert Bookmark.objects.count() == 0


def test_bookmark_by_staff_without_registration_is_404(client, staff_a, booth_a):
    client.force_login(staff_a)

    assert bookmark_booth(client, booth_a, action="add").status_code == 404
    assert Bookmark.objects.count() == 0


def test_bookmark_of_another_events_booth_is_404(client, attendee):
    other = BoothFactory()
    client.force_login(attendee.user)

    response = client.post(reverse("visit:bookmark_booth", args=["expo", other.pk]), {"action": "add"})

    assert response.status_code == 404
    assert Bookmark.objects.count() == 0


def test_bookmark_by_get_is_not_allowed(client, attendee, booth_a):
    client.force_login(attendee.user)

    response = client.get(reverse("visit:bookmark_booth", args=["expo", booth_a.pk]))

    assert response.status_code == 405


# --- The bookmarks page -----------------------------------------------------------------------


def test_bookmarks_page_lists_them_with_the_feed_address(client, attendee, booth_a, session):
    add_bookmark(booth_a, attendee=attendee)
    add_bookmark(session, attendee=attendee)
    client.force_login(attendee.user)

    response = client.get(reverse("visit:bookmarks", args=["expo"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["bookmarks"].booths == [booth_a]
    assert response.context["bookmarks"].sessions == [session]
    token = CalendarFeed.objects.get(attendee=attendee).token
    assert f'value="http://testserver/expo/calendar/{token}.ics" readonly' in html
    assert '<label for="feed-address">Your calendar feed address</label>' in html
    assert (
        'aria-label="Remove bookmark: Alpha Systems"><span aria-hidden="true">★</span> Remove bookmark'
        in html
    )
    assert (
        'aria-label="Remove bookmark: Router demo"><span aria-hidden="true">★</span> Remove bookmark' in html
    )


def test_bookmarks_page_when_empty_says_how_to_fill_it(client, attendee):
    client.force_login(attendee.user)

    html = client.get(reverse("visit:bookmarks", args=["expo"])).content.decode()

    assert "No booths yet. Use the Bookmark button on a booth's page to find it here again." in html
    assert "No sessions yet." in html


def test_bookmarks_page_for_the_team_explains_there_are_none(client, event, owner):
    client.force_login(owner)

    response = client.get(reverse("visit:bookmarks", args=["expo"]))

    assert response.status_code == 200
    assert "Bookmarks are kept by registered visitors." in response.content.decode()
    assert CalendarFeed.objects.count() == 0


def test_bookmarks_page_refuses_a_cancelled_attendee(client, event):
    cancelled = AttendeeFactory(event=event, status=AttendeeStatus.CANCELLED)
    client.force_login(cancelled.user)

    response = client.get(reverse("visit:bookmarks", args=["expo"]))

    assert response.status_code == 403
    assert "Your registration was cancelled" in response.content.decode()


def test_bookmarks_page_anonymous_is_sent_to_sign_in(client, event):
    response = client.get(reverse("visit:bookmarks", args=["expo"]))

    assert (response.status_code, response["Location"]) == (302, "/expo/signin/")


# --- Renewing the feed address ----------------------------------------------------------------


def test_renew_feed_makes_the_old_address_404(client, attendee):
    old = calendar_feed_of(attendee).token
    client.force_login(attendee.user)

    response = client.post(reverse("visit:calendar_feed_renew", args=["expo"]))

    assert (response.status_code, response["Location"]) == (302, "/expo/bookmarks/#calendar")
    assert messages_of(response) == [
        "Your calendar feed has a new address; the old one no longer works. "
        "Subscribe again in your calendar app with the new address."
    ]
    new = CalendarFeed.objects.get(attendee=attendee).token
    assert new != old
    client.logout()
    assert client.get(f"/expo/calendar/{old}.ics").status_code == 404
    assert client.get(f"/expo/calendar/{new}.ics").status_code == 200


def test_renew_feed_by_pending_attendee_is_refused(client, event):
    pending = AttendeeFactory(event=event, status=AttendeeStatus.PENDING)
    client.force_login(pending.user)

    response = client.post(reverse("visit:calendar_feed_renew", args=["expo"]))

    assert response["Location"] == "/expo/bookmarks/#calendar"
    assert messages_of(response) == [
        "Only confirmed visitors keep bookmarks. You can bookmark once your registration is confirmed."
    ]
    assert CalendarFeed.objects.count() == 0

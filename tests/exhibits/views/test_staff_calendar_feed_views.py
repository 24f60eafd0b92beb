"""The staff member's calendar feed on the meetings agenda (exhibits/views/staff_calendar.py): the
address shown with "Copy" and "Make a new address", the feed fetched without log-in, and every way
it stops answering (renewed, removed from the staff, another exhibitor's address)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from exhibits.models import ExhibitorStaff
from exhibits.services import appointments
from exhibits.services.staff_calendar import staff_calendar_feed_of
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def _feed_url(exhibitor, token: str) -> str:
    return reverse("exhibitor:meetings_calendar_feed", args=[exhibitor.pk, token])


def test_the_agenda_shows_the_feed_address_to_copy_and_renew(client, staff_a, exhibitor_a):
    client.force_login(staff_a)

    page = client.get(reverse("exhibitor:meetings", args=[exhibitor_a.pk])).content.decode()

    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    assert f'value="http://testserver{_feed_url(exhibitor_a, token)}"' in page
    assert '<label for="staff-feed-address">Your calendar feed address</label>' in page
    assert 'data-copy-from="staff-feed-address"' in page
    assert reverse("exhibitor:meetings_calendar_renew", args=[exhibitor_a.pk]) in page


def test_the_agenda_speaks_korean(client, staff_a, exhibitor_a, event):
    event.languages = ["ko", "en"]
    event.save()
    client.force_login(staff_a)

    page = client.get(
        reverse("exhibitor:meetings", args=[exhibitor_a.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()

    assert "내 캘린더에서 보는 미팅" in page
    assert "새 주소 만들기" in page
    assert "복사" in page


def test_the_feed_needs_no_log_in_and_lists_the_meetings(client, staff_a, exhibitor_a, booth_a, event):
    slot = appointments.publish_availability(
        booth_a, day=event.starts_on, start=dt.time(10), end=dt.time(10, 30), length_minutes=30, by=staff_a
    )[0]
    hidden = AttendeeFactory(event=event, display_name="Hidden Hana", visible_to_others=False)
    appointments.book_slot(slot, hidden, by=hidden.user)
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token

    response = client.get(_feed_url(exhibitor_a, token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex"
    assert re.findall(r"SUMMARY:([^\r]+)", response.content.decode()) == ["Meeting with Visitor"]


def test_renewing_the_address_makes_the_old_one_404(client, staff_a, exhibitor_a):
    old = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    client.force_login(staff_a)

    response = client.post(reverse("exhibitor:meetings_calendar_renew", args=[exhibitor_a.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("exhibitor:meetings", args=[exhibitor_a.pk]) + "#calendar"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [
        "Your calendar feed has a new address; the old one no longer works. "
        "Subscribe again in your calendar app with the new address."
    ]
    new = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    client.logout()
    assert new != old
    assert client.get(_feed_url(exhibitor_a, old)).status_code == 404
    assert client.get(_feed_url(exhibitor_a, new)).status_code == 200


def test_the_404_says_what_to_do(client, exhibitor_a):
    response = client.get(_feed_url(exhibitor_a, "not-a-token"))

    # The site's 404 page, as for the visitors' feed: it says the address may be mistyped.
    assert response.status_code == 404
    assert "The address may be mistyped" in response.content.decode()


def test_another_exhibitors_staff_cannot_see_or_renew(client, staff_a, staff_b, exhibitor_a, exhibitor_b):
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    client.force_login(staff_b)

    assert client.get(_feed_url(exhibitor_b, token)).status_code == 404
    assert client.post(reverse("exhibitor:meetings_calendar_renew", args=[exhibitor_a.pk])).status_code == 404
    assert staff_calendar_feed_of(exhibitor_a, by=staff_a).token == token


def test_a_removed_staff_members_feed_is_404(client, staff_a, exhibitor_a):
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    ExhibitorStaff.objects.filter(user=staff_a, exhibitor=exhibitor_a).delete()

    assert client.get(_feed_url(exhibitor_a, token)).status_code == 404


def test_a_deactivated_accounts_feed_is_404(client, staff_a, exhibitor_a):
    token = staff_calendar_feed_of(exhibitor_a, by=staff_a).token
    staff_a.is_active = False
    staff_a.save()

    assert client.get(_feed_url(exhibitor_a, token)).status_code == 404

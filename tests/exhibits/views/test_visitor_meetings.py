"""Meetings between two visitors, the pages (exhibits/views/visitor_meetings.py): the list of
people open to meetings, asking, answering, and who may see what (404 for the hidden)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from exhibits.models import AppointmentStatus, VisitorMeeting
from exhibits.services import visitor_meetings
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def open_person(event, name):
    return AttendeeFactory(event=event, display_name=name, visible_to_others=True, open_to_meetings=True)


@pytest.fixture
def ann(event):
    return open_person(event, "Ann")


@pytest.fixture
def bob(event):
    return open_person(event, "Bob")


def tomorrow_at_ten(event) -> dict:
    day = timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)
    return {"day": day.isoformat(), "start": "10:00", "length": "30", "note": "Hello"}


def asked(event, ann, bob) -> VisitorMeeting:
    starts = timezone.now() + dt.timedelta(days=1)
    return visitor_meetings.ask_for_meeting(event, bob.pk, starts_at=starts, length_minutes=30, by=ann.user)


def test_people_page_lists_open_people_by_public_name_only(client, event, ann, bob):
    AttendeeFactory(event=event, display_name="Hidden Hanna", visible_to_others=False, open_to_meetings=True)
    client.force_login(ann.user)
    body = client.get(reverse("visit:people", args=[event.slug])).content.decode()
    assert "Ask Bob for a meeting" in body
    assert "Hidden Hanna" not in body
    assert "Ask Ann" not in body


def test_people_page_for_who_has_not_opted_in_says_how(client, event, bob):
    shy = AttendeeFactory(event=event, visible_to_others=True)
    client.force_login(shy.user)
    body = client.get(reverse("visit:people", args=[event.slug])).content.decode()
    assert "Bob" not in body
    assert reverse("privacy:my_data", args=[event.slug]) in body


def test_ask_page_posts_a_meeting_in_the_event_time_zone(client, event, ann, bob):
    client.force_login(ann.user)
    response = client.post(reverse("visit:ask_meeting", args=[event.slug, bob.pk]), tomorrow_at_ten(event))
    assert (response.status_code, response["Location"]) == (302, reverse("visit:meetings", args=[event.slug]))
    meeting = VisitorMeeting.objects.get()
    assert (meeting.asker, meeting.invitee, meeting.note) == (ann, bob, "Hello")
    assert timezone.localtime(meeting.starts_at, event.tz).strftime("%H:%M") == "10:00"


def test_ask_page_for_a_hidden_person_is_404_like_an_unknown_one(client, event, ann):
    hidden = AttendeeFactory(event=event, visible_to_others=False, open_to_meetings=True)
    client.force_login(ann.user)
    for pk in (hidden.pk, 999999):
        response = client.get(reverse("visit:ask_meeting", args=[event.slug, pk]))
        assert response.status_code == 404
        assert hidden.display_name not in response.content.decode()


def test_ask_page_past_time_shows_the_reason_and_keeps_the_note(client, event, ann, bob):
    client.force_login(ann.user)
    data = tomorrow_at_ten(event) | {"day": "2020-01-01", "note": "Keep me"}
    response = client.post(reverse("visit:ask_meeting", args=[event.slug, bob.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a time later than now." in body
    assert "Keep me" in body
    assert VisitorMeeting.objects.count() == 0


def test_ask_page_too_long_note_refused(client, event, ann, bob):
    client.force_login(ann.user)
    data = tomorrow_at_ten(event) | {"note": "x" * 501}
    response = client.post(reverse("visit:ask_meeting", args=[event.slug, bob.pk]), data)
    assert response.status_code == 400
    assert VisitorMeeting.objects.count() == 0


def test_invitee_accepts_from_my_meetings(client, event, ann, bob):
    meeting = asked(event, ann, bob)
    client.force_login(bob.user)
    page = client.get(reverse("visit:meetings", args=[event.slug])).content.decode()
    assert "Ann" in page and reverse("visit:visitor_meeting_accept", args=[event.slug, meeting.pk]) in page
    client.post(reverse("visit:visitor_meeting_accept", args=[event.slug, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "move"])
def test_another_visitor_gets_404_and_changes_nothing(client, event, ann, bob, action):
    meeting = asked(event, ann, bob)
    carl = open_person(event, "Carl")
    client.force_login(carl.user)
    url = reverse(f"visit:visitor_meeting_{action}", args=[event.slug, meeting.pk])
    response = client.get(url) if action == "move" else client.post(url)
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.ASKED


def test_cancelling_an_over_meeting_says_why(client, event, ann, bob):
    meeting = asked(event, ann, bob)
    VisitorMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(ann.user)
    response = client.post(reverse("visit:visitor_meeting_cancel", args=[event.slug, meeting.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This meeting is over."]


def test_my_data_saves_the_meeting_choice(client, event):
    me = AttendeeFactory(event=event)
    client.force_login(me.user)
    client.post(
        reverse("privacy:visibility", args=[event.slug]),
        {"visible_to_others": "on", "open_to_meetings": "on"},
    )
    me.refresh_from_db()
    assert (me.visible_to_others, me.open_to_meetings) == (True, True)
    client.post(reverse("privacy:visibility", args=[event.slug]), {"visible_to_others": "on"})
    me.refresh_from_db()
    assert me.open_to_meetings is False


def test_the_organiser_sees_only_the_count_of_visitor_meetings(client, event, owner, ann, bob):
    visitor_meetings.accept_meeting(asked(event, ann, bob), by=bob.user)
    client.force_login(owner)
    page = client.get(reverse("floor:meeting_counts", args=[event.slug])).content.decode()
    row = page[page.index("Visitor with visitor") :].split("</tr>")[0]
    assert row.count('<td class="number">1</td>') == 1 and '<td class="number">0</td>' in row
    assert "Ann" not in page and "Bob" not in page


def test_the_people_page_is_paged_and_fits_the_page_budget(client, event, ann):
    for number in range(25):
        open_person(event, f"Person {number:02}")
    client.force_login(ann.user)
    first = client.get(reverse("visit:people", args=[event.slug]))
    second = client.get(reverse("visit:people", args=[event.slug]) + "?page=2").content.decode()
    assert len(first.content) < 60 * 1024 and b'name="viewport"' in first.content
    assert first.content.decode().count("for a meeting</a>") == 20
    assert second.count("for a meeting</a>") == 5
    assert "Page 2 of 2" in second


def test_the_people_page_speaks_korean(client, event, ann, bob):
    event.languages = ["ko", "en"]
    event.save()
    client.force_login(ann.user)
    page = client.get(reverse("visit:people", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "미팅을 받는 사람들" in page
    assert "Bob 님에게 미팅 요청" in page

"""Meeting pages (exhibits/views/appointments.py): booking from the booth page, "My meetings",
the staff's agenda and publishing, either side's confirm/cancel/move, the organiser's counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from exhibits.models import Appointment, MeetingSlot
from exhibits.services import appointments
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def _day(event) -> dt.date:
    return timezone.localdate(timezone=event.tz) + dt.timedelta(days=1)


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(
        event=event, user=visitor, email=visitor.email, display_name="Hidden Hana", visible_to_others=False
    )


@pytest.fixture
def slots(booth_a, staff_a):
    return appointments.publish_availability(
        booth_a, day=_day(booth_a.event), start=dt.time(10), end=dt.time(11), length_minutes=30, by=staff_a
    )


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_booth_page_offers_free_times_to_a_confirmed_attendee(client, attendee, booth_a, slots):
    client.force_login(attendee.user)
    page = client.get(reverse("visit:booth", args=["expo", booth_a.pk])).content.decode()
    assert "Book a meeting" in page
    assert page.count('name="slot"') == 2
    assert reverse("visit:book_meeting", args=["expo", booth_a.pk]) in page


def test_booking_from_the_booth_page_asks_for_the_time(client, attendee, booth_a, slots):
    client.force_login(attendee.user)
    response = client.post(
        reverse("visit:book_meeting", args=["expo", booth_a.pk]), {"slot": slots[0].pk, "note": "Sensors"}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("visit:meetings", args=["expo"]))
    assert list(Appointment.objects.values_list("slot", "note", "status")) == [
        (slots[0].pk, "Sensors", "asked")
    ]
    mine = client.get(reverse("visit:meetings", args=["expo"])).content.decode()
    assert "<strong>Waiting for the booth's staff to confirm</strong>" in mine


def test_a_note_too_long_is_refused_with_the_note_kept(client, attendee, booth_a, slots):
    client.force_login(attendee.user)
    note = "word " * 120
    response = client.post(
        reverse("visit:book_meeting", args=["expo", booth_a.pk]), {"slot": slots[0].pk, "note": note}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "at most 500 characters" in page
    assert note.strip() in page
    assert Appointment.objects.count() == 0


def test_booking_a_taken_time_is_refused_and_says_what_to_do(client, attendee, booth_a, slots, event):
    other = AttendeeFactory(event=event)
    appointments.book_slot(slots[0], other, by=other.user)
    client.force_login(attendee.user)
    response = client.post(reverse("visit:book_meeting", args=["expo", booth_a.pk]), {"slot": slots[0].pk})
    assert response.status_code == 400
    assert "This time is no longer free. Choose another one." in response.content.decode()
    assert Appointment.objects.filter(attendee=attendee).count() == 0


def test_a_visitor_cannot_see_or_cancel_someone_elses_meeting(client, attendee, slots, event):
    other = AttendeeFactory(event=event, display_name="Other Olga", visible_to_others=True)
    theirs = appointments.book_slot(slots[0], other, note="their secret", by=other.user)
    client.force_login(attendee.user)
    assert "their secret" not in client.get(reverse("visit:meetings", args=["expo"])).content.decode()
    for action in ("meeting_cancel", "meeting_confirm"):
        assert client.post(reverse(f"visit:{action}", args=["expo", theirs.pk])).status_code == 404
    assert client.get(reverse("visit:meeting_move", args=["expo", theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "asked"


def test_staff_of_another_exhibitor_get_404_for_the_meeting_and_the_agenda(
    client, attendee, slots, staff_b, exhibitor_a
):
    booked = appointments.book_slot(slots[0], attendee, by=attendee.user)
    client.force_login(staff_b)
    assert client.post(reverse("visit:meeting_cancel", args=["expo", booked.pk])).status_code == 404
    assert client.get(reverse("exhibitor:meetings", args=[exhibitor_a.pk])).status_code == 404
    booked.refresh_from_db()
    assert booked.status == "asked"


def test_staff_confirm_from_the_agenda_which_names_a_hidden_visitor_visitor(
    client, attendee, slots, staff_a, exhibitor_a
):
    booked = appointments.book_slot(slots[0], attendee, by=attendee.user)
    client.force_login(staff_a)
    agenda = client.get(
        reverse("exhibitor:meetings", args=[exhibitor_a.pk]) + f"?day={_day(exhibitor_a.event)}"
    )
    page = agenda.content.decode()
    assert "10:00–10:30 · Visitor" in page
    assert "Hidden Hana" not in page
    response = client.post(reverse("visit:meeting_confirm", args=["expo", booked.pk]))
    assert response["Location"] == reverse("exhibitor:meetings", args=[exhibitor_a.pk])
    booked.refresh_from_db()
    assert booked.status == "confirmed"


def test_staff_publish_times_and_overlap_is_refused_with_the_form_kept(
    client, staff_a, exhibitor_a, booth_a, slots
):
    client.force_login(staff_a)
    url = reverse("exhibitor:meetings_publish", args=[exhibitor_a.pk])
    form = {
        "booth": booth_a.pk,
        "staff": "",
        "day": _day(booth_a.event).isoformat(),
        "start": "10:15",
        "end": "12:00",
        "length": 30,
        "buffer": 0,
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "overlap meeting times already published" in refused.content.decode()
    assert 'value="10:15"' in refused.content.decode()
    assert MeetingSlot.objects.count() == 2
    done = client.post(url, {**form, "start": "13:00", "end": "14:00"})
    assert done.status_code == 302
    assert _said(done) == ["2 meeting times are published."]
    assert MeetingSlot.objects.count() == 4


def test_the_event_team_is_told_meetings_are_the_exhibitors_own(client, moderator, exhibitor_a):
    client.force_login(moderator)
    assert client.get(reverse("exhibitor:meetings", args=[exhibitor_a.pk])).status_code == 403


def test_the_organiser_sees_counts_per_exhibitor_in_a_table(
    client, owner, attendee, slots, staff_a, exhibitor_a, exhibitor_b
):
    appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, note="secret", by=attendee.user), by=staff_a
    )
    client.force_login(owner)
    page = client.get(reverse("floor:meeting_counts", args=["expo"])).content.decode()
    assert '<th scope="row">Alpha Systems</th><td class="number">1</td><td class="number">0</td>' in page
    assert '<th scope="row">Beta Networks</th><td class="number">0</td><td class="number">0</td>' in page
    assert "secret" not in page and "Hidden Hana" not in page


def test_the_meeting_pages_speak_korean(client, attendee, booth_a, slots):
    client.force_login(attendee.user)
    page = client.get(
        reverse("visit:booth", args=["expo", booth_a.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "미팅 예약" in page


def test_the_agenda_fits_the_page_budget(client, staff_a, exhibitor_a, attendee, slots):
    appointments.book_slot(slots[0], attendee, by=attendee.user)
    client.force_login(staff_a)
    page = client.get(
        reverse("exhibitor:meetings", args=[exhibitor_a.pk]) + f"?day={_day(exhibitor_a.event)}"
    )
    assert page.status_code == 200
    assert len(page.content) < 60 * 1024
    assert b'name="viewport"' in page.content


def test_the_lobby_and_the_booth_page_carry_the_reminder_notice_and_my_meetings(client, attendee, booth_a):
    client.force_login(attendee.user)
    for url in (reverse("attendee:lobby", args=["expo"]), reverse("visit:booth", args=["expo", booth_a.pk])):
        page = client.get(url).content.decode()
        assert page.count("data-meeting-reminder ") == 1, url
        assert "exhibits/meeting_reminder" in page, url
        assert f'<a href="{reverse("visit:meetings", args=["expo"])}">My meetings</a>' in page, url


def test_staff_propose_another_time_and_a_taken_one_is_refused(client, attendee, slots, staff_a, event):
    booked = appointments.confirm_meeting(
        appointments.book_slot(slots[0], attendee, by=attendee.user), by=staff_a
    )
    client.force_login(staff_a)
    url = reverse("visit:meeting_move", args=["expo", booked.pk])
    other = AttendeeFactory(event=event)
    taken = appointments.publish_availability(
        booked.booth, day=_day(event), start=dt.time(15), end=dt.time(15, 30), length_minutes=30, by=staff_a
    )[0]
    appointments.book_slot(taken, other, by=other.user)

    refused = client.post(url, {"slot": taken.pk})
    assert refused.status_code == 400
    assert "This time is no longer free. Choose another one." in refused.content.decode()

    moved = client.post(url, {"slot": slots[1].pk})
    assert moved["Location"] == reverse("exhibitor:meetings", args=[booked.booth.exhibitor_id])
    booked.refresh_from_db()
    assert (booked.slot_id, booked.status, booked.visitor_agreed_at) == (slots[1].pk, "asked", None)


def test_the_organisers_menu_leads_to_the_meeting_counts(client, event, owner):
    client.force_login(owner)
    page = client.get(reverse("floor:booths", args=["expo"])).content.decode()
    assert f'href="{reverse("floor:meeting_counts", args=["expo"])}"' in page

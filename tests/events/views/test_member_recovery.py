"""Institution members' recovery pages: the code shown once at joining, signing in again with it
after clearing cookies (same seat), a new code from "My data", and the organiser freeing a seat."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from events.enums import AttendeeStatus
from events.models import Attendee, AuditLogEntry
from events.services.institutions import create_institution, join_institution, seats_taken
from events.services.recovery import recovery_code_hash
from tests.registration_factories import AttendeeFactory

from .helpers import messages_of

pytestmark = pytest.mark.django_db

CODE = re.compile(r'<code class="recovery-code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>')


@pytest.fixture
def kaist(event, owner):
    return create_institution(event, name="KAIST", seats=2, by=owner)


def joined(client, code, name="Park Jisoo"):
    response = client.post("/expo/join/", {"code": code, "display_name": name})
    assert response.status_code == 200, response.content.decode()[:500]
    return response, CODE.search(response.content.decode()).group(1)


def test_join_page_says_before_joining_that_the_recovery_code_is_the_only_way_back(client, event):
    html = client.get("/expo/join/").content.decode()
    assert (
        "After joining you get a personal recovery code. It is the only way back to your seat "
        "if you clear this browser or change device: print it or write it down."
    ) in html
    assert '<a href="/expo/join/recover/">Continue on another device, or lost your access?</a>' in html


def test_join_shows_the_recovery_code_once_and_stores_only_its_hash(client, event, kaist):
    response, code = joined(client, kaist[1])
    member = Attendee.objects.get()
    assert (response["Cache-Control"], member.recovery_code_hash) == (
        "no-store",
        recovery_code_hash(event, code),
    )
    html = response.content.decode()
    assert "Welcome, Park Jisoo. You joined through KAIST." in html
    assert '<a class="button" href="/expo/lobby/">I have kept my code: go to the lobby</a>' in html
    assert client.get("/expo/lobby/").status_code == 200
    # Shown once: nothing on later pages repeats it.
    assert code not in client.get("/expo/me/").content.decode()


def test_join_posted_again_from_the_same_browser_takes_no_second_seat(client, event, kaist):
    joined(client, kaist[1])
    response = client.post("/expo/join/", {"code": kaist[1], "display_name": "Park Jisoo"})
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")
    assert messages_of(response) == ["You are already in on this device; you kept your seat."]
    assert (Attendee.objects.count(), seats_taken(kaist[0])) == (1, 1)


def test_member_who_cleared_cookies_gets_back_in_with_the_code_on_the_same_seat(client, event, kaist):
    _response, code = joined(client, kaist[1])
    member = Attendee.objects.get()
    cleared = Client()  # a browser with no cookies: another device, or this one after clearing
    assert cleared.get("/expo/lobby/")["Location"] == "/expo/signin/"
    page = cleared.get("/expo/join/recover/").content.decode()
    assert 'autocomplete="off"' in page
    response = cleared.post("/expo/join/recover/", {"code": code.lower()})
    assert (response.status_code, response["Location"]) == (302, "/expo/lobby/")
    assert messages_of(response) == ["Welcome back, Park Jisoo. You are on your seat of KAIST."]
    assert cleared.get("/expo/lobby/").status_code == 200
    assert (Attendee.objects.get().pk, Attendee.objects.count(), seats_taken(kaist[0])) == (member.pk, 1, 1)


def test_recover_with_a_wrong_code_says_what_to_do_and_locks_out_that_sender(client, event, kaist, settings):
    settings.ACCESS_CODE_FAILURES_PER_IP = 1
    response = client.post("/expo/join/recover/", {"code": "ABCD-EFGH-JKLM"})
    assert response.context["form"].errors == {
        "code": [
            "This recovery code is not valid for this event. Type it as printed (XXXX-XXXX-XXXX), "
            "or ask your institution's contact person to free your seat so you can join again."
        ]
    }
    response = client.post("/expo/join/recover/", {"code": "ABCD-EFGH-JKLM"})
    assert response.context["form"].non_field_errors() == [
        "Too many wrong codes were tried. Try again in 15 minutes."
    ]


def test_my_data_makes_a_new_recovery_code_and_the_old_one_stops_working(client, event, kaist):
    _response, old = joined(client, kaist[1])
    assert "Make a new recovery code" in client.get("/expo/me/").content.decode()
    response = client.post("/expo/me/recovery-code/")
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    new = CODE.search(response.content.decode()).group(1)
    assert new != old
    assert Client().post("/expo/join/recover/", {"code": old}).status_code == 200  # refused
    assert Client().post("/expo/join/recover/", {"code": new})["Location"] == "/expo/lobby/"


def test_my_data_of_an_individual_offers_no_recovery_code(client, event):
    attendee = AttendeeFactory(event=event)
    client.force_login(attendee.user)
    assert "recovery code" not in client.get("/expo/me/").content.decode()
    response = client.post("/expo/me/recovery-code/")
    assert (response.status_code, messages_of(response)) == (
        302,
        ["Only members who joined with an institution's code have a seat and a recovery code."],
    )


def test_organiser_sees_members_and_revokes_a_lost_seat_which_signs_out_its_old_browser(
    client, event, owner, kaist, django_capture_on_commit_callbacks
):
    institution, access_code = kaist
    old_browser = Client()
    joined(old_browser, access_code, "Kim Minji")
    member = Attendee.objects.get()
    client.force_login(owner)
    page = client.get(f"/organiser/expo/institutions/{institution.pk}/").content.decode()
    assert "<td>Kim Minji</td>" in page
    assert f'action="/organiser/expo/institutions/{institution.pk}/seats/revoke/"' in page
    assert f'<input type="hidden" name="member" value="{member.pk}">' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organiser/expo/institutions/{institution.pk}/seats/revoke/", {"member": member.pk}
        )
    assert response["Location"] == f"/organiser/expo/institutions/{institution.pk}/"
    assert messages_of(response) == [
        "Kim Minji's seat is free and their browsers are signed out. They can join again with KAIST's code."
    ]
    assert old_browser.get("/expo/lobby/")["Location"] == "/expo/signin/"
    assert (Attendee.objects.get().status, seats_taken(institution)) == (AttendeeStatus.CANCELLED, 0)
    assert AuditLogEntry.objects.get().action == "seat_revoked"
    # The same person joins again on their new device.
    joined(Client(), access_code, "Kim Minji")
    assert seats_taken(institution) == 1


def test_revoke_a_seat_of_another_institution_is_not_found(client, event, owner, kaist):
    _other, other_code = create_institution(event, name="Yonsei", seats=1, by=owner)
    member = join_institution(event, code=other_code, display_name="Lee")
    client.force_login(owner)
    for chosen in (member.pk, "x"):
        response = client.post(
            f"/organiser/expo/institutions/{kaist[0].pk}/seats/revoke/", {"member": chosen}
        )
        assert response.status_code == 404
    assert Attendee.objects.get().status == AttendeeStatus.CONFIRMED


def test_recover_page_in_korean(client, event):
    event.languages = ["en", "ko"]
    event.save()
    try:
        html = client.get("/expo/join/recover/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    finally:
        translation.activate("en")
    assert "복구 코드로 다시 들어가기" in html

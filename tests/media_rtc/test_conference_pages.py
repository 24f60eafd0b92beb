"""The conference pages (media_rtc/views_conference.py): the organiser creates a conference and
invites exhibitors and people with plain forms; its page and its sites' thumbnails are its seats'
and the team's only; every other role is refused or not told it exists."""

from __future__ import annotations

import asyncio

import pytest
from django.urls import reverse

from events.enums import EventStatus, TeamRole
from media_rtc.models import ConferenceRoom
from media_rtc.services.conferences import store_thumbnail
from tests.factories import EventFactory, ExhibitorFactory, StaffFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + bytes(50) + b"\xff\xd9"


@pytest.fixture
def world():
    event = EventFactory(slug="conf-pages", status=EventStatus.PUBLISHED)
    owner = TeamMemberFactory(event=event).user
    moderator = TeamMemberFactory(event=event, role=TeamRole.MODERATOR).user
    invited = ExhibitorFactory(event=event, name="Seoul Institute of Technology")
    other = ExhibitorFactory(event=event, name="Uninvited Industries")
    conference = ConferenceRoom.objects.create(event=event, name="Opening meeting", created_by=owner)
    conference.invited_exhibitors.add(invited)
    person = AttendeeFactory(event=event).user
    conference.invited_people.add(person)
    return {
        "event": event,
        "owner": owner,
        "moderator": moderator,
        "conference": conference,
        "invited": invited,
        "other": other,
        "seat": StaffFactory(exhibitor=invited).user,
        "other_staff": StaffFactory(exhibitor=other).user,
        "person": person,
        "visitor": AttendeeFactory(event=event).user,
    }


def url(name: str, world, *args) -> str:
    return reverse(f"rtc_meetings:{name}", args=[world["event"].slug, *args])


def test_the_organiser_creates_a_conference_and_invites_exhibitors_and_people(client, world):
    client.force_login(world["owner"])
    assert client.get(url("conferences", world)).status_code == 200

    created = client.post(url("conference_create", world), {"name": "  Closing meeting  "})

    conference = ConferenceRoom.objects.get(name="Closing meeting")
    assert created.status_code == 302
    assert created["Location"] == url("conference_edit", world, conference.pk)
    page = client.get(created["Location"])
    assert page.status_code == 200
    assert "Uninvited Industries" in page.content.decode()
    client.post(url("conference_invite_exhibitors", world, conference.pk), {"exhibitor": [world["other"].pk]})
    client.post(
        url("conference_invite_person", world, conference.pk), {"email": world["visitor"].email.upper()}
    )
    assert list(conference.invited_exhibitors.all()) == [world["other"]]
    assert list(conference.invited_people.all()) == [world["visitor"]]

    client.post(url("conference_uninvite", world, conference.pk), {"exhibitor": world["other"].pk})
    client.post(url("conference_uninvite", world, conference.pk), {"person": world["visitor"].pk})
    assert (conference.invited_exhibitors.count(), conference.invited_people.count()) == (0, 0)


def test_bad_invitations_are_refused_with_a_reason_and_change_nothing(client, world):
    client.force_login(world["moderator"])
    conference = world["conference"]
    elsewhere = ExhibitorFactory(event=EventFactory(slug="conf-elsewhere"))

    nameless = client.post(url("conference_create", world), {"name": "   "}, follow=True)
    foreign = client.post(
        url("conference_invite_exhibitors", world, conference.pk), {"exhibitor": [elsewhere.pk]}, follow=True
    )
    stranger = client.post(
        url("conference_invite_person", world, conference.pk), {"email": "nobody@example.org"}, follow=True
    )
    outsider = UserFactory()
    unregistered = client.post(
        url("conference_invite_person", world, conference.pk), {"email": outsider.email}, follow=True
    )

    assert ConferenceRoom.objects.count() == 1
    assert "Give the conference a name the sites will recognise." in nameless.content.decode()
    assert "Choose at least one exhibitor to invite." in foreign.content.decode()
    assert "Nobody has an account with that address." in stranger.content.decode()
    assert f"{outsider.email} has no registration for this event." in unregistered.content.decode()
    assert list(conference.invited_exhibitors.all()) == [world["invited"]]
    assert list(conference.invited_people.all()) == [world["person"]]


@pytest.mark.parametrize("who", ["visitor", "seat", "other_staff", "person"])
def test_nobody_off_the_team_sees_or_changes_the_organisers_pages(client, world, who):
    client.force_login(world[who])
    conference = world["conference"]
    assert client.get(url("conferences", world)).status_code == 404
    assert client.get(url("conference_edit", world, conference.pk)).status_code == 404
    assert client.post(url("conference_create", world), {"name": "Mine"}).status_code == 404
    assert (
        client.post(
            url("conference_invite_person", world, conference.pk), {"email": world[who].email}
        ).status_code
        == 404
    )
    assert client.post(url("conference_delete", world, conference.pk)).status_code == 404
    assert ConferenceRoom.objects.count() == 1
    assert not conference.invited_people.filter(pk=world[who].pk).exclude(pk=world["person"].pk).exists()


def test_a_closed_event_keeps_its_conferences_unchanged(client, world):
    world["event"].status = EventStatus.CLOSED
    world["event"].save()
    client.force_login(world["owner"])
    refused = client.post(url("conference_create", world), {"name": "Late"})
    assert refused.status_code == 403
    assert client.post(url("conference_delete", world, world["conference"].pk)).status_code == 403
    assert ConferenceRoom.objects.count() == 1


def test_the_organiser_deletes_a_conference(client, world):
    client.force_login(world["owner"])
    assert client.post(url("conference_delete", world, world["conference"].pk)).status_code == 302
    assert ConferenceRoom.objects.count() == 0


@pytest.mark.parametrize("who", ["seat", "person", "owner", "moderator"])
def test_the_conference_page_is_its_seats_and_chairs(client, world, who):
    client.force_login(world[who])
    page = client.get(url("conference", world, world["conference"].pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-conference="{world["conference"].pk}"' in html
    assert ('data-chair="1"' in html) is (who in ("owner", "moderator"))
    mine = client.get(url("my_conferences", world))
    assert "Opening meeting" in mine.content.decode()


@pytest.mark.parametrize("who", ["visitor", "other_staff"])
def test_the_uninvited_are_not_told_the_conference_exists(client, world, who):
    client.force_login(world[who])
    assert client.get(url("conference", world, world["conference"].pk)).status_code == 404
    assert "Opening meeting" not in client.get(url("my_conferences", world)).content.decode()


def test_a_stranger_is_sent_to_sign_in(client, world):
    page = client.get(url("conference", world, world["conference"].pk))
    assert page.status_code == 302


def test_a_thumbnail_is_served_to_seats_only_and_from_the_cache(client, world):
    site = f"{world['seat'].pk}-abcd1234:camera"
    version = asyncio.run(store_thumbnail(world["conference"].pk, site, JPEG))
    address = url("conference_thumbnail", world, world["conference"].pk, site) + f"?v={version}"

    client.force_login(world["person"])
    served = client.get(address)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served.content == JPEG
    assert (
        client.get(
            url("conference_thumbnail", world, world["conference"].pk, "9-nobody00:camera")
        ).status_code
        == 404
    )
    assert (
        client.get(url("conference_thumbnail", world, world["conference"].pk, "..%2F..%2Fetc")).status_code
        == 404
    )

    client.force_login(world["visitor"])
    assert client.get(address).status_code == 404
    client.force_login(UserFactory())
    assert client.get(address).status_code == 404


def test_an_invited_attendee_finds_the_conference_in_the_lobby_and_others_do_not(client, world):
    lobby = reverse("attendee:lobby", args=[world["event"].slug])
    client.force_login(world["person"])
    shown = client.get(lobby).content.decode()
    assert "Your conferences" in shown
    assert url("conference", world, world["conference"].pk) in shown
    client.force_login(world["visitor"])
    assert "Your conferences" not in client.get(lobby).content.decode()

"""The chat moderation page: sanctions in force, lifting them (audited), and who sees which
moderation buttons in a chat."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from events.enums import AuditAction, SanctionKind
from events.models import AuditLogEntry, ChatSanction
from events.services import chat
from tests.factories import BoothFactory, StaffFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


def test_page_lists_sanctions_in_force_and_lifting_a_ban_lets_them_back(client, event, moderator):
    attendee = AttendeeFactory(event=event, display_name="Noisy Nam")
    ban = chat.ban(event, attendee.user.pk, by=moderator)
    lifted_mute = chat.mute(event, attendee.user.pk, by=moderator)
    chat.lift_sanction(event, lifted_mute.pk, by=moderator)
    client.force_login(moderator)

    page = client.get(reverse("organiser:moderation", args=[event.slug]))
    assert page.status_code == 200
    assert [row["sanction"].pk for row in page.context["sanctions"]] == [ban.pk]
    assert "Noisy Nam" in page.content.decode()
    assert chat.is_banned(event, attendee.user)

    answer = client.post(reverse("organiser:sanction_lift", args=[event.slug, ban.pk]), follow=True)
    assert "The ban is lifted" in answer.content.decode()
    assert not chat.is_banned(event, attendee.user)
    assert ChatSanction.objects.get(pk=ban.pk).lifted_at is not None
    lifted = AuditLogEntry.objects.filter(event=event, action=AuditAction.SANCTION_LIFTED)
    assert lifted.count() == 2
    assert lifted.first().subject == f"attendee:{attendee.pk}"


def test_lifting_twice_changes_nothing_and_an_unknown_sanction_says_so(client, event, moderator):
    attendee = AttendeeFactory(event=event)
    mute = chat.mute(event, attendee.user.pk, by=moderator)
    client.force_login(moderator)
    url = reverse("organiser:sanction_lift", args=[event.slug, mute.pk])
    client.post(url)
    client.post(url)
    assert AuditLogEntry.objects.filter(action=AuditAction.SANCTION_LIFTED).count() == 1
    gone = client.post(reverse("organiser:sanction_lift", args=[event.slug, 999_999]), follow=True)
    assert "no longer exists" in gone.content.decode()


def test_sanctions_of_another_event_cannot_be_lifted_here(client, event, moderator, owner):
    from tests.factories import EventFactory

    other = EventFactory()
    attendee = AttendeeFactory(event=other)
    elsewhere = ChatSanction.objects.create(event=other, user=attendee.user, kind=SanctionKind.BAN)
    client.force_login(moderator)
    client.post(reverse("organiser:sanction_lift", args=[event.slug, elsewhere.pk]))
    assert ChatSanction.objects.get(pk=elsewhere.pk).lifted_at is None


def _level(event, room, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load live_chat %}{% chat_moderation room as level %}{{ level }}")
    return template.render(Context({"request": request, "event": event, "room": room}))


def test_chat_offers_sanctions_to_the_team_and_deletion_to_the_booths_staff(event, moderator):
    booth = BoothFactory(event=event)
    other_booth = BoothFactory(event=event)
    staff = StaffFactory(exhibitor=booth.exhibitor).user
    visitor = AttendeeFactory(event=event).user
    assert _level(event, f"booth:{booth.pk}", moderator) == "sanction"
    assert _level(event, "announcements", moderator) == "sanction"
    assert _level(event, f"booth:{booth.pk}", staff) == "delete"
    assert _level(event, f"booth:{other_booth.pk}", staff) == ""
    assert _level(event, f"booth:{booth.pk}", visitor) == ""

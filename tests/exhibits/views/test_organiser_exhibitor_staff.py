"""Tests of an exhibitor's organiser page: its staff, invitations by e-mail, removing staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from exhibits.models import ExhibitorStaff, StaffInvitation
from tests.factories import EventFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"floor:{name}", kwargs={"slug": "expo", **kwargs})


def close(event) -> None:
    event.status = EventStatus.CLOSED
    event.save()


def test_exhibitor_detail_shows_staff_and_open_invitations(client, owner, exhibitor_a, staff_a):
    StaffInvitation.objects.create(exhibitor=exhibitor_a, email="old@example.org")
    newer = StaffInvitation.objects.create(exhibitor=exhibitor_a, email="old@example.org")
    expired = StaffInvitation.objects.create(
        exhibitor=exhibitor_a,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(days=1),
    )
    StaffInvitation.objects.create(
        exhibitor=exhibitor_a, email="done@example.org", accepted_at=timezone.now()
    )
    client.force_login(owner)

    response = client.get(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk))

    assert response.status_code == 200
    assert [member.user.email for member in response.context["staff"]] == ["staff-a@example.org"]
    assert response.context["invitations"] == [expired, newer]
    page = response.content.decode()
    assert "Send again" in page
    assert "expired" in page
    assert "done@example.org" not in page


def test_exhibitor_detail_invite_sends_mail_with_link(
    client, owner, exhibitor_a, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), {"email": "New@Example.org"}
        )

    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(exhibitor=exhibitor_a)
    assert (invitation.email, invitation.invited_by) == ("new@example.org", owner)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    token = mail.outbox[0].body.split("/accounts/invitations/staff/")[1].split("/")[0]
    assert StaffInvitation.by_token(token).get() == invitation


def test_exhibitor_detail_send_again_creates_a_fresh_invitation(
    client, owner, exhibitor_a, django_capture_on_commit_callbacks
):
    first = StaffInvitation.objects.create(
        exhibitor=exhibitor_a,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), {"email": "late@example.org"})

    fresh = StaffInvitation.objects.exclude(pk=first.pk).get(email="late@example.org")
    assert fresh.token_hash != first.token_hash
    assert fresh.is_pending is True
    assert len(mail.outbox) == 1
    token = mail.outbox[0].body.split("/accounts/invitations/staff/")[1].split("/")[0]
    assert StaffInvitation.by_token(token).get() == fresh


def test_exhibitor_detail_invite_bad_email_refused_inline(client, owner, exhibitor_a):
    client.force_login(owner)

    response = client.post(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), {"email": "not-an-address"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert StaffInvitation.objects.count() == 0
    assert mail.outbox == []


def test_exhibitor_detail_invite_existing_staff_refused_inline(client, owner, exhibitor_a, staff_a):
    client.force_login(owner)

    response = client.post(
        url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), {"email": "staff-a@example.org"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["staff-a@example.org is already staff of Alpha Systems."]
    }
    assert StaffInvitation.objects.count() == 0


def test_exhibitor_detail_closed_event_readable_but_invite_403(client, owner, event, exhibitor_a):
    close(event)
    client.force_login(owner)

    assert client.get(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk)).status_code == 200
    response = client.post(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), {"email": "new@example.org"})
    assert response.status_code == 403
    assert StaffInvitation.objects.count() == 0


def test_exhibitor_detail_exhibitor_of_another_event_404(client, owner, event):
    other = ExhibitorFactory(event=EventFactory(slug="other"))
    client.force_login(owner)

    assert client.get(url("exhibitor_detail", exhibitor_id=other.pk)).status_code == 404
    assert (
        client.post(url("exhibitor_detail", exhibitor_id=other.pk), {"email": "x@example.org"}).status_code
        == 404
    )
    assert StaffInvitation.objects.count() == 0


def test_staff_remove_removes_the_person(client, owner, exhibitor_a, staff_a):
    staff = ExhibitorStaff.objects.get(user=staff_a)
    client.force_login(owner)

    response = client.post(url("staff_remove", exhibitor_id=exhibitor_a.pk, staff_id=staff.pk), follow=True)

    assert response.redirect_chain == [(url("exhibitor_detail", exhibitor_id=exhibitor_a.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"{staff_a.display_name} is no longer staff of Alpha Systems."
    ]
    assert not ExhibitorStaff.objects.filter(pk=staff.pk).exists()


def test_staff_remove_staff_of_another_exhibitor_404(client, owner, exhibitor_a, staff_b):
    staff = ExhibitorStaff.objects.get(user=staff_b)
    client.force_login(owner)

    response = client.post(url("staff_remove", exhibitor_id=exhibitor_a.pk, staff_id=staff.pk))

    assert response.status_code == 404
    assert ExhibitorStaff.objects.filter(pk=staff.pk).exists()


def test_staff_remove_closed_event_403(client, owner, event, exhibitor_a, staff_a):
    staff = ExhibitorStaff.objects.get(user=staff_a)
    close(event)
    client.force_login(owner)

    assert client.post(url("staff_remove", exhibitor_id=exhibitor_a.pk, staff_id=staff.pk)).status_code == 403
    assert ExhibitorStaff.objects.filter(pk=staff.pk).exists()

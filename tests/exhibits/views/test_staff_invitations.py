"""The whole staff invitation flow: the organiser invites, a new person signs up and accepts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import User
from exhibits.models import ExhibitorStaff, StaffInvitation
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_invited_person_signs_up_accepts_and_sees_the_exhibitor(
    client, owner, exhibitor_a, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    detail = reverse("floor:exhibitor_detail", kwargs={"slug": "expo", "exhibitor_id": exhibitor_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"email": "newcomer@example.org"})
    client.logout()

    assert len(mail.outbox) == 1
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/invitations/staff/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None
    accept_path = link.group(1)

    invitation_page = client.get(accept_path)
    assert invitation_page.status_code == 200
    signup = reverse("accounts:signup")
    assert f"{signup}?next={accept_path}" in invitation_page.content.decode().replace("%2F", "/")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{signup}?next={accept_path}",
            {
                "display_name": "Nina Newcomer",
                "email": "newcomer@example.org",
                "password": PASSWORD,
                "next": accept_path,
            },
        )
    # Sign-up answers alike for any address; the account is made from the mailed link.
    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/sent/")
    assert client.get(response["Location"]).status_code == 200  # the browser follows to "check your mail"
    confirm = re.search(r"http://127\.0\.0\.1:8000(/accounts/signup/confirm/[\w-]+/)", mail.outbox[-1].body)
    response = client.post(confirm.group(1))
    assert response.status_code == 302
    assert response["Location"] == accept_path
    back = client.get(accept_path)
    assert [str(m) for m in back.context["messages"]] == ["Welcome, Nina Newcomer. Your account is ready."]
    assert "Accept invitation" in back.content.decode()

    response = client.post(accept_path)
    assert response.status_code == 302
    assert response["Location"] == reverse("exhibitor:home")

    newcomer = User.objects.get(email="newcomer@example.org")
    assert list(ExhibitorStaff.objects.filter(user=newcomer).values_list("exhibitor__name", flat=True)) == [
        "Alpha Systems"
    ]
    home = client.get(reverse("exhibitor:home"))
    assert [each.name for each in home.context["exhibitors"]] == ["Alpha Systems"]
    assert [str(m) for m in home.context["messages"]] == ["You are now staff of Alpha Systems."]


def test_accept_expired_invitation_refused_and_not_staff(client, exhibitor_a, visitor):
    invitation = StaffInvitation.objects.create(
        exhibitor=exhibitor_a,
        email="visitor@example.org",
        expires_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(visitor)
    path = reverse("staff_invitations:accept", kwargs={"token": invitation.token})

    response = client.post(path, follow=True)

    assert response.redirect_chain == [(path, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation has expired. Ask the organiser to send a new one."
    ]
    assert not ExhibitorStaff.objects.filter(user=visitor).exists()


def test_accept_used_invitation_refused_and_not_staff(client, exhibitor_a, visitor, staff_a):
    invitation = StaffInvitation.objects.create(
        exhibitor=exhibitor_a,
        email="staff-a@example.org",
        accepted_at=timezone.now(),
        accepted_by=staff_a,
    )
    client.force_login(visitor)
    path = reverse("staff_invitations:accept", kwargs={"token": invitation.token})

    response = client.post(path, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "This invitation link is not valid or has already been used."
    ]
    assert not ExhibitorStaff.objects.filter(user=visitor).exists()

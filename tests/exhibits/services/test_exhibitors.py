"""Tests of exhibits.services.exhibitors: inviting staff by mail, accepting, removing, deleting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events.enums import EventStatus
from events.errors import EventClosed, InvitationError
from exhibits.errors import ExhibitorInUse
from exhibits.models import Exhibitor, ExhibitorStaff, StaffInvitation
from exhibits.services.exhibitors import (
    accept_staff_invitation,
    delete_exhibitor,
    invite_staff,
    remove_staff,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invite_staff_mails_the_link_after_commit(exhibitor_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_staff(exhibitor_a, "  New.Person@Example.org ", by=owner)

    invitation.refresh_from_db()
    assert (invitation.email, invitation.invited_by) == ("new.person@example.org", owner)
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert message.subject == "Staff the Alpha Systems booth at Expo"
    token = message.body.split("http://127.0.0.1:8000/accounts/invitations/staff/")[1].split("/")[0]
    assert StaffInvitation.by_token(token).get() == invitation


def test_invite_staff_no_mail_before_commit(exhibitor_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_staff(exhibitor_a, "new@example.org", by=owner)

    assert (len(callbacks), len(mail.outbox)) == (1, 0)


def test_invite_staff_existing_staff_refused(exhibitor_a, staff_a, owner):
    with pytest.raises(InvitationError) as caught:
        invite_staff(exhibitor_a, "staff-a@example.org", by=owner)

    assert caught.value.code == "invitation.already_staff"
    assert caught.value.message == "staff-a@example.org is already staff of Alpha Systems."
    assert StaffInvitation.objects.count() == 0


def test_invite_staff_closed_event_refused(event, exhibitor_a, owner):
    event.status = EventStatus.CLOSED
    event.save()

    with pytest.raises(EventClosed):
        invite_staff(Exhibitor.objects.get(pk=exhibitor_a.pk), "new@example.org", by=owner)

    assert StaffInvitation.objects.count() == 0


def test_accept_staff_invitation_makes_the_user_staff(exhibitor_a, owner, visitor):
    invitation = StaffInvitation.objects.create(exhibitor=exhibitor_a, email="visitor@example.org")

    staff = accept_staff_invitation(invitation.token, by=visitor)

    invitation.refresh_from_db()
    assert (staff.exhibitor, staff.user) == (exhibitor_a, visitor)
    assert invitation.accepted_by == visitor
    assert invitation.accepted_at is not None


def test_accept_staff_invitation_expired_refused(exhibitor_a, visitor):
    invitation = StaffInvitation.objects.create(
        exhibitor=exhibitor_a,
        email="visitor@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    with pytest.raises(InvitationError) as caught:
        accept_staff_invitation(invitation.token, by=visitor)

    assert caught.value.code == "invitation.expired"
    assert caught.value.message == "This invitation has expired. Ask the organiser to send a new one."
    assert ExhibitorStaff.objects.filter(user=visitor).count() == 0
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accept_staff_invitation_used_refused(exhibitor_a, visitor):
    invitation = StaffInvitation.objects.create(exhibitor=exhibitor_a, email="visitor@example.org")
    accept_staff_invitation(invitation.token, by=visitor)
    someone_else = UserFactory()

    with pytest.raises(InvitationError) as caught:
        accept_staff_invitation(invitation.token, by=someone_else)

    assert caught.value.code == "invitation.invalid"
    assert caught.value.message == "This invitation link is not valid or has already been used."
    assert ExhibitorStaff.objects.filter(user=someone_else).count() == 0


def test_accept_staff_invitation_unknown_token_refused(visitor):
    with pytest.raises(InvitationError) as caught:
        accept_staff_invitation("no-such-token", by=visitor)

    assert caught.value.code == "invitation.invalid"


def test_remove_staff_removes_only_that_person(exhibitor_a, staff_a, visitor):
    other = ExhibitorStaff.objects.create(exhibitor=exhibitor_a, user=visitor)

    remove_staff(ExhibitorStaff.objects.get(user=staff_a))

    assert list(ExhibitorStaff.objects.filter(exhibitor=exhibitor_a)) == [other]


def test_delete_exhibitor_with_booth_refused_and_nothing_deleted(booth_a, exhibitor_a):
    with pytest.raises(ExhibitorInUse) as caught:
        delete_exhibitor(exhibitor_a)

    assert caught.value.message == "Alpha Systems still has a booth. Delete the booth first."
    assert Exhibitor.objects.filter(pk=exhibitor_a.pk).exists()


def test_delete_exhibitor_without_booth_deletes_it(exhibitor_b):
    delete_exhibitor(exhibitor_b)

    assert not Exhibitor.objects.filter(pk=exhibitor_b.pk).exists()


# --- Bound to the invited address, stored hashed (issue 10, part 9b) ---------------------------


def test_accept_staff_invitation_by_another_account_is_refused(exhibitor_a):
    invitation = StaffInvitation.objects.create(exhibitor=exhibitor_a, email="invited@example.org")
    intruder = UserFactory(email="intruder@example.org")
    with pytest.raises(InvitationError) as caught:
        accept_staff_invitation(invitation.token, by=intruder)
    assert (caught.value.code, caught.value.message) == (
        "invitation.wrong_account",
        "This invitation was sent to i•••@e•••.org, but you are logged in as intruder@example.org. "
        "Log out, then log in (or create a log-in) with the invited address to accept it.",
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_at, ExhibitorStaff.objects.filter(user=intruder).exists()) == (None, False)


def test_staff_invitation_database_holds_only_the_hash_of_the_mailed_token(
    exhibitor_a, owner, django_capture_on_commit_callbacks
):
    import hashlib
    import re

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_staff(exhibitor_a, "new@example.org", by=owner)
    token = re.search(r"/accounts/invitations/staff/([\w-]+)/", mail.outbox[0].body).group(1)
    stored = StaffInvitation.objects.filter(pk=invitation.pk).values()[0]
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert [key for key, value in stored.items() if token in str(value)] == []
    staff = accept_staff_invitation(token, by=UserFactory(email="new@example.org"))
    assert staff.exhibitor == exhibitor_a

"""The `attendee_deleted` hook (events/registry.py): deleting a registration tells the other apps,
inside its transaction; merely saving an attendee runs none of their code."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.models.signals import post_save

from events.models import Attendee
from events.registry import attendee_deleted
from events.services.privacy import delete_registration
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee(event, visitor):
    return AttendeeFactory(event=event, user=visitor, email=visitor.email)


def test_no_app_listens_to_every_save_of_an_attendee():
    receivers = [receiver for receiver in post_save._live_receivers(Attendee)[0]]

    assert [f"{each.__module__}.{each.__name__}" for each in receivers] == []


def test_saving_an_attendee_calls_no_exhibits_code(attendee):
    with (
        mock.patch("exhibits.services.bookmarks.forget_bookmarks_of_deleted_attendee") as bookmarks,
        mock.patch("exhibits.services.leads.forget_leads_of_deleted_attendee") as leads,
    ):
        attendee.visible_to_others = True
        attendee.save()

    assert (bookmarks.call_count, leads.call_count) == (0, 0)


def test_deleting_a_registration_calls_each_hook_once_with_the_anonymised_attendee(attendee):
    seen = []

    def remember(deleted: Attendee) -> None:
        seen.append((deleted.pk, deleted.email, deleted.user_id, Attendee.objects.get(pk=deleted.pk).email))

    attendee_deleted.register("tests.remember", remember)
    try:
        delete_registration(attendee, by=attendee.user)
    finally:
        attendee_deleted.unregister("tests.remember")

    assert seen == [(attendee.pk, "", None, "")]


def test_a_failing_hook_undoes_the_whole_deletion(attendee):
    def broken(deleted: Attendee) -> None:
        raise RuntimeError("the disk is full")

    attendee_deleted.register("tests.broken", broken)
    try:
        with pytest.raises(RuntimeError, match="the disk is full"):
            delete_registration(attendee, by=attendee.user)
    finally:
        attendee_deleted.unregister("tests.broken")

    attendee.refresh_from_db()
    assert (attendee.email, attendee.user_id is not None) == ("visitor@example.org", True)

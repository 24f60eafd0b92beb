"""Who else works in an event (events.registry.event_roles) also names itself in chat and tells
sign-in which accounts hold rights: events has no word of its own for them."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from events import registry
from events.services.signin import signs_in_with_password
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _role(label: str, accounts=lambda ids: set()) -> registry.EventRole:
    return registry.EventRole(
        of_event=lambda user, event: False,
        of_place=lambda user, kind, pk: False,
        accounts=accounts,
        chat_label=label,
    )


def test_chat_names_staff_by_the_first_registered_role_and_generically_without_one():
    roles = registry.EventRoleRegistry("event role")
    assert str(roles.chat_label()) == "Staff"

    roles.register("club", _role("Club host"))
    roles.register("band", _role("Band crew"))

    assert roles.chat_label() == "Club host"


def test_the_chat_box_labels_staff_as_the_floor_registers_them(event):
    html = render_to_string("events/live/chat.html", {"chat_room": "announcements", "event": event})

    assert 'data-chat-role-staff="Exhibitor staff"' in html


def test_an_account_with_a_registered_role_signs_in_with_its_password():
    plain, host = UserFactory(password=None), UserFactory(password=None)
    for user in (plain, host):
        user.set_unusable_password()
        user.save()
    registry.event_roles.register("test.club", _role("Club host", accounts=lambda ids: {host.pk} & set(ids)))
    try:
        assert (signs_in_with_password(plain), signs_in_with_password(host)) == (False, True)
    finally:
        registry.event_roles.unregister("test.club")

"""The one permission mixin of the events and exhibits views: who is sent to log in, who gets 404
(the object is not revealed), who gets 403 with the reason; reading versus changing; closed events."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View

import events.views
import exhibits.views
from events import permissions as event_permissions
from events.enums import EventStatus
from events.views.mixins import ChangeEventMixin, OrganiserMixin, SignedInAttendeeMixin
from exhibits import permissions as exhibit_permissions
from exhibits.permissions import CHANGE_EXHIBITOR
from exhibits.views.mixins import BoothBackofficeMixin, ExhibitorBackofficeMixin
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db

CLOSED = "This event is closed and can no longer be changed. Reopen it first."
CLOSED_FOR_STAFF = "This event is closed and can no longer be changed."


class Answers:
    def get(self, request, *args, **kwargs):
        return HttpResponse("read")

    def post(self, request, *args, **kwargs):
        return HttpResponse("written")

    put = post


class TeamPage(OrganiserMixin, Answers, View):
    """The team reads it; only owners (of an open event) post."""

    write_permission = event_permissions.MANAGE_TEAM


class EventEditPage(ChangeEventMixin, Answers, View):
    """Exists only to change the event: the form itself is refused once closed."""


class ExhibitorPage(ExhibitorBackofficeMixin, Answers, View):
    write_permission = CHANGE_EXHIBITOR


class BoothPage(BoothBackofficeMixin, Answers, View):
    pass


class AttendeePage(SignedInAttendeeMixin, Answers, View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(f"attendee {self.attendee.pk}")


def ask(view_class, user, method="get", **kwargs):
    request = getattr(RequestFactory(), method)("/somewhere/?page=2")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = view_class.as_view()(request, **kwargs)
    response.wsgi_request = request  # for get_messages, as the test client gives it
    return response


# --- Anonymous: sent to log in, before anything is looked up ------------------------------------


def test_anonymous_is_sent_to_log_in_with_the_way_back(event):
    response = ask(TeamPage, None, slug=event.slug)

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/somewhere/%3Fpage%3D2",
    )


def test_anonymous_is_sent_to_log_in_even_for_an_event_that_does_not_exist(db):
    response = ask(TeamPage, None, slug="no-such-event")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?")


def test_anonymous_post_is_sent_to_log_in_too(event):
    response = ask(TeamPage, None, "post", slug=event.slug)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?")


# --- Outsiders: 404, whether the object exists or not --------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_outside_the_team_gets_404(event, staff_a, method):
    with pytest.raises(Http404) as refused:
        ask(TeamPage, staff_a, method, slug=event.slug)

    assert str(refused.value) == "No such event."


def test_an_event_that_does_not_exist_is_404_too(staff_a):
    with pytest.raises(Http404) as refused:
        ask(TeamPage, staff_a, slug="no-such-event")

    assert str(refused.value) == "No Event matches the given query."  # get_object_or_404's own


def test_staff_of_another_exhibitor_do_not_learn_it_exists(exhibitor_a, staff_b):
    with pytest.raises(Http404) as refused:
        ask(ExhibitorPage, staff_b, exhibitor_id=exhibitor_a.pk)

    assert str(refused.value) == "No such exhibitor."


def test_staff_of_another_exhibitor_do_not_learn_a_booth_exists(booth_a, staff_b):
    with pytest.raises(Http404) as refused:
        ask(BoothPage, staff_b, booth_id=booth_a.pk)

    assert str(refused.value) == "No such booth."


# --- Who may see but not do: 403 with the reason ---------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_the_team_reads(event, moderator, method):
    response = ask(TeamPage, moderator, method, slug=event.slug)

    assert response.status_code == 200


def test_a_moderator_may_read_but_not_post_and_is_told_why(event, moderator):
    with pytest.raises(PermissionDenied) as refused:
        ask(TeamPage, moderator, "post", slug=event.slug)

    assert str(refused.value) == "Only an owner of the event can do this."


def test_any_changing_method_needs_the_write_permission(event, moderator):
    with pytest.raises(PermissionDenied):
        ask(TeamPage, moderator, "put", slug=event.slug)


def test_an_owner_posts(event, owner):
    response = ask(TeamPage, owner, "post", slug=event.slug)

    assert (response.status_code, response.content) == (200, b"written")


def test_staff_and_the_team_both_see_an_exhibitors_back_office(exhibitor_a, staff_a, moderator):
    answers = [
        ask(ExhibitorPage, user, exhibitor_id=exhibitor_a.pk).status_code for user in (staff_a, moderator)
    ]

    assert answers == [200, 200]


# --- Closed events: read-only, with today's message ------------------------------------------------


@pytest.fixture
def closed(event):
    event.status = EventStatus.CLOSED
    event.save(update_fields=["status"])
    return event


def test_a_closed_event_is_still_read(closed, owner):
    response = ask(TeamPage, owner, slug=closed.slug)

    assert (response.status_code, response.content) == (200, b"read")


@pytest.mark.parametrize("role", ["owner", "moderator"])
def test_a_closed_event_refuses_changes_with_the_reason(closed, role, request):
    with pytest.raises(PermissionDenied) as refused:
        ask(TeamPage, request.getfixturevalue(role), "post", slug=closed.slug)

    assert str(refused.value) == CLOSED


def test_a_page_that_only_changes_is_refused_on_get_once_closed(closed, owner):
    with pytest.raises(PermissionDenied) as refused:
        ask(EventEditPage, owner, slug=closed.slug)

    assert str(refused.value) == CLOSED


def test_the_same_page_opens_while_the_event_is_open(event, owner):
    assert ask(EventEditPage, owner, slug=event.slug).status_code == 200


def test_an_exhibitor_of_a_closed_event_reads_but_does_not_change(closed, exhibitor_a, staff_a):
    assert ask(ExhibitorPage, staff_a, exhibitor_id=exhibitor_a.pk).status_code == 200
    with pytest.raises(PermissionDenied) as refused:
        ask(ExhibitorPage, staff_a, "post", exhibitor_id=exhibitor_a.pk)

    assert str(refused.value) == CLOSED_FOR_STAFF


# --- The signed-in attendee's own pages ---------------------------------------------------------


def test_an_attendee_page_sends_strangers_to_sign_in_with_the_way_back(event):
    response = ask(AttendeePage, None, slug=event.slug)

    assert (response.status_code, response["Location"]) == (
        302,
        "/expo/signin/?next=/somewhere/%3Fpage%3D2",
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Sign in with the link from your mail, or with its code here."
    ]


def test_an_attendee_page_is_404_for_someone_without_a_registration(event, visitor):
    with pytest.raises(Http404) as refused:
        ask(AttendeePage, visitor, slug=event.slug)

    assert str(refused.value) == "You have no registration for this event."


def test_an_attendee_page_loads_the_attendees_own_registration(event, visitor):
    attendee = AttendeeFactory(event=event, user=visitor, email=visitor.email)

    response = ask(AttendeePage, visitor, slug=event.slug)

    assert response.content == f"attendee {attendee.pk}".encode()


def test_an_attendee_page_of_a_draft_is_404_before_the_registration_is_looked_at(event, visitor):
    AttendeeFactory(event=event, user=visitor, email=visitor.email)
    event.status = EventStatus.DRAFT
    event.save(update_fields=["status"])

    with pytest.raises(Http404) as refused:
        ask(AttendeePage, visitor, slug=event.slug)

    assert str(refused.value) == "No such event."


# --- One place for the names, and no hand-written checks left ---------------------------------------


@pytest.mark.parametrize("module", [event_permissions, exhibit_permissions])
def test_every_permission_name_is_registered_with_rules(module):
    names = [value for key, value in vars(module).items() if key.isupper()]

    assert [name for name in names if not rules.perm_exists(name)] == []
    assert len(names) >= 6


# A dispatch() of its own is kept only where a view does something else than permissions.
DISPATCH_KEPT = {
    "events.views.mixins.PermissionMixin",  # the one check
    "events.views.organiser_registration.SettingsView",  # the event's time zone around the request
    "events.views.organiser_event.EventCreateView",  # a right of the account, not of an object
    "events.views.accounts.InviteOrganiserView",  # the same: superusers only
}


def view_classes():
    for package in (events.views, exhibits.views):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def test_no_view_writes_its_own_permission_dispatch():
    own = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in view_classes() if "dispatch" in vars(cls))

    assert [name for name in own if name not in DISPATCH_KEPT] == []

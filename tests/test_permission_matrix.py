"""Every URL pattern, walked for every role: a new view without an entry here fails the suite.

Roles: anonymous, a visitor (logged in, no role), staff of exhibitor A, staff of exhibitor B,
a moderator and an owner of the event. Expected answers:
  200 the page; 302 sent to log in; 403 refused with a reason; 404 not revealed; 405 wrong method.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import HallFactory, SessionFactory, StaffFactory

from .permission_expectations import DONE, EXPECTED, LOGIN, NOT_WALKED, REFUSED, ROLES

pytestmark = pytest.mark.django_db


def _walk(resolver: URLResolver, namespace: str = "", outer: tuple = ()) -> list[tuple[str, list[str]]]:
    found = []
    for entry in resolver.url_patterns:
        converters = (*outer, *getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_walk(entry, inner, converters))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", list(converters)))
    return found


def all_url_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name, converters in _walk(get_resolver()):
        if name.split(":")[0] in ("admin",):
            continue
        names.setdefault(name, converters)
    return names


def test_every_url_pattern_has_an_expectation():
    missing = sorted(set(all_url_names()) - set(EXPECTED) - set(NOT_WALKED))
    assert missing == [], f"add these URL names to tests/permission_expectations.py: {missing}"


def test_expectations_name_only_existing_urls():
    stale = sorted(set(EXPECTED) - set(all_url_names()))
    assert stale == []


@pytest.fixture
def world(event, owner, moderator, staff_a, staff_b, exhibitor_a, exhibitor_b, booth_a, visitor):
    from events.models.privacy import ExportJob
    from events.services.exports import job_path, new_file_name
    from tests.registration_factories import (
        AccessCodeFactory,
        AttendeeFactory,
        InstitutionFactory,
        QuestionFactory,
    )

    hall = booth_a.hall
    # The visitor is a confirmed attendee of the event; another attendee is the one looked at,
    # and a third awaits approval.
    visitor_attendee = AttendeeFactory(event=event, user=visitor, email=visitor.email)
    attendee = AttendeeFactory(event=event)
    pending = AttendeeFactory(event=event, status="pending", confirmed_at=None)
    from exhibits.models import Lead

    lead = Lead.objects.create(attendee=attendee, booth=booth_a, exhibitor=exhibitor_a, shared_fields=[])
    from tests.asset_factories import AssetPageFactory, BoothAssetFactory, BoothLinkFactory

    # Two ready one-page documents and two links on booth A-1; the second of each is the one
    # moved up, so a move really changes the order.
    BoothAssetFactory(booth=booth_a)
    asset = AssetPageFactory(asset=BoothAssetFactory(booth=booth_a)).asset
    BoothLinkFactory(booth=booth_a)
    link = BoothLinkFactory(booth=booth_a)
    QuestionFactory(event=event)
    question = QuestionFactory(event=event)
    institution = InstitutionFactory(event=event)
    AccessCodeFactory(institution=institution)
    # A finished attendee export whose file is on disk: the download is real.
    job = ExportJob.objects.create(
        event=event,
        requested_by=owner,
        kind="attendees_csv",
        status="done",
        rows=0,
        finished_at=timezone.now(),
    )
    job.file_name = new_file_name(job, "csv")
    job.save(update_fields=["file_name"])
    job_path(job).write_text("Registration\n", encoding="utf-8")
    empty_hall = HallFactory(event=event, name="Empty hall")
    session = SessionFactory(event=event)
    from events.models import SessionQuestion

    # An approved question another attendee asked in the session: voted for, pinned.
    session_question = SessionQuestion.objects.create(
        event=event,
        session=session,
        author=attendee.user,
        author_label="Attendee",
        text="Why?",
        status="approved",
    )
    from events.models import PollOption, SessionPoll

    # An open poll in the session: voted in, then closed.
    poll = SessionPoll.objects.create(event=event, session=session, question="Lunch?", state="open")
    poll_option = PollOption.objects.create(poll=poll, text="Yes")
    PollOption.objects.create(poll=poll, text="No", position=1)
    extra_staff = StaffFactory(exhibitor=exhibitor_a)
    from events.models import ChatSanction, EventTeamMember, TeamInvitation
    from exhibits.models import StaffInvitation

    team_invitation = TeamInvitation.objects.create(event=event, email="new-mod@example.org")
    staff_invitation = StaffInvitation.objects.create(exhibitor=exhibitor_a, email="new-staff@example.org")
    from events.models import Webhook
    from events.services.api_tokens import create_event_token, create_party_token

    event_token = create_event_token(event, name="Sync", scopes=["event:read"], days=1, by=owner).token
    staff_token = create_party_token(
        event, "exhibitor", exhibitor_a.pk, name="CRM", scopes=["leads:read"], days=1, by=staff_a
    ).token
    event_webhook = Webhook.objects.create(event=event, url="http://hooks.lan/e", kinds=["session.started"])
    staff_webhook = Webhook.objects.create(
        event=event,
        owner_kind="exhibitor",
        owner_id=exhibitor_a.pk,
        url="http://hooks.lan/x",
        kinds=["lead.shared"],
    )
    # A confirmed meeting of the visitor at booth A-1 starting in two minutes ("Join" is open),
    # and a free meeting time tomorrow (withdrawn or proposed instead).
    from exhibits.models import Appointment, MeetingSlot

    soon = timezone.now() + dt.timedelta(minutes=2)
    slot = MeetingSlot.objects.create(booth=booth_a, starts_at=soon, ends_at=soon + dt.timedelta(minutes=30))
    free_slot = MeetingSlot.objects.create(
        booth=booth_a, starts_at=soon + dt.timedelta(days=1), ends_at=soon + dt.timedelta(days=1, minutes=30)
    )
    appointment = Appointment.objects.create(
        booth=booth_a,
        slot=slot,
        attendee=visitor_attendee,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status="confirmed",
        asked_by="visitor",
        visitor_agreed_at=soon,
        staff_agreed_at=soon,
    )
    # Meetings between two visitors: one open to meetings asked the visitor for tomorrow, and a
    # confirmed one of them starts in two minutes ("Join" is open).
    from exhibits.models import VisitorMeeting

    open_person = AttendeeFactory(event=event, visible_to_others=True, open_to_meetings=True)
    visitor_meeting = VisitorMeeting.objects.create(
        event=event,
        asker=open_person,
        invitee=visitor_attendee,
        starts_at=soon + dt.timedelta(days=1),
        ends_at=soon + dt.timedelta(days=1, minutes=30),
        status="asked",
        asker_agreed_at=soon,
    )
    joinable_meeting = VisitorMeeting.objects.create(
        event=event,
        asker=open_person,
        invitee=visitor_attendee,
        starts_at=soon,
        ends_at=soon + dt.timedelta(minutes=30),
        status="confirmed",
        asker_agreed_at=soon,
        invitee_agreed_at=soon,
    )
    kwargs = {
        "slug": event.slug,
        "attendee_id": open_person.pk,
        "visitor_meeting_id": visitor_meeting.pk,
        "meeting_id": joinable_meeting.pk,
        "hall_id": empty_hall.pk,
        "exhibitor_id": exhibitor_a.pk,
        "booth_id": booth_a.pk,
        "session_id": session.pk,
        "question_id": session_question.pk,
        "poll_id": poll.pk,
        "member_id": EventTeamMember.objects.get(event=event, user=moderator).pk,
        "staff_id": extra_staff.pk,
        "token": team_invitation.token,
        "uidb64": "MQ",  # password reset links: user 1 in base64, with the walk's (wrong) token
        "invitation_id": team_invitation.pk,
        "job_id": job.pk,
        "asset_id": asset.pk,
        "link_id": link.pk,
        "lead_id": lead.pk,
        "sanction_id": ChatSanction.objects.create(event=event, user=attendee.user, kind="mute").pk,
        "event_token_id": event_token.pk,
        "staff_token_id": staff_token.pk,
        "event_webhook_id": event_webhook.pk,
        "staff_webhook_id": staff_webhook.pk,
        "appointment_id": appointment.pk,
        "slot_id": free_slot.pk,
        "chart": "registrations",  # one of the dashboard's charts
        "booth_chart": "visits",  # one of a booth's analytics charts
    }
    objects = {
        "question": question.pk,
        "institution": institution.pk,
        "attendee": attendee.pk,
        "pending": pending.pk,
    }
    users = {
        "anonymous": None,
        "visitor": visitor,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "moderator": moderator,
        "owner": owner,
    }
    ids = {
        "event": event.pk,
        "exhibitor": exhibitor_a.pk,
        "booth": booth_a.pk,
        "visitor_attendee": visitor_attendee.pk,
        "attendee": attendee.pk,
        "pending": pending.pk,
        "asset": asset.pk,
        "link": link.pk,
        "question": question.pk,
        "institution": institution.pk,
        "job": job.pk,
        "empty_hall": empty_hall.pk,
        "session": session.pk,
        "session_question": session_question.pk,
        "poll": poll.pk,
        "poll_option": poll_option.pk,
        "extra_staff": extra_staff.pk,
        "member": kwargs["member_id"],
        "invitation": team_invitation.pk,
        "sanction": kwargs["sanction_id"],
        "event_token": event_token.pk,
        "staff_token": staff_token.pk,
        "event_webhook": event_webhook.pk,
        "staff_webhook": staff_webhook.pk,
        "appointment": appointment.pk,
        "free_slot": free_slot.pk,
        "visitor_meeting": visitor_meeting.pk,
        "joinable_meeting": joinable_meeting.pk,
    }
    return {
        "ids": ids,
        "kwargs": kwargs,
        "objects": objects,
        "users": users,
        "hall": hall,
        "staff_invitation": staff_invitation,
    }


def _cases():
    for name in sorted(EXPECTED):
        for role in ROLES:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.parametrize(("url_name", "role"), list(_cases()))
def test_role_gets_expected_answer(client, world, url_name, role):
    spec = EXPECTED[url_name]
    converters = all_url_names()[url_name]
    kwargs = {key: world["kwargs"][key] for key in converters if key != "pk"}
    if url_name == "staff_invitations:accept":
        kwargs["token"] = world["staff_invitation"].token
    if "pk" in converters:
        kwargs["pk"] = world["objects"][spec["pk"]]
    url = reverse(url_name, kwargs=kwargs)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    if "setup" in spec:
        spec["setup"](world)
    method = spec.get("method", "get")
    response = getattr(client, method)(url, spec.get("data", {}), HTTP_REFERER="/")
    expected = spec[role]
    if "changed" in spec and expected in REFUSED:
        assert spec["changed"](world, response) is False, f"{method.upper()} {url} as {role} changed it"
    if isinstance(expected, tuple):
        assert (response.status_code, response["Location"].split("?")[0]) == (302, expected[1]), url
    elif expected == LOGIN:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/"), url
    elif expected == DONE:
        # A permitted change went through: a redirect elsewhere than the log-in page, no
        # warning or error said (a refusal sent back with a message is not "done"), and a
        # success message; where a check is given, the object really changed in the database.
        said = [(message.level, str(message)) for message in get_messages(response.wsgi_request)]
        where = f"{method.upper()} {url} as {role}: {said}"
        assert response.status_code == 302, where
        assert not response["Location"].startswith("/accounts/login/"), where
        assert [text for level, text in said if level >= messages.WARNING] == [], where
        if "changed" in spec:
            assert spec["changed"](world, response) is True, where
        else:
            assert [text for level, text in said if level == messages.SUCCESS] != [], where
    else:
        assert response.status_code == expected, f"{method.upper()} {url} as {role}"
        if "changed" in spec and expected == 200:
            assert spec["changed"](world, response) is True, f"{method.upper()} {url} as {role}"

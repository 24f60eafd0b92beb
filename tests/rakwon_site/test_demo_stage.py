"""The demo expo shows a session's stage from the start: the demo staff account is a speaker of one
session (content.STAGE_SESSION), may go on air there, and its page offers the green room."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.models import Event, StageSpeaker, User
from events.services.stage import may_speak_on_stage
from rakwon_site.demo import content

pytestmark = pytest.mark.django_db


def test_the_demo_staff_speak_on_one_sessions_stage_and_get_its_green_room():
    call_command("load_demo", stdout=io.StringIO())
    event = Event.objects.get(slug=content.EVENT_SLUG)
    staff = User.objects.get(email=content.STAFF.email)
    session = event.sessions.get(title=content.SESSIONS[content.STAGE_SESSION].title)

    assert list(StageSpeaker.objects.values_list("session", "user")) == [(session.pk, staff.pk)]
    assert may_speak_on_stage(staff, session) is True
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("visit:session", args=[event.slug, session.pk])).content.decode()
    assert 'data-stage-may-speak="1"' in html
    assert "data-stage-green-room" in html


def test_the_demo_visitor_is_no_speaker():
    call_command("load_demo", stdout=io.StringIO())
    event = Event.objects.get(slug=content.EVENT_SLUG)
    visitor = User.objects.get(email=content.VISITOR.email)
    session = event.sessions.get(title=content.SESSIONS[content.STAGE_SESSION].title)

    assert may_speak_on_stage(visitor, session) is False

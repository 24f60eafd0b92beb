"""Where the signalling starts: the live-video section of a booth page (media_rtc/_booth_live.html)
and the exhibitor's "Go live" link, for each kind of person."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from events.enums import EventStatus
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(event):
    event.status = EventStatus.PUBLISHED
    event.save()
    return event


def _booth_page(client, booth) -> str:
    response = client.get(reverse("visit:booth", args=[booth.event.slug, booth.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    found = re.search(r'<section id="live-video".*?<template', html, re.S)
    return found.group(0) if found else ""


def test_booth_staff_get_the_go_live_studio(client, published, booth_a, staff_a):
    client.force_login(staff_a)

    section = _section(_booth_page(client, booth_a))

    assert f'data-rtc-booth="{booth_a.pk}"' in section
    assert 'data-rtc-may-publish="1"' in section
    assert "data-rtc-studio" in section
    assert "data-rtc-meet-ask" not in section


def test_a_visitor_gets_the_player_and_meet_the_exhibitor(client, published, booth_a, visitor):
    AttendeeFactory(event=published, user=visitor, email=visitor.email)
    client.force_login(visitor)

    section = _section(_booth_page(client, booth_a))

    assert 'data-rtc-may-publish="0"' in section
    assert "data-rtc-studio" not in section
    assert "Meet the exhibitor" in section


def test_the_event_team_watches_but_does_not_go_live(client, published, booth_a, owner):
    client.force_login(owner)

    section = _section(_booth_page(client, booth_a))

    assert 'data-rtc-may-publish="0"' in section


def test_anonymous_visitors_get_no_live_video(client, published, booth_a):
    html = _booth_page(client, booth_a)

    assert 'id="live-video"' not in html
    assert "media_rtc/live_video.js" not in html


def test_the_live_section_has_no_inline_script_or_style(client, published, booth_a, staff_a):
    client.force_login(staff_a)
    html = _booth_page(client, booth_a)
    section = html[html.index('<section id="live-video"') : html.index("media_rtc/live_video.js")]

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", section) == []
    assert " style=" not in section
    assert re.findall(r'(?:src|href)="(?:https?:)?//', section) == []


def test_exhibitor_home_links_each_booth_to_going_live(client, published, booth_a, staff_a):
    client.force_login(staff_a)

    html = client.get(reverse("exhibitor:home")).content.decode()

    booth_url = reverse("visit:booth", args=[published.slug, booth_a.pk])
    assert f'<a href="{booth_url}#live-video" aria-label="Go live at booth A-1">Go live</a>' in html


def test_a_closed_event_offers_no_go_live(client, published, booth_a, staff_a):
    published.status = EventStatus.CLOSED
    published.save()
    client.force_login(staff_a)

    html = client.get(reverse("exhibitor:home")).content.decode()

    assert "#live-video" not in html

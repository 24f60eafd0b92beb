"""Organiser pages for events: my events, create, dashboard, settings, status and deletion."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember
from tests.factories import EventFactory, SessionFactory, TeamMemberFactory, UserFactory, png_upload

from .helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _anyone_may_create_events(settings):
    """These tests are about the pages themselves, with sign-up open to anyone (ORGANISER_SIGNUP):
    who may sign up and create events is tested in test_accounts_organiser_invitation.py."""
    settings.ORGANISER_SIGNUP = "open"


def _event_data(**overrides) -> dict:
    data = {
        "name": "Korea IT Expo",
        "slug": "kitex",
        "description": "Everything digital.",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-03",
        "time_zone": "Asia/Seoul",
        "languages": ["en", "ko"],
        "colour": "#aa3300",
    }
    data = {**data, **overrides}
    # The name and description have a box per language; English is the first language here.
    return {(f"{key}_en" if key in ("name", "description") else key): value for key, value in data.items()}


def _noisy_png(size: tuple[int, int] = (200, 200)) -> SimpleUploadedFile:
    """A PNG that does not compress: random pixels, about 3 bytes each."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# --- My events --------------------------------------------------------------------------


def test_home_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("organiser:home"))
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/organiser/",
    )


def test_home_lists_only_events_i_am_on_the_team_of_even_for_a_superuser(client, event, owner):
    owner.is_superuser = True
    owner.save()
    EventFactory(name="Someone else's expo")
    client.force_login(owner)
    response = client.get(reverse("organiser:home"))
    assert response.status_code == 200
    assert [m.event for m in response.context["memberships"]] == [event]
    assert reverse("organiser:dashboard", args=["expo"]) in response.content.decode()
    assert "Someone else" not in response.content.decode()


# --- Creating an event --------------------------------------------------------------------


def test_event_create_makes_a_draft_with_me_as_owner(client):
    creator = UserFactory()
    client.force_login(creator)
    response = client.post(reverse("organiser:event_create"), _event_data(logo=png_upload()))
    event = Event.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/organiser/kitex/")
    assert (event.name, event.slug, event.description) == (
        "Korea IT Expo",
        "kitex",
        "Everything digital.",
    )
    assert (event.starts_on, event.ends_on) == (dt.date(2026, 9, 1), dt.date(2026, 9, 3))
    assert (event.time_zone, event.languages, event.colour) == (
        "Asia/Seoul",
        ["en", "ko"],
        "#aa3300",
    )
    assert (event.status, event.logo.name.startswith("events/logos/logo")) == (
        EventStatus.DRAFT,
        True,
    )
    assert list(event.team.values_list("user", "role")) == [(creator.pk, TeamRole.OWNER)]
    assert messages_of(response) == [
        "“Korea IT Expo” is created as a draft. Add halls, exhibitors and booths, then publish it."
    ]


def test_event_create_form_offers_time_zones_and_languages(client, owner):
    client.force_login(owner)
    response = client.get(reverse("organiser:event_create"))
    form = response.context["form"]
    assert response.status_code == 200
    assert (form["time_zone"].value(), form["languages"].value()) == ("Asia/Seoul", ["en", "ko"])
    assert ("Europe/Berlin", "Europe/Berlin") in form.fields["time_zone"].choices
    html = response.content.decode()
    assert '<input type="date" name="starts_on"' in html
    assert '<input type="color" name="colour"' in html


def test_event_create_anonymous_is_sent_to_log_in(client):
    response = client.post(reverse("organiser:event_create"), _event_data())
    assert (response.status_code, Event.objects.count()) == (302, 0)
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"slug": "Bad Slug!"},
            "slug",
            "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
        ),
        (
            {"slug": "admin"},
            "slug",
            "“admin” is reserved for the site itself. Choose another short name.",
        ),
        ({"slug": "expo"}, "slug", "The short name “expo” is already taken. Choose another one."),
        ({"slug": "EXPO"}, "slug", "The short name “expo” is already taken. Choose another one."),
        ({"ends_on": "2026-08-31"}, "ends_on", "The last day cannot be before the first day."),
        (
            {"colour": "red"},
            "colour",
            "Give the colour as # followed by six hex digits, for example #1a5fb4.",
        ),
        (
            {"time_zone": "Mars/Olympus"},
            "time_zone",
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
        ),
        ({"languages": []}, "languages", "Choose at least one language."),
        ({"name": ""}, "name_en", "Write this in English, the event's first language."),
    ],
)
def test_event_create_bad_input_is_refused_inline_and_nothing_saved(
    client, event, owner, overrides, field, message
):
    client.force_login(owner)
    before = Event.objects.count()
    response = client.post(reverse("organiser:event_create"), _event_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert (Event.objects.count(), EventTeamMember.objects.count()) == (before, 1)


def test_event_create_text_file_named_logo_png_is_refused(client, owner):
    client.force_login(owner)
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(reverse("organiser:event_create"), _event_data(logo=fake))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "logo": ["This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF logo."]
    }
    assert Event.objects.count() == 0


def test_event_create_oversized_logo_is_refused(client, owner, settings):
    settings.LOGO_MAX_BYTES = 2048
    client.force_login(owner)
    logo = _noisy_png()
    response = client.post(reverse("organiser:event_create"), _event_data(logo=logo))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "logo": [f"The logo is {logo.size // 1024} KB; the limit is 2 KB. Save it smaller and try again."]
    }
    assert Event.objects.count() == 0


# --- The dashboard ------------------------------------------------------------------------


def test_dashboard_outsider_gets_404(client, event):
    client.force_login(UserFactory())
    assert client.get(reverse("organiser:dashboard", args=["expo"])).status_code == 404


def test_dashboard_unknown_event_gets_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("organiser:dashboard", args=["nothing"])).status_code == 404


def test_dashboard_anonymous_is_sent_to_log_in(client, event):
    response = client.get(reverse("organiser:dashboard", args=["expo"]))
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/organiser/expo/",
    )


def test_dashboard_shows_counts_status_actions_and_nav(client, event, moderator, booth_a):
    from tests.registration_factories import AttendeeFactory, MemberFactory

    SessionFactory(event=event)
    AttendeeFactory(event=event)
    AttendeeFactory(event=event, status="pending")
    MemberFactory(event=event)
    client.force_login(moderator)
    response = client.get(reverse("organiser:dashboard", args=["expo"]))
    assert response.status_code == 200
    assert [(str(label), count) for label, count, _url in response.context["counts"]] == [
        ("Halls", 1),
        ("Exhibitors", 1),
        ("Booths", 1),
        ("Sessions", 1),
        ("Confirmed attendees", 2),
        ("Awaiting approval", 1),
        ("Institution members", 1),
    ]
    assert [status for status, _label, _hint in response.context["status_actions"]] == [
        EventStatus.CLOSED,
        EventStatus.DRAFT,
    ]
    assert response.context["can_delete"] is False
    html = response.content.decode()
    assert '<a href="/organiser/expo/" aria-current="page">Overview</a>' in html
    assert '<a href="/organiser/expo/halls/">Halls</a>' in html
    assert 'href="/expo/"' in html
    assert "/organiser/expo/delete/" not in html


def test_dashboard_of_a_draft_offers_publish(client, owner):
    event = EventFactory(slug="draft", status=EventStatus.DRAFT)
    TeamMemberFactory(event=event, user=owner)
    client.force_login(owner)
    response = client.get(reverse("organiser:dashboard", args=["draft"]))
    assert [status for status, _label, _hint in response.context["status_actions"]] == [EventStatus.PUBLISHED]
    assert response.context["can_delete"] is True


def test_dashboard_of_a_draft_shows_the_checklist_and_publishing_still_works(client, owner):
    event = EventFactory(slug="draft", status=EventStatus.DRAFT, languages=["en", "ko"])
    TeamMemberFactory(event=event, user=owner)
    client.force_login(owner)

    page = client.get(reverse("organiser:dashboard", args=["draft"]))
    published = client.post(reverse("organiser:event_status", args=["draft"]), {"status": "published"})

    assert [w.code for w in page.context["publish_warnings"]] == [
        "texts.missing",
        "texts.missing",
        "schedule.no_sessions",
        "floor.no_halls",
    ]
    html = page.content.decode()
    assert "Visitors would miss 4 things. You can publish anyway, and fix them later." in html
    fix_schedule = (
        '<li data-check="schedule.no_sessions">No sessions are scheduled. '
        '<a href="/organiser/draft/schedule/">'
    )
    assert fix_schedule + "Fix" in html
    assert published.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    after = client.get(reverse("organiser:dashboard", args=["draft"]))
    assert "publish_warnings" not in after.context
    assert "Before you publish" not in after.content.decode()


# --- Settings -----------------------------------------------------------------------------


def test_event_edit_saves_changes_including_a_new_slug(client, event, owner):
    client.force_login(owner)
    response = client.post(
        reverse("organiser:event_edit", args=["expo"]),
        _event_data(name="Expo 2026", slug="expo-2026"),
    )
    event.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/organiser/expo-2026/")
    assert (event.name, event.slug, event.colour) == ("Expo 2026", "expo-2026", "#aa3300")
    assert messages_of(response) == ["The event's settings are saved."]


def test_event_edit_keeping_its_own_slug_is_not_a_clash(client, event, owner):
    client.force_login(owner)
    response = client.post(reverse("organiser:event_edit", args=["expo"]), _event_data(slug="expo"))
    assert response.status_code == 302


def test_event_edit_bad_slug_is_refused_and_the_page_keeps_working_links(client, event, owner):
    client.force_login(owner)
    response = client.post(reverse("organiser:event_edit", args=["expo"]), _event_data(slug="Bad Slug!"))
    event.refresh_from_db()
    assert (response.status_code, event.slug) == (200, "expo")
    assert response.context["form"].errors == {
        "slug": ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."]
    }
    assert 'href="/organiser/expo/team/"' in response.content.decode()


def test_event_edit_slug_of_another_event_is_refused(client, event, owner):
    EventFactory(slug="other")
    client.force_login(owner)
    response = client.post(reverse("organiser:event_edit", args=["expo"]), _event_data(slug="other"))
    assert response.context["form"].errors == {
        "slug": ["The short name “other” is already taken. Choose another one."]
    }


def test_event_edit_of_a_closed_event_is_refused_with_403(client, event, owner):
    event.status = EventStatus.CLOSED
    event.save()
    client.force_login(owner)
    assert client.get(reverse("organiser:event_edit", args=["expo"])).status_code == 403
    response = client.post(reverse("organiser:event_edit", args=["expo"]), _event_data(name="Changed"))
    event.refresh_from_db()
    assert (response.status_code, event.name) == (403, "Expo")


# --- Status -------------------------------------------------------------------------------


def test_event_status_post_publishes_a_draft(client, owner):
    event = EventFactory(slug="draft", status=EventStatus.DRAFT)
    TeamMemberFactory(event=event, user=owner)
    client.force_login(owner)
    response = client.post(reverse("organiser:event_status", args=["draft"]), {"status": "published"})
    event.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/organiser/draft/")
    assert event.status == EventStatus.PUBLISHED
    assert messages_of(response) == ["The event is published."]


def test_event_status_moderator_closes_then_reopens(client, event, moderator):
    client.force_login(moderator)
    response = client.post(reverse("organiser:event_status", args=["expo"]), {"status": "closed"})
    event.refresh_from_db()
    assert event.status == EventStatus.CLOSED
    assert messages_of(response) == [
        "The event is closed. Closed events are read-only; reopen it to change it."
    ]
    client.post(reverse("organiser:event_status", args=["expo"]), {"status": "published"})
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_event_status_get_is_not_allowed(client, event, owner):
    client.force_login(owner)
    assert client.get(reverse("organiser:event_status", args=["expo"])).status_code == 405


def test_event_status_unknown_value_changes_nothing(client, event, owner):
    client.force_login(owner)
    response = client.post(reverse("organiser:event_status", args=["expo"]), {"status": "archived"})
    event.refresh_from_db()
    assert (response.status_code, event.status) == (302, EventStatus.PUBLISHED)
    assert messages_of(response) == ["Choose one of the status buttons on this page."]


def test_event_status_outsider_gets_404(client, event):
    client.force_login(UserFactory())
    response = client.post(reverse("organiser:event_status", args=["expo"]), {"status": "closed"})
    event.refresh_from_db()
    assert (response.status_code, event.status) == (404, EventStatus.PUBLISHED)


# --- Deletion -----------------------------------------------------------------------------


def test_event_delete_moderator_gets_403(client, event, moderator):
    client.force_login(moderator)
    assert client.get(reverse("organiser:event_delete", args=["expo"])).status_code == 403
    response = client.post(reverse("organiser:event_delete", args=["expo"]), {"slug": "expo"})
    assert (response.status_code, Event.objects.filter(slug="expo").exists()) == (403, True)


def test_event_delete_with_the_wrong_slug_typed_deletes_nothing(client, event, owner):
    client.force_login(owner)
    response = client.post(reverse("organiser:event_delete", args=["expo"]), {"slug": "exp"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "slug": ["That is not this event's short name. Type “expo” exactly to delete it."]
    }
    assert Event.objects.filter(slug="expo").exists() is True


def test_event_delete_by_the_owner_goes_home_with_a_message(client, event, owner):
    client.force_login(owner)
    assert client.get(reverse("organiser:event_delete", args=["expo"])).status_code == 200
    response = client.post(reverse("organiser:event_delete", args=["expo"]), {"slug": "expo"})
    assert (response.status_code, response["Location"]) == (302, "/organiser/")
    assert Event.objects.count() == 0
    assert messages_of(response) == ["“Expo” and everything in it is deleted."]

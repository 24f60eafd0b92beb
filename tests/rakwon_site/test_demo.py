"""The demo expo: what load_demo creates, that it is idempotent, and that it spares real data."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from events.enums import AttendeeKind, AttendeeStatus, EventStatus, TeamRole
from events.models import Attendee, Event, Institution, Session, User
from events.services.institutions import join_institution
from exhibits.models import Booth, BoothSession, Exhibitor, ExhibitorStaff, Hall
from rakwon_site.demo import content
from rakwon_site.management.commands.rundemo import Command as RundemoCommand
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_creates_a_published_two_day_expo():
    _load()

    event = Event.objects.get(slug="it-expo")
    seoul_today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Seoul"))
    assert event.name == "National Exhibition of IT Successes"
    assert event.status == EventStatus.PUBLISHED
    assert event.languages == ["en", "ko"]
    assert event.time_zone == "Asia/Seoul"
    assert event.starts_on == seoul_today + dt.timedelta(days=3)
    assert event.ends_on == event.starts_on + dt.timedelta(days=1)
    assert bool(event.logo) is True


def test_load_demo_builds_the_floor():
    _load()

    event = Event.objects.get(slug="it-expo")
    assert list(Hall.objects.filter(event=event).values_list("name", flat=True)) == [
        "Networks & Infrastructure",
        "Software & Services",
        "Research & Education",
    ]
    exhibitors = list(Exhibitor.objects.filter(event=event))
    assert len(exhibitors) == 12
    assert len({exhibitor.name for exhibitor in exhibitors}) == 12
    assert Booth.objects.filter(event=event).count() == 12
    assert sorted(Booth.objects.filter(event=event).values_list("exhibitor_id", flat=True)) == sorted(
        exhibitor.pk for exhibitor in exhibitors
    )
    for exhibitor in exhibitors:
        assert len(exhibitor.description.split(". ")) >= 2
        with exhibitor.logo.open("rb") as file, Image.open(file) as logo:
            assert (logo.format, logo.size) == ("PNG", (160, 160))


def test_load_demo_gives_every_booth_a_topic_and_a_processed_brochure(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # processing runs after commit
        _load()

    booths = Booth.objects.filter(event__slug="it-expo").prefetch_related("tags", "assets")
    assert sorted({tag.name for booth in booths for tag in booth.tags.all()}) == [
        "Networks",
        "Research",
        "Software",
    ]
    brochures = [asset for booth in booths for asset in booth.assets.all()]
    assert len(brochures) == 12
    assert {(asset.kind, asset.status) for asset in brochures} == {("document", "ready")}
    assert {asset.pages.count() for asset in brochures} == {2}


def test_load_demo_booths_do_not_overlap_and_fit_their_halls():
    _load()

    for hall in Hall.objects.filter(event__slug="it-expo"):
        booths = list(hall.booths.all())
        assert len(booths) == 4
        for booth in booths:
            assert booth.x + booth.width <= hall.plan_columns
            assert booth.y + booth.height <= hall.plan_rows
        assert [(a.number, b.number) for a, b in combinations(booths, 2) if a.overlaps(b)] == []


def test_load_demo_schedules_sessions_over_both_days():
    _load()

    event = Event.objects.get(slug="it-expo")
    sessions = list(Session.objects.filter(event=event))
    days = {timezone.localtime(session.starts_at, event.tz).date() for session in sessions}
    assert len(sessions) == 9
    assert days == {event.starts_on, event.ends_on}
    assert all(session.speakers.exists() for session in sessions)
    assert BoothSession.objects.filter(session__event=event).count() == 6


def test_load_demo_creates_the_demo_accounts():
    _load()

    event = Event.objects.get(slug="it-expo")
    organiser = User.objects.get(email="organiser@demo.rakwon")
    staff = User.objects.get(email="staff@demo.rakwon")
    visitor = User.objects.get(email="visitor@demo.rakwon")
    admin = User.objects.get(email="admin@demo.rakwon")
    assert organiser.check_password("demo-organiser-2026") is True
    assert staff.check_password("demo-staff-2026") is True
    assert visitor.check_password("demo-visitor-2026") is True
    # Registered and visible: logging in leads straight into the live expo.
    attendee = visitor.attendances.get(event=event)
    assert (attendee.status, attendee.visible_to_others) == ("confirmed", True)
    assert {a.question.identifier for a in attendee.answers.all()} >= {"name", "residence"}
    assert admin.check_password("demo-admin-2026") is True
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert organiser.is_superuser is False
    assert list(event.team.values_list("user__email", "role")) == [("organiser@demo.rakwon", TeamRole.OWNER)]
    assert list(ExhibitorStaff.objects.values_list("user__email", "exhibitor__name")) == [
        ("staff@demo.rakwon", "Hanbit Networks")
    ]


def test_load_demo_prints_the_accounts_and_passwords():
    output = _load()

    assert "Created the demo expo “National Exhibition of IT Successes”: 3 halls, 12 exhibitors" in output
    for account in content.ACCOUNTS:
        assert account.email in output
        assert account.password in output


def test_load_demo_creates_one_institution_with_seats():
    _load()

    event = Event.objects.get(slug="it-expo")
    institution = Institution.objects.get(event=event)
    assert (institution.name, institution.seats) == ("Korea Institute of Science Education", 30)
    assert list(institution.access_codes.values_list("active", "code_hint")) == [(True, "AX")]
    assert institution.members.count() == 0


def test_load_demo_prints_the_institution_and_its_code():
    output = _load()

    assert "Members of the demo institution join at /it-expo/join/ with its access code:" in output
    assert "  Korea Institute of Science Education (30 seats)  access code: KSEDU-DEMAX" in output


def test_demo_institution_joins_with_the_printed_code():
    output = _load()
    printed = re.search(r"access code: (\S+)", output).group(1)
    event = Event.objects.get(slug="it-expo")

    attendee = join_institution(event, code=printed, display_name="Choi Seo-yeon", ip="127.0.0.1")

    assert printed == "KSEDU-DEMAX"
    assert (attendee.kind, attendee.status, attendee.display_name) == (
        AttendeeKind.INSTITUTION_MEMBER,
        AttendeeStatus.CONFIRMED,
        "Choi Seo-yeon",
    )
    assert attendee.institution.name == "Korea Institute of Science Education"
    assert Attendee.objects.filter(institution__event=event).count() == 1


def test_demo_institution_refuses_a_mistyped_code():
    _load()
    event = Event.objects.get(slug="it-expo")

    with pytest.raises(ValidationError) as refused:
        join_institution(event, code="KSEDU-DEMAY", display_name="Choi Seo-yeon", ip="127.0.0.1")

    assert list(refused.value.message_dict) == ["code"]
    assert not Attendee.objects.filter(event=event, institution__isnull=False).exists()  # nobody joined


def test_load_demo_twice_changes_nothing():
    _load()
    counts = (
        Event.objects.count(),
        Exhibitor.objects.count(),
        Booth.objects.count(),
        Session.objects.count(),
    )

    output = _load()

    assert "The demo expo “National Exhibition of IT Successes” is already loaded; nothing changed." in output
    assert (
        Event.objects.count(),
        Exhibitor.objects.count(),
        Booth.objects.count(),
        Session.objects.count(),
    ) == (counts)
    assert Institution.objects.count() == 1
    assert User.objects.filter(email="organiser@demo.rakwon").count() == 1


def test_load_demo_leaves_a_database_with_events_alone():
    EventFactory(slug="real-expo")

    output = _load()

    assert "The database already holds events, so the demo expo was not loaded" in output
    assert list(Event.objects.values_list("slug", flat=True)) == ["real-expo"]
    assert User.objects.filter(email__endswith="@demo.rakwon").count() == 0


def test_demo_event_pages_render(client):
    _load()
    event = Event.objects.get(slug="it-expo")
    hall = Hall.objects.filter(event=event).first()
    booth = Booth.objects.filter(event=event).first()

    for url in (
        "/",
        "/it-expo/",
        "/it-expo/schedule/",
        f"/it-expo/halls/{hall.pk}/",
        f"/it-expo/booths/{booth.pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_rundemo_banner_shows_the_accounts_and_the_institution_code():
    out = io.StringIO()

    RundemoCommand(stdout=out).print_banner("0.0.0.0", 8080)  # noqa: S104

    banner = out.getvalue()
    assert (
        "Members of the demo institution join at http://127.0.0.1:8080/it-expo/join/ with its access code:"
        in banner
    )
    assert "  Korea Institute of Science Education (30 seats)  access code: KSEDU-DEMAX" in banner
    assert "visitor@demo.rakwon" in banner

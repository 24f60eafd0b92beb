"""Loading the demo expo into an empty database, through the same services organisers use.

It lives in rakwon_site, which wires the apps together, so it may call both events' and
exhibits' services.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.enums import AttendeeKind, AttendeeStatus, EventStatus
from events.models import Answer, Attendee, Event, Institution, User
from events.services.events import change_event_status, create_event
from events.services.institutions import access_code_hash, create_institution
from events.services.questions import NAME_QUESTION, RESIDENCE_QUESTION, active_questions
from events.services.registration import answer_rows, clean_answers
from events.services.schedule import save_session
from events.services.signin import normalise_code
from events.services.stage import name_stage_speaker
from exhibits.models import AssetKind, ExhibitorStaff
from exhibits.services.assets import upload_asset
from exhibits.services.booth_content import save_booth_content
from exhibits.services.booths import place_booth
from exhibits.services.exhibitors import create_exhibitor
from exhibits.services.halls import create_hall
from media_rtc.models import LiveRoom

from . import content
from .logos import draw_brochure, draw_logo


@dataclass
class DemoResult:
    """What load_demo found or made: `created` is False when nothing was written."""

    created: bool
    event: Event | None
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def load_demo() -> DemoResult:
    """Create the demo expo, unless it exists already or the database holds other events."""
    existing = Event.objects.filter(slug=content.EVENT_SLUG).first()
    if existing is not None:
        return DemoResult(created=False, event=existing, reason="exists")
    if Event.objects.exists():
        return DemoResult(created=False, event=None, reason="other_events")
    with transaction.atomic():
        event = _build()
    return DemoResult(created=True, event=event, counts=_counts(event))


def _counts(event: Event) -> dict[str, int]:
    return {
        "halls": event.halls.count(),
        "exhibitors": event.exhibitors.count(),
        "booths": event.booths.count(),
        "sessions": event.sessions.count(),
        "institutions": event.institutions.count(),
    }


def _account(account: content.DemoAccount, *, superuser: bool = False) -> User:
    """The demo account, created or reset to its printed password."""
    user = User.objects.filter(email=account.email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        return create(email=account.email, password=account.password, display_name=account.display_name)
    user.display_name = account.display_name
    user.set_password(account.password)
    user.save()
    return user


def _build() -> Event:
    organiser = _account(content.ORGANISER)
    staff = _account(content.STAFF)
    visitor = _account(content.VISITOR)
    _account(content.ADMIN, superuser=True)

    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(content.EVENT_TIME_ZONE))
    first_day = today + dt.timedelta(days=content.DAYS_AHEAD)
    event = create_event(
        by=organiser,
        name=content.EVENT_NAME,
        slug=content.EVENT_SLUG,
        description=content.EVENT_DESCRIPTION,
        starts_on=first_day,
        ends_on=first_day + dt.timedelta(days=1),
        time_zone=content.EVENT_TIME_ZONE,
        languages=content.EVENT_LANGUAGES,
        colour=content.EVENT_COLOUR,
    )
    event.logo.save(f"{event.slug}.png", ContentFile(draw_logo("IT", content.EVENT_COLOUR)))

    booths = _build_floor(event)
    ExhibitorStaff.objects.create(exhibitor=booths[content.EXHIBITORS[0].booth].exhibitor, user=staff)
    LiveRoom.objects.create(booth=booths[content.LIVE_TEST_PATTERN_BOOTH], test_pattern=True)

    scheduled = []
    for session in content.SESSIONS:
        day = event.starts_on + dt.timedelta(days=session.day)
        scheduled.append(
            save_session(
                event,
                None,
                title=session.title,
                description=session.description,
                starts_at=dt.datetime.combine(day, session.starts, tzinfo=event.tz),
                ends_at=dt.datetime.combine(day, session.ends, tzinfo=event.tz),
                speakers_text=session.speakers,
                place=f"booth:{booths[session.booth].pk}" if session.booth else "",
            )
        )
    name_stage_speaker(scheduled[content.STAGE_SESSION], staff.email, by=organiser)
    _build_institution(event, by=organiser)
    change_event_status(event, EventStatus.PUBLISHED, by=organiser)
    _register_visitor(event, visitor)
    return event


def _register_visitor(event: Event, user: User) -> None:
    """The demo visitor is registered and visible, so logging in leads straight into the live
    expo (presence, chat, live video); a new account still shows the registration form."""
    questions = active_questions(event)
    answers = {NAME_QUESTION: content.VISITOR.display_name, RESIDENCE_QUESTION: content.VISITOR_RESIDENCE}
    attendee = Attendee.objects.create(
        event=event,
        user=user,
        kind=AttendeeKind.INDIVIDUAL,
        status=AttendeeStatus.CONFIRMED,
        display_name=content.VISITOR.display_name,
        email=user.email,
        language="en",
        visible_to_others=True,
        confirmed_at=timezone.now(),
    )
    Answer.objects.bulk_create(answer_rows(attendee, questions, clean_answers(questions, answers)))


def _build_institution(event: Event, *, by: User) -> Institution:
    """The demo institution, whose code is the fixed one printed beside the demo accounts."""
    spec = content.INSTITUTION
    institution, _random_code = create_institution(event, name=spec.name, seats=spec.seats, by=by)
    pin_access_code(institution, spec.access_code)
    return institution


def pin_access_code(institution: Institution, code: str) -> None:
    """Swap the institution's random code for a known one, hashed as the service hashes codes.

    Only the demo does this: a real code is random and exists in clear once, when it is made.
    """
    normalised = normalise_code(code)
    institution.access_codes.filter(active=True).update(
        code_hash=access_code_hash(normalised), code_hint=normalised[-2:]
    )


def _build_floor(event: Event) -> dict:
    """Halls, exhibitors with drawn logos, and their booths; returns the booths by number."""
    halls = {
        spec.name: create_hall(
            event,
            name=spec.name,
            description=spec.description,
            plan_columns=spec.columns,
            plan_rows=spec.rows,
        )
        for spec in content.HALLS
    }
    booths: dict = {}
    for spec in content.EXHIBITORS:
        exhibitor = create_exhibitor(
            event,
            name=spec.name,
            description=spec.description,
            website=spec.website,
            logo=ContentFile(draw_logo(spec.initials, spec.colour), name=f"{slugify(spec.name)}.png"),
        )
        x, y, width, height = spec.plan
        booth = booths[spec.booth] = place_booth(
            event,
            hall=halls[spec.hall],
            exhibitor=exhibitor,
            number=spec.booth,
            tagline=spec.tagline,
            x=x,
            y=y,
            width=width,
            height=height,
        )
        _furnish(booth, spec)
    return booths


def _furnish(booth, spec) -> None:
    """A topic and a brochure for the booth; the worker turns the PDF into page images."""
    save_booth_content(
        booth, tagline=spec.tagline, description={}, tags=[], new_tags=content.HALL_TOPICS[spec.hall]
    )
    brochure = draw_brochure(spec.name, spec.tagline, spec.description, spec.colour)
    upload = SimpleUploadedFile(f"{slugify(spec.name)}-brochure.pdf", brochure, "application/pdf")
    upload_asset(booth, upload, kind=AssetKind.DOCUMENT, title=f"{spec.name} — brochure")

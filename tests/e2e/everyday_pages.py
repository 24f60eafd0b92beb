"""The everyday pages a visitor and an organiser open, for the accessibility and phone-width walks.

One bilingual expo (English first, Korean second) with a hall, a booth with a tag, a link and a
session, a registration question, a signed-in visitor and an organiser who owns the event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

SLUG = "everyday-expo"

SETUP = """
import datetime as dt, json
from django.conf import settings
from django.test import Client
from django.utils import timezone
from events.enums import AttendeeKind, AttendeeStatus, EventStatus, QuestionKind, TeamRole
from events.models import Attendee, Event, EventTeamMember, Question, RegistrationSettings, User
from events.services.schedule import save_session
from exhibits.models import Booth, BoothLink, Exhibitor, ExhibitorStaff, Hall, Tag

today = timezone.localdate()
event = Event.objects.create(
    name="Everyday Expo", name_translations={"ko": "일상 박람회"}, slug="everyday-expo",
    starts_on=today, ends_on=today + dt.timedelta(days=1), time_zone="Asia/Seoul",
    languages=["en", "ko"], status=EventStatus.PUBLISHED,
    description="Two halls of **everyday** things.",
)
RegistrationSettings.objects.create(event=event)
Question.objects.create(event=event, identifier="company", kind=QuestionKind.SHORT_TEXT,
                        label={"en": "Company", "ko": "회사"}, position=0)
Question.objects.create(event=event, identifier="newsletter", kind=QuestionKind.YES_NO,
                        label={"en": "Send me the newsletter", "ko": "소식지를 받겠습니다"}, position=1)
hall = Hall.objects.create(event=event, name="Main Hall", name_translations={"ko": "본관"},
                           plan_columns=12, plan_rows=8)
exhibitor = Exhibitor.objects.create(event=event, name="Kettle Works",
                                     description="Kettles that *whistle* in tune.")
booth = Booth.objects.create(
    event=event, hall=hall, exhibitor=exhibitor, number="K-1", tagline="Tuned kettles",
    description={"en": "Hear the **kettle** choir.", "ko": "**주전자** 합창을 들어 보세요."},
    x=1, y=1, width=3, height=2,
)
booth.tags.set([Tag.objects.create(event=event, name="Kitchen")])
BoothLink.objects.create(booth=booth, title="Catalogue", url="https://kettle.example/", position=0)
starts = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
session = save_session(
    event, None, title="Kettle choir live", description="A *live* concert.", starts_at=starts,
    ends_at=starts + dt.timedelta(minutes=30), speakers_text="Kim Kettle", place=f"booth:{booth.pk}",
)
organiser = User.objects.create_user("olga.owner@example.org", password="a long enough pass phrase 42",
                                     display_name="Olga Owner")
EventTeamMember.objects.create(event=event, user=organiser, role=TeamRole.OWNER)
staff = User.objects.create_user("kim.staff@example.org", password="a long enough pass phrase 42",
                                 display_name="Kim Staff")
ExhibitorStaff.objects.create(exhibitor=exhibitor, user=staff)
visitor = User.objects.create_user("val.visitor@example.org", display_name="Val Visitor")
visitor.set_unusable_password()
visitor.save()
Attendee.objects.create(event=event, user=visitor, kind=AttendeeKind.INDIVIDUAL,
                        status=AttendeeStatus.CONFIRMED, display_name="Val Visitor",
                        email="val.visitor@example.org", language="en", confirmed_at=timezone.now())


def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


print(json.dumps({
    "hall": hall.pk, "booth": booth.pk, "session": session.pk, "exhibitor": exhibitor.pk,
    "cookie": settings.SESSION_COOKIE_NAME, "visitor": session_of(visitor),
    "organiser": session_of(organiser), "staff": session_of(staff),
}))
"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str  # "visitor", "organiser", "staff" or "anonymous": whose cookies the browser holds


def setup_everyday_expo(rakwon_server) -> dict:
    """Make the expo once per server (the pages only read it); returns its ids and sessions."""
    cached = getattr(rakwon_server, "_everyday_expo", None)
    if cached is None:
        cached = json.loads(rakwon_server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
        object.__setattr__(rakwon_server, "_everyday_expo", cached)
    return cached


def everyday_pages(ids: dict) -> list[Page]:
    organiser = f"/organiser/{SLUG}"
    return [
        Page("lobby", f"/{SLUG}/lobby/", "visitor"),
        Page("hall", f"/{SLUG}/halls/{ids['hall']}/", "visitor"),
        Page("booth", f"/{SLUG}/booths/{ids['booth']}/", "visitor"),
        Page("session", f"/{SLUG}/sessions/{ids['session']}/", "visitor"),
        Page("registration form", f"/{SLUG}/register/", "anonymous"),
        Page("event dashboard", f"{organiser}/", "organiser"),
        Page("halls", f"{organiser}/halls/", "organiser"),
        Page("booths and plan editor", f"{organiser}/booths/", "organiser"),
        Page("exhibitors", f"{organiser}/exhibitors/", "organiser"),
        Page("exhibitor detail", f"{organiser}/exhibitors/{ids['exhibitor']}/", "organiser"),
        Page("registration settings", f"{organiser}/registration/", "organiser"),
        Page("attendees", f"{organiser}/attendees/", "organiser"),
        Page("schedule", f"{organiser}/schedule/", "organiser"),
        Page("stage documents", f"{organiser}/schedule/{ids['session']}/stage/documents/", "organiser"),
        Page("booth editor", f"/exhibitor/booths/{ids['booth']}/editor/", "staff"),
    ]


def browser_for(
    browser, rakwon_server, ids: dict, *, who: str, language: str, viewport: dict, bypass_csp: bool = False
):
    """A context in `language` ("en" or "ko") holding `who`'s session cookie. `bypass_csp` lets
    a test inject its own script (axe-core) past the site's script-src 'self'."""
    locale = {"en": "en-GB", "ko": "ko-KR"}[language]
    context = browser.new_context(
        viewport=viewport, base_url=rakwon_server.url, locale=locale, bypass_csp=bypass_csp
    )
    context.set_default_timeout(15_000)
    if who != "anonymous":
        context.add_cookies([{"name": ids["cookie"], "value": ids[who], "url": rakwon_server.url}])
    return context

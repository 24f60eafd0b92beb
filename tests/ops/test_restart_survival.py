"""Chat, registrations, uploads and leads survive a restart of every process (kill -9 of all of them).

Everything is created through the app as visitors and staff do it — forms with CSRF tokens over
HTTP, chat over the live socket — on two daphne processes and a Celery worker sharing Redis and
the database. Then every process is killed without warning, a new set is started on other ports,
and everything is read back through the app.
"""

from __future__ import annotations

import asyncio
import hashlib

from tests.scaled.live_client import LiveClient

from .conftest import Visitor, pytestmark, wait_until  # noqa: F401  (skips without REDIS_URL)

SETUP = """
import json
from django.conf import settings
from django.test import Client
from django.urls import reverse
from events.enums import EventStatus, TeamRole
from tests.factories import BoothFactory, EventFactory, ExhibitorFactory, StaffFactory, TeamMemberFactory
from tests.registration_factories import AttendeeFactory
event = EventFactory(slug="expo", name="Expo", status=EventStatus.PUBLISHED)
owner = TeamMemberFactory(event=event, role=TeamRole.OWNER).user
exhibitor = ExhibitorFactory(event=event, name="Alpha Systems")
booth = BoothFactory(event=event, exhibitor=exhibitor, number="A-1")
staff = StaffFactory(exhibitor=exhibitor).user
ada = AttendeeFactory(event=event, display_name="Ada Lovelace", visible_to_others=True)
def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({
    "cookie_name": settings.SESSION_COOKIE_NAME,
    "sessions": {"owner": session(owner), "staff": session(staff), "ada": session(ada.user)},
    "booth": booth.pk,
    "register": reverse("attendee:register", args=["expo"]),
    "attendees": reverse("registration_admin:attendees", kwargs={"slug": "expo"}),
    "booth_page": reverse("visit:booth", args=["expo", booth.pk]),
    "share": reverse("visit:share_contact", args=["expo", booth.pk]),
    "media": reverse("exhibitor:booth_media", kwargs={"booth_id": booth.pk}),
    "leads": reverse("exhibitor:leads", kwargs={"exhibitor_id": exhibitor.pk}),
}))
"""

STORED_FILES = """
import json
from exhibits.models import BoothAsset
asset = BoothAsset.objects.get(title="Price list")
print(json.dumps({"url": asset.original.url, "status": asset.status, "pages": asset.pages.count()}))
"""


def _pdf() -> bytes:
    from tests.asset_factories import pdf_bytes

    return pdf_bytes(3)


async def _chat(site, number: int, cookie: str, room: str, text: str | None) -> dict:
    client = await LiveClient.open(
        site.url(number, "/ws/events/expo/").replace("http", "ws"), site.url(number, ""), cookie
    )
    try:
        if text is not None:
            sent = await client.request("chat.send", room=room, text=text)
            assert sent["type"] == "ok", sent
        return await client.request("chat.join", room=room)
    finally:
        await client.close()


def test_everything_created_through_the_app_survives_killing_every_process(site_factory):
    site = site_factory(redis_database=11, name="restart", TASK_REDELIVERY_SECONDS="5")
    floor = site.shell_json(SETUP)
    name = floor["cookie_name"]
    owner = Visitor({name: floor["sessions"]["owner"]})
    staff = Visitor({name: floor["sessions"]["staff"]})
    ada = Visitor({name: floor["sessions"]["ada"]})
    newcomer = Visitor()
    room = f"booth:{floor['booth']}"
    pdf = _pdf()

    site.start_web(2)
    site.start_worker()

    # A registration, on the first process.
    registered = newcomer.post_form(
        site.url(0, floor["register"]),
        site.url(0, floor["register"]),
        {"email": "minji@example.org", "q_name": "Kim Minji", "q_residence": "Busan"},
    )
    assert registered.status == 302, registered.text[:500]
    # A chat message, on the second.
    said = "Still here after the restart?"
    asyncio.run(_chat(site, 1, f"{name}={floor['sessions']['ada']}", room, said))
    # An upload by the booth's staff, processed by the worker.
    uploaded = staff.post_form(
        site.url(0, floor["media"]),
        site.url(0, floor["media"]),
        {"kind": "document", "title_en": "Price list"},
        files={"file": ("price-list.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status == 302, uploaded.text[:500]
    # A lead: the visitor shares her name with the exhibitor.
    shared = ada.post_form(
        site.url(1, floor["share"]), site.url(1, floor["booth_page"]), {"fields_to_share": "name"}
    )
    assert shared.status == 302, shared.text[:500]

    site.kill_all()
    site.start_web(2)
    site.start_worker()

    attendees = owner.get(site.url(1, floor["attendees"]))
    assert attendees.status == 200
    assert "Kim Minji" in attendees.text
    history = asyncio.run(_chat(site, 0, f"{name}={floor['sessions']['ada']}", room, None))
    assert [message["text"] for message in history["data"]["messages"]] == [said]
    leads = staff.get(site.url(0, floor["leads"]))
    assert leads.status == 200
    assert "Ada Lovelace" in leads.text
    # The upload: its original is served byte for byte, and it is (or becomes) processed once.
    stored = wait_until(
        lambda: (files := site.shell_json(STORED_FILES))["status"] == "ready" and files,
        90,
        "the uploaded document processed",
        every=1,
    )
    assert stored["pages"] == 3
    original = staff.get(site.url(1, stored["url"]))
    assert original.status == 200
    assert hashlib.sha256(original.body).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert "Price list" in staff.get(site.url(1, floor["media"])).text
    # The registration mail was sent once, by a worker, and kept.
    mails = [path.read_text() for path in (site.var_dir / "mail").glob("*") if path.is_file()]
    assert len([mail for mail in mails if "minji@example.org" in mail]) == 1

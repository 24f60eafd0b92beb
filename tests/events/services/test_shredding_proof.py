"""The shredding proof: after an attendee is shredded (by themselves on "My data", or with the whole
event by its owner), nothing anywhere still holds their name, address, answers or words.

The search is generic so that a new table cannot hide a leak: every field of every row of every
model in ``apps.get_models()``, every file under MEDIA_ROOT, PRIVATE_ROOT (exports) and
EMAIL_FILE_PATH (mails decoded, so quoted-printable or base64 cannot hide a name), every decoded
Django session, every cache entry, and the presence store (in Redis too when REDIS_URL is set).
What may stay is written down in docs/shredding.md and in `KEPT_FILES` below: nothing else.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import pickle
import re
import uuid
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from events.enums import EventStatus, ExportKind
from events.live.presence import entries, ticker
from events.live.presence.store import MemoryStore, RedisStore, get_store, use_store
from events.models import Attendee, Event, ExportJob, User
from events.services.chat import post_message
from events.services.session_polls import cast_vote, create_poll, open_poll
from events.services.session_questions import ask_question
from exhibits.models import BoothVisitMark
from exhibits.services.analytics import record_booth_visit, visit_key
from exhibits.services.bookmarks import add_bookmark, calendar_feed_of
from exhibits.services.leads import share_contact, shareable_fields, update_lead
from rakwon_site.asgi import application
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

make = database_sync_to_async

# Values no test data or translation contains by chance, so any hit is theirs.
NAME = "Quennevil Zarathos 뷁뛟"
EMAIL = "quennevil.zarathos@example.org"
RESIDENCE = "Vrimbleton-on-Ouse 뷁동"
CHAT_SIGNATURE = "signed ferrocactus-7731 뛟"
LEAD_NOTE = "wants the ox-5519 sample kit"
NEEDLES = (NAME, EMAIL, RESIDENCE, CHAT_SIGNATURE, LEAD_NOTE)

# What docs/shredding.md says stays: the owner's archive written before shredding (in the private
# exports folder, downloadable by the owners until EXPORT_FILE_KEEP_DAYS have passed).
KEPT_FILES = {"organiser": {ExportKind.SHRED_ARCHIVE}, "attendee": set()}


def forms_of(value: str) -> set[str]:
    """The ways a value can be written down: as is, lower-cased, and JSON-escaped."""
    escaped = json.dumps(value)[1:-1]
    return {value, value.lower(), escaped, escaped.lower()}


ESCAPED = re.compile(r"\\+u([0-9a-fA-F]{4})")


def hits(text: str, where: str) -> list[str]:
    found = []
    # \uXXXX escapes at any depth (JSON inside JSON) are read back as the characters they stand for.
    lowered = (text + "\n" + ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)).lower()
    for needle in NEEDLES:
        if any(form.lower() in lowered for form in forms_of(needle)):
            found.append(f"{where}: {needle!r}")
    return found


# --- The search ---------------------------------------------------------------------------------


def search_database() -> list[str]:
    """Every concrete field of every row of every model, whatever its type."""
    leaks = []
    for model in apps.get_models():
        fields = [field.attname for field in model._meta.concrete_fields]
        for row in model._default_manager.values_list("pk", *fields):
            text = json.dumps([str(value) if not isinstance(value, (dict, list)) else value for value in row])
            text += json.dumps(row[1:], ensure_ascii=False, default=str)
            leaks += hits(text, f"table {model._meta.label} row {row[0]}")
    return leaks


def links_to(attendee_id: int, user_id: int) -> list[str]:
    """Rows of any model that still point at the attendee's registration or account."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if not field.is_relation or target not in (Attendee, User):
                continue
            pk = attendee_id if target is Attendee else user_id
            count = model._default_manager.filter(**{field.attname: pk}).count()
            if count:
                found.append(f"{model._meta.label}.{field.name} -> {target._meta.label} {pk}: {count}")
    return found


def mail_texts(raw: bytes) -> list[str]:
    """A file of the mail file backend: each message's headers and decoded parts."""
    texts = []
    for chunk in raw.split(b"-" * 79):
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk.strip(), policy=email.policy.default)
        texts.append(" ".join(f"{key}: {value}" for key, value in message.items()))
        for part in message.walk():
            if not part.is_multipart():
                texts.append(str(part.get_content()))
    return texts


def search_files(kept: set[str]) -> list[str]:
    leaks = []
    kept_names = set(ExportJob.objects.filter(kind__in=kept).values_list("file_name", flat=True)) - {""}
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_ROOT), Path(settings.EMAIL_FILE_PATH)]
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if not path.is_file() or path.name in kept_names:
                continue
            raw = path.read_bytes()
            texts = [raw.decode("utf-8", "replace")]
            if root == Path(settings.EMAIL_FILE_PATH):
                texts += mail_texts(raw)
            for text in texts:
                leaks += hits(text, f"file {path.relative_to(root.parent)}")
    return sorted(set(leaks))


def search_sessions(user_id: int) -> list[str]:
    leaks = []
    for session in Session.objects.all():
        data = session.get_decoded()
        leaks += hits(json.dumps(data, ensure_ascii=False, default=str), f"session {session.pk[:6]}")
        if str(data.get("_auth_user_id")) == str(user_id):
            leaks.append(f"session {session.pk[:6]}: still signed in as the attendee")
    return leaks


def unpickled(value):
    """A cache entry as it was stored (Django's caches pickle values; these are our own)."""
    try:
        return pickle.loads(value)  # noqa: S301  written by this test's own process
    except Exception:  # not a pickle (a Redis counter): searched as it is
        return value


def search_caches() -> list[str]:
    leaks = []
    for alias in settings.CACHES:
        cache = caches[alias]
        store = getattr(cache, "_cache", None)
        if isinstance(store, dict):  # the local-memory cache
            values = list(store.items())
        else:  # a Redis cache: every key it holds
            client = store.get_client(None, write=False)
            values = [(key, client.get(key)) for key in client.keys("*")]
        for key, value in values:
            leaks += hits(f"{key} {unpickled(value)!r}", f"cache {alias} {key}")
    return leaks


async def search_presence(store) -> list[str]:
    if isinstance(store, MemoryStore):
        text = json.dumps({"people": store._people}, ensure_ascii=False, default=str)
        return hits(text, "presence store (memory)")
    leaks = []
    redis = store._redis
    async for key in redis.scan_iter(match=f"{store.prefix}*"):
        kind = await redis.type(key)
        if kind == "hash":
            value = await redis.hgetall(key)
        elif kind == "set":
            value = sorted(await redis.smembers(key))
        elif kind == "zset":
            value = await redis.zrange(key, 0, -1, withscores=True)
        elif kind == "list":
            value = await redis.lrange(key, 0, -1)
        elif kind == "string":
            value = await redis.get(key)
        else:  # a kind of key this search cannot read must not pass for an empty one
            value = f"unreadable {kind}"
            leaks.append(f"presence store (redis) {key}: a {kind} the search cannot read")
        leaks += hits(f"{key} {json.dumps(value, ensure_ascii=False)}", f"presence store (redis) {key}")
    return leaks


# --- The attendee's traces ----------------------------------------------------------------------


def sent_mails() -> list[str]:
    folder = Path(settings.EMAIL_FILE_PATH)
    return [text for path in sorted(folder.glob("*")) for text in mail_texts(path.read_bytes())]


def signin_code() -> str:
    codes = re.findall(r"^([A-Z2-9]{4}-[A-Z2-9]{4})$", "\n".join(sent_mails()), re.MULTILINE)
    return codes[-1]


def signin_link() -> str:
    return re.findall(r"http://127\.0\.0\.1:8000(/signin/[\w-]+/)", "\n".join(sent_mails()))[-1]


def leave_traces(event: Event, booth, staff, owner) -> dict:
    """Register through the page, sign in twice (two browsers), and use the floor."""
    first, second, organiser = Client(), Client(), Client()
    response = first.post(
        f"/{event.slug}/register/",
        {"email": EMAIL, "q_name": NAME, "q_residence": RESIDENCE, "visible_to_others": "on"},
    )
    assert (response.status_code, response["Location"]) == (302, f"/{event.slug}/signin/sent/")
    assert first.get(signin_link()).status_code == 302
    response = second.post(f"/{event.slug}/signin/", {"email": EMAIL, "code": signin_code()})
    assert response.status_code == 302, response.content.decode()[:500]
    attendee = Attendee.objects.get(event=event, email=EMAIL)
    assert (attendee.display_name, attendee.visible_to_others) == (NAME, True)
    user = attendee.user
    assert (get_user(first).pk, get_user(second).pk) == (user.pk, user.pk)
    assert first.get(f"/{event.slug}/me/download/").status_code == 200  # an audit entry

    post_message(event, f"booth:{booth.pk}", f"Hello from the booth, {CHAT_SIGNATURE}", by=user)
    # A question in a session, under their public name (they chose to be visible).
    ask_question(SessionFactory(event=event), f"A question for the stage, {CHAT_SIGNATURE}", by=user)
    # A vote in a session's poll: it keeps only the link to their account.
    poll = open_poll(create_poll(SessionFactory(event=event), "Lunch?", ["Yes", "No"], by=owner), by=owner)
    cast_vote(poll, poll.options.first().pk, by=user)
    offered = [field.key for field in shareable_fields(attendee, "en")]
    lead = share_contact(booth, attendee, keys=offered, by=user)
    update_lead(lead, notes=f"{NAME} {LEAD_NOTE}", rating=4, by=staff)
    add_bookmark(booth, attendee=attendee)
    calendar_feed_of(attendee)
    assert record_booth_visit(booth, attendee) is True

    organiser.force_login(owner)
    response = organiser.post(f"/organiser/{event.slug}/exports/new/")
    assert response.status_code == 302
    export = ExportJob.objects.get(event=event, kind=ExportKind.ATTENDEES_CSV)
    assert NAME in (Path(settings.PRIVATE_ROOT) / "exports" / export.file_name).read_text("utf-8")
    return {"first": first, "second": second, "organiser": organiser, "attendee": attendee, "user": user}


def visit_marks_of(attendee_id: int) -> list[str]:
    """Unique-visitor marks are keyed hashes of the attendee's number: recomputed, they name them."""
    return [
        f"visit mark of booth {mark.booth_id} on {mark.day}"
        for mark in BoothVisitMark.objects.select_related("booth")
        if mark.key == visit_key(mark.booth, mark.day, attendee_id)
    ]


def everything_left(kept: set[str], attendee_id: int, user_id: int) -> list[str]:
    return (
        search_database()
        + [f"link {each}" for each in links_to(attendee_id, user_id)]
        + visit_marks_of(attendee_id)
        + search_files(kept)
        + search_sessions(user_id)
        + search_caches()
    )


def signed_in(*browsers: Client) -> list[bool]:
    return [get_user(browser).is_authenticated for browser in browsers]


def shred_by_attendee(event: Event, traces: dict) -> None:
    response = traces["first"].post(f"/{event.slug}/me/delete/")
    assert (response.status_code, response["Location"]) == (302, f"/{event.slug}/me/deleted/")


def shred_by_organiser(event: Event, traces: dict) -> None:
    Event.objects.filter(pk=event.pk).update(status=EventStatus.CLOSED)
    response = traces["organiser"].post(f"/organiser/{event.slug}/shred/", {"confirmation": event.slug})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ExportJob.objects.get(event=event, kind=ExportKind.SHRED_ARCHIVE)
    assert (job.error, job.shredded_at is not None) == ("", True)


SHREDDERS = {"attendee": shred_by_attendee, "organiser": shred_by_organiser}


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def mail_files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return Path(settings.EMAIL_FILE_PATH)


@pytest.fixture(params=["memory", "redis"])
def presence_store(request, settings):
    settings.PRESENCE_TICK_SECONDS = 0.05
    settings.PRESENCE_ENTRY_FLUSH_SECONDS = 0.1
    ticker._dirty.clear()
    entries._pending.clear()
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("the scaled mode's presence store needs REDIS_URL (a Redis on loopback)")
        store = RedisStore(url, prefix=f"presence-proof-{uuid.uuid4().hex[:8]}:")
    else:
        store = MemoryStore()
    use_store(store)
    yield store
    use_store(None)
    ticker._dirty.clear()
    entries._pending.clear()


async def open_socket(client: Client, slug: str) -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    connected, code = await communicator.connect()
    assert connected is True, code
    return communicator


async def closing_code(socket: WebsocketCommunicator) -> int | None:
    """The code the server closed the socket with, past the pushes still on their way."""
    while True:
        try:
            output = await socket.receive_output(timeout=1)
        except TimeoutError:
            return None
        if output["type"] == "websocket.close":
            return output.get("code")


# --- The proof ----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["attendee", "organiser"])
async def test_shredded_attendee_leaves_nothing_but_what_docs_keep(
    by, event, booth_a, staff_a, owner, mail_files, presence_store
):
    traces = await make(leave_traces)(event, booth_a, staff_a, owner)
    attendee_id, user_id = traces["attendee"].pk, traces["user"].pk
    socket = await open_socket(traces["first"], event.slug)
    await socket.send_to(
        text_data=json.dumps({"id": 1, "type": "booth.enter", "data": {"booth": booth_a.pk}})
    )
    reply = json.loads(await socket.receive_from())
    assert reply["data"]["people"] == [{"person": attendee_id, "name": NAME}]
    assert await search_presence(get_store()) != []  # the search can see a live entry

    await make(SHREDDERS[by])(event, traces)
    # The server closed their live socket; as daphne does, the closed socket is then disconnected.
    assert await closing_code(socket) == 4403
    await socket.disconnect()

    leaks = await make(everything_left)(KEPT_FILES[by], attendee_id, user_id)
    leaks += await search_presence(get_store())
    assert leaks == [], "still there:\n" + "\n".join(leaks)
    # Both browsers are signed out.
    assert await make(signed_in)(traces["first"], traces["second"]) == [False, False]
    response = await make(traces["second"].get)(f"/{event.slug}/me/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, f"/{event.slug}/signin/")


async def test_search_finds_every_trace_before_shredding(
    event, booth_a, staff_a, owner, mail_files, presence_store
):
    """The proof could be fooled by a search that looks nowhere: before shredding it finds each
    kind of trace, in the places the attendee left it."""
    traces = await make(leave_traces)(event, booth_a, staff_a, owner)
    socket = await open_socket(traces["first"], event.slug)
    await socket.send_to(
        text_data=json.dumps({"id": 1, "type": "booth.enter", "data": {"booth": booth_a.pk}})
    )
    await socket.receive_from()

    found = await make(everything_left)(set(), traces["attendee"].pk, traces["user"].pk)
    places = {leak.split(":")[0].split(" row ")[0] for leak in found}
    assert {
        "table events.Attendee",
        "table events.Answer",
        "table events.ChatMessage",
        "table events.SessionQuestion",
        "table events.User",
        "table exhibits.Lead",
    } <= places
    assert any(place.startswith("file private/exports/") for place in places)
    assert any(place.startswith("file mail/") for place in places)
    assert any("still signed in" in leak for leak in found)
    assert any(leak.startswith("visit mark of booth") for leak in found)
    assert any(leak.startswith("link events.PollVote.user") for leak in found)
    assert await search_presence(get_store()) != []
    await socket.disconnect()

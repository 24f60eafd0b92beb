"""Soak test of the scaled set-up: visitors touring, chatting (and watching) for a long time.

Loopback only; starts what it needs and stops by itself. It starts 2 daphne processes on free
loopback ports, a Celery worker and (when the app has one) a media worker, against a fresh
PostgreSQL database and a Redis database, loads the demo expo, and lets simulated visitors
    - tour: fetch the expo's pages (event, halls, booths, schedule, agenda, search) over HTTP;
    - chat: hold a live socket (half on each daphne) and send chat messages in booth rooms; each
      acknowledged message must reach the room's observer on the *other* process, and be stored;
    - watch: --watchers of them also watch a live booth stream (bench/soak_watch.py, ``async def
      watch(...)``): the booth's LiveRoom runs the server-side test pattern (the demo's live booth,
      or the first booth made live here), and each viewer counts the encoded video frames it gets.
It samples each process's memory (RSS) and the machine's load average over time and reports
errors, p95 page and socket latency, RSS growth per process, lost messages and frames watched.
See BENCHMARKS.md, "Soak". Last line: JSON.

    .venv/bin/python bench/soak.py [--minutes 30] [--visitors 30] [--redis-db 15]

DATABASE_URL (its server; a fresh database ``rakwon_soak`` is made there) and REDIS_URL (its
server; database --redis-db is emptied) default to postgres://postgres@127.0.0.1:5432 and
redis://127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
SOAK_DATABASE = "rakwon_soak"
SAMPLE_SECONDS = 10
WARM_UP_SECONDS = 30  # memory growth is measured after this: caches and pools fill up first

SETUP = """
import json, os
from datetime import timedelta
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from events.models import Attendee, Event, User
from exhibits.models import Booth, Hall
from media_rtc.models import LiveRoom
count = int(os.environ["SOAK_VISITORS"])
event = Event.objects.order_by("pk").first()
now = timezone.now()
users = User.objects.bulk_create([
    User(username=f"soak{n}", email=f"soak{n}@example.org", display_name=f"Soak {n}", password="!")
    for n in range(count + 8)])
Attendee.objects.bulk_create([Attendee(event=event, user=u, kind="individual", status="confirmed",
    display_name=u.display_name, email=u.email, language="en", visible_to_others=True,
    confirmed_at=now) for u in users])
store, backend, keys = SessionStore(), settings.AUTHENTICATION_BACKENDS[-1], []
for u in users:
    key = get_random_string(32)
    data = {"_auth_user_id": str(u.pk), "_auth_user_backend": backend,
            "_auth_user_hash": u.get_session_auth_hash()}
    Session.objects.create(session_key=key, session_data=store.encode(data),
                           expire_date=now + timedelta(days=2))
    keys.append(key)
booths = list(Booth.objects.filter(hall__event=event).order_by("pk").values_list("pk", flat=True))
halls = list(Hall.objects.filter(event=event).order_by("pk").values_list("pk", flat=True))
live = LiveRoom.objects.filter(booth__event=event, test_pattern=True).order_by("pk").first()
if live is None:  # the watchers need a booth that is live without a camera
    live, _new = LiveRoom.objects.update_or_create(booth_id=booths[0], defaults={"test_pattern": True})
pages = [reverse("public:event", args=[event.slug]), reverse("public:schedule", args=[event.slug]),
         reverse("visit:agenda", args=[event.slug]), reverse("visit:search", args=[event.slug]) + "?q=AI"]
pages += [reverse("visit:hall", args=[event.slug, h]) for h in halls]
pages += [reverse("visit:booth", args=[event.slug, b]) for b in booths]
print(json.dumps({"slug": event.slug, "keys": keys, "booths": booths, "pages": pages,
                  "live_booth": live.booth_id,
                  "cookie": settings.SESSION_COOKIE_NAME}))
"""

STORED = """
import json
from events.models import ChatMessage
texts = list(ChatMessage.objects.filter(text__startswith="soak ").values_list("text", flat=True))
print(json.dumps({"stored": len(texts), "distinct": len(set(texts))}))
"""


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and its children (a prefork Celery worker is several processes)."""
    total = rss_kb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_kb(int(child)) for child in children)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return 0.0
    return total + sum(tree_cpu_seconds(int(child)) for child in children)


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def timeline(series: list[tuple[float, int]], every_seconds: float) -> list[list]:
    """[minute, MB] about every `every_seconds`: how memory moved, not just where it ended."""
    marks, next_mark = [], 0.0
    for t, value in series:
        if t >= next_mark:
            marks.append([round(t / 60, 1), round(value / 1024, 1)])
            next_mark = t + every_seconds
    if series and marks[-1][0] != round(series[-1][0] / 60, 1):
        marks.append([round(series[-1][0] / 60, 1), round(series[-1][1] / 1024, 1)])
    return marks


def slope_kb_per_minute(samples: list[tuple[float, int]]) -> float | None:
    """Least-squares growth of RSS over time (more robust than last minus first)."""
    if len(samples) < 3:
        return None
    times, values = [t for t, _ in samples], [v for _, v in samples]
    return round(statistics.linear_regression(times, values).slope * 60, 1)


# --- The site under test --------------------------------------------------------------------


class Site:
    def __init__(self, args: argparse.Namespace, var_dir: Path) -> None:
        self.var_dir = var_dir
        database = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE)
        redis_parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS)
        self.database_url = urlunsplit(database._replace(path=f"/{SOAK_DATABASE}"))
        self.redis_url = urlunsplit(redis_parts._replace(path=f"/{args.redis_db}"))
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RAKWON_VAR_DIR": str(var_dir),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "RAKWON_TESTING": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore",
            "RTC_HOST_ADDRESSES": "127.0.0.1",
            "DB_CONN_MAX_AGE": "60",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: list[int] = []

    def fresh_stores(self) -> None:
        import psycopg
        import redis
        from psycopg import sql

        admin_url = self.database_url.rpartition("/")[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            name = sql.Identifier(SOAK_DATABASE)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        redis.Redis.from_url(self.redis_url).flushdb()

    def manage(self, *args: str, env: dict | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise SystemExit(f"manage.py {args[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.var_dir / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes[name] = process
        return process

    def has_media_worker(self) -> bool:
        return (ROOT / "media_rtc" / "management" / "commands" / "media_worker.py").exists()

    def start_all(self) -> None:
        daphne = shutil.which("daphne", path=str(BIN)) or "daphne"
        for letter in "AB":
            port = free_port()
            self.ports.append(port)
            self.start(f"daphne-{letter}", [daphne, "-b", "127.0.0.1", "-p", str(port), "-v", "0",
                                            "rakwon_site.asgi:application"])  # fmt: skip
        self.start("celery", [str(BIN / "celery"), "-A", "rakwon_site", "worker", "--concurrency=1",
                              "--without-gossip", "--without-mingle", "--loglevel=WARNING"])  # fmt: skip
        if self.has_media_worker():
            self.start("media", [sys.executable, "manage.py", "media_worker"])
        else:
            say("media worker: skipped (the app has no manage.py media_worker yet)")
        for port, letter in zip(self.ports, "AB", strict=True):
            self.wait_healthy(port, self.processes[f"daphne-{letter}"])

    def wait_healthy(self, port: int, process: subprocess.Popen, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"daphne on {port} exited with {process.returncode}; see {self.var_dir}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"daphne on {port} did not answer /healthz within {seconds} s")

    def readiness(self, seconds: float = 60) -> dict:
        """/readyz once every process has had time to report in (workers start slower than daphne)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[0]}/readyz", timeout=10) as answer:
                    return json.loads(answer.read())
            except urllib.error.HTTPError as error:
                body = json.loads(error.read())
            if time.monotonic() > deadline:
                return body
            time.sleep(1)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --- The visitors ---------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.page_ms: list[float] = []
        self.socket_ms: list[float] = []
        self.errors: dict[str, int] = defaultdict(int)
        self.pages = 0
        self.acked: dict[int, tuple[str, str]] = {}  # message id → (room, text)
        self.seen: dict[str, set[int]] = defaultdict(set)  # room → ids its observer received
        self.reconnects = 0

    def error(self, kind: str) -> None:
        self.errors[kind] += 1


class LiveSocket:
    """One visitor's live socket: requests with ids, pushes handed to a callback."""

    def __init__(self, port: int, slug: str, cookie: str, tally: Tally, on_push=None) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/events/{slug}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.cookie, self.tally, self.on_push = cookie, tally, on_push
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future] = {}
        self.connection = None
        self.reader: asyncio.Task | None = None
        self.rooms: set[str] = set()

    async def open(self) -> None:
        self.connection = await asyncio.wait_for(
            connect(
                self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}, open_timeout=20
            ),
            30,
        )
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.connection:
                frame = json.loads(text)
                future = self.waiting.pop(frame.get("id"), None)
                if future is not None and not future.done():
                    future.set_result(frame)
                elif self.on_push is not None and "id" not in frame:
                    self.on_push(frame)
        except Exception as error:  # a closed socket ends reading; the next request reconnects
            self.tally.error(f"socket.{type(error).__name__}")
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("socket closed"))
        self.waiting.clear()

    async def request(self, frame_type: str, timeout: float = 15, **data) -> dict:
        if self.connection is None or self.reader is None or self.reader.done():
            reconnecting = self.connection is not None
            await self.open()
            if reconnecting:  # as the page's live.js does: count it, and join the rooms again
                self.tally.reconnects += 1
                for room in self.rooms:
                    await self._ask("chat.join", timeout, room=room)
        if frame_type == "chat.join":
            self.rooms.add(data["room"])
        return await self._ask(frame_type, timeout, **data)

    async def _ask(self, frame_type: str, timeout: float, **data) -> dict:
        frame_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.waiting[frame_id] = future
        started = time.perf_counter()
        await self.connection.send(json.dumps({"id": frame_id, "type": frame_type, "data": data}))
        reply = await asyncio.wait_for(future, timeout)
        self.tally.socket_ms.append((time.perf_counter() - started) * 1000)
        return reply

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


def fetch(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


async def tour(site: Site, floor: dict, cookie: str, tally: Tally, until: float, pool, pace: float) -> None:
    loop = asyncio.get_running_loop()
    while time.monotonic() < until:
        port = random.choice(site.ports)  # no stickiness: any process serves any page
        status, ms = await loop.run_in_executor(
            pool, fetch, f"http://127.0.0.1:{port}{random.choice(floor['pages'])}", cookie
        )
        tally.pages += 1
        if status == 200:
            tally.page_ms.append(ms)
        else:
            tally.error(f"page.{status}")
        await asyncio.sleep(random.uniform(0.5, 1.5) * pace)


async def chat(live: LiveSocket, room: str, number: int, tally: Tally, until: float, pace: float) -> None:
    sent = 0
    while time.monotonic() < until:
        await asyncio.sleep(random.uniform(0.5, 1.5) * pace)
        sent += 1
        text = f"soak {number}-{sent}"
        try:
            reply = await live.request("chat.send", room=room, text=text)
        except (TimeoutError, ConnectionError, OSError):
            tally.error("chat.no_reply")
            continue
        if reply.get("type") == "ok":
            tally.acked[reply["data"]["id"]] = (room, text)
        else:
            tally.error(f"chat.{reply.get('data', {}).get('code', 'error')}")


def load_watcher():
    """The video-watching part, if one is provided: bench/soak_watch.py with ``async def watch(
    port, slug, cookie, booth, until) -> dict`` (frames and bytes received). None and a reason
    otherwise."""
    if not (ROOT / "bench" / "soak_watch.py").exists():
        return None, "no live-socket video viewer yet (bench/soak_watch.py with async watch(...))"
    try:
        return importlib.import_module("soak_watch").watch, ""
    except Exception as error:  # a broken plug-in is reported, not fatal to the rest of the soak
        return None, f"bench/soak_watch.py did not load: {error!r}"


async def sample_memory(
    site: Site,
    samples: dict[str, list[tuple[float, int]]],
    loads: list[tuple[float, float]],
    cpu: dict[str, float],
    until: float,
) -> None:
    """RSS and CPU time of each process, and the machine's 1-minute load average (the machine
    may be shared: the load says how much of the latency is other people's)."""
    started = time.monotonic()
    while time.monotonic() < until:
        now = time.monotonic() - started
        for name, process in site.processes.items():
            if process.poll() is None:
                samples[name].append((now, tree_rss_kb(process.pid)))
                cpu[name] = round(tree_cpu_seconds(process.pid), 1)
        cpu["soak client"] = round(sum(os.times()[:2]), 1)  # this process: visitors and viewers
        loads.append((now, load_average()))
        await asyncio.sleep(SAMPLE_SECONDS)


async def keep_alive(live: LiveSocket, until: float) -> None:
    """Observers only listen; a socket silent for PRESENCE_SILENT_SECONDS counts as gone."""
    while time.monotonic() < until:
        await asyncio.sleep(min(20.0, max(0.0, until - time.monotonic())))
        try:
            await live.request("ping")
        except (TimeoutError, ConnectionError, OSError):
            live.tally.error("ping.no_reply")


async def progress(tally: Tally, started: float, until: float) -> None:
    while time.monotonic() < until:
        await asyncio.sleep(60)
        minutes = int(time.monotonic() - started) // 60
        say(f"  {minutes} min: {tally.pages} pages, {len(tally.acked)} messages, errors {dict(tally.errors)}")


async def soak(site: Site, floor: dict, args: argparse.Namespace) -> dict:
    tally = Tally()
    seconds = args.minutes * 60
    started = time.monotonic()
    until = started + seconds
    cookies = [f"{floor['cookie']}={key}" for key in floor["keys"]]
    rooms = [f"booth:{booth}" for booth in floor["booths"][: args.rooms]]

    # One observer per room, on process B; senders on A and B alternately. An acknowledged
    # message must reach the observer through Redis, whichever process took it.
    observers = []
    for number, room in enumerate(rooms):

        def seen(frame, room=room):
            if frame.get("type") == "chat.message":
                tally.seen[room].add(frame["data"]["id"])

        observer = LiveSocket(site.ports[1], floor["slug"], cookies[-1 - number], tally, on_push=seen)
        await observer.request("chat.join", room=room)
        observers.append(observer)

    senders = []
    for number in range(args.visitors):
        live = LiveSocket(site.ports[number % 2], floor["slug"], cookies[number], tally)
        await live.request("chat.join", room=rooms[number % len(rooms)])
        senders.append(live)
    say(f"{args.visitors} visitors touring and chatting in {len(rooms)} rooms for {args.minutes} min")

    watch, reason = load_watcher()
    if watch is None:
        say(f"watching: skipped ({reason})")
    samples: dict[str, list[tuple[float, int]]] = defaultdict(list)
    loads: list[tuple[float, float]] = []
    cpu: dict[str, float] = {}
    pool = ThreadPoolExecutor(max_workers=8)
    jobs = [sample_memory(site, samples, loads, cpu, until), progress(tally, started, until)]
    jobs += [keep_alive(observer, until) for observer in observers]
    for number, live in enumerate(senders):
        jobs.append(tour(site, floor, cookies[number], tally, until, pool, args.page_seconds))
        jobs.append(chat(live, rooms[number % len(rooms)], number, tally, until, args.chat_seconds))
    watched: list = []
    if watch is not None:
        say(f"{min(args.watchers, args.visitors)} of them watch booth {floor['live_booth']}'s test pattern")
        for number in range(min(args.watchers, args.visitors)):
            cookie, booth = cookies[number], floor["live_booth"]
            jobs.append(
                _watch(watch, site.ports[number % 2], floor["slug"], cookie, booth, until, watched, tally)
            )
    await asyncio.gather(*jobs)
    pool.shutdown(wait=True)

    await asyncio.sleep(3)  # the last pushes still on their way
    lost = {mid: room for mid, (room, _text) in tally.acked.items() if mid not in tally.seen[room]}
    for live in [*senders, *observers]:
        await live.close()
    stored = json.loads(site.manage("shell", "-c", STORED).strip().splitlines()[-1])

    every = 60 if seconds <= 600 else 300
    memory = {}
    for name, series in samples.items():
        settled = [(t, v) for t, v in series if t >= WARM_UP_SECONDS] or series
        memory[name] = {
            "start_kb": settled[0][1],
            "end_kb": settled[-1][1],
            "max_kb": max(v for _, v in series),
            "growth_kb": settled[-1][1] - settled[0][1],
            "growth_kb_per_min": slope_kb_per_minute(settled),
            "samples": len(series),
            "mb_over_time": timeline(series, every),
        }
    for viewer in watched:  # the viewers' errors and reconnects count like everyone's
        for kind, count in viewer.get("errors", {}).items():
            tally.errors[f"watch.{kind}"] += count
        tally.reconnects += viewer.get("reconnects", 0)
    load_values = [value for _t, value in loads if value >= 0]
    return {
        "minutes": args.minutes,
        "visitors": args.visitors,
        "pages": tally.pages,
        "page_p95_ms": percentile(tally.page_ms, 0.95),
        "page_p50_ms": percentile(tally.page_ms, 0.5),
        "socket_p95_ms": percentile(tally.socket_ms, 0.95),
        "socket_p50_ms": percentile(tally.socket_ms, 0.5),
        "messages_acked": len(tally.acked),
        "messages_lost": len(lost),
        "messages_stored": stored["stored"],
        "messages_stored_twice": stored["stored"] - stored["distinct"],
        "reconnects": tally.reconnects,
        "errors": dict(tally.errors),
        "error_count": sum(tally.errors.values()),
        "watchers": len(watched),
        "watch_frames": sum(viewer["frames"] for viewer in watched),
        "watch_fps_min": min((viewer["fps"] for viewer in watched), default=None),
        "watch_fps_mean": round(statistics.fmean(v["fps"] for v in watched), 1) if watched else None,
        "watch_kbps_mean": round(statistics.fmean(v["kbps"] for v in watched), 1) if watched else None,
        "watching": watched if watch is not None else f"skipped: {reason}",
        "memory": memory,
        "cpu_seconds": cpu,
        "load_average": {
            "min": min(load_values, default=None),
            "mean": round(statistics.fmean(load_values), 2) if load_values else None,
            "max": max(load_values, default=None),
            "over_time": [[round(t / 60, 1), v] for t, v in loads[:: max(1, every // SAMPLE_SECONDS)]],
        },
    }


async def _watch(watch, port, slug, cookie, booth, until, watched: list, tally: Tally) -> None:
    try:
        watched.append(await watch(port, slug, cookie, booth, until))
    except Exception as error:
        tally.error(f"watch.{type(error).__name__}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--minutes", type=float, default=30.0, help="How long the visitors stay (default 30)."
    )
    parser.add_argument("--visitors", type=int, default=30, help="Simulated visitors (default 30).")
    parser.add_argument("--rooms", type=int, default=3, help="Booth chat rooms they talk in (default 3).")
    parser.add_argument("--watchers", type=int, default=5, help="Visitors who also watch a booth stream.")
    parser.add_argument("--page-seconds", type=float, default=5.0, help="Mean pause between page views.")
    parser.add_argument("--chat-seconds", type=float, default=10.0, help="Mean pause between messages.")
    parser.add_argument("--redis-db", type=int, default=15, help="Redis database to empty and use.")
    parser.add_argument("--keep", action="store_true", help="Keep the run's folder (logs) afterwards.")
    args = parser.parse_args()
    if args.minutes <= 0 or args.visitors < 1 or args.rooms < 1:
        parser.error("--minutes, --visitors and --rooms must be positive")

    var_dir = Path(tempfile.mkdtemp(prefix="rakwon-soak-"))
    site = Site(args, var_dir)
    say(f"soak: database {SOAK_DATABASE} (fresh), Redis database {args.redis_db} (emptied), folder {var_dir}")
    site.fresh_stores()
    site.manage("migrate", "--noinput", "-v0")
    site.manage("collectstatic", "--noinput", "-v0")
    site.manage("load_demo")
    floor = json.loads(
        site.manage("shell", "-c", SETUP, env={"SOAK_VISITORS": str(args.visitors + args.rooms)})
        .strip()
        .splitlines()[-1]
    )
    result: dict = {}
    try:
        site.start_all()
        ready = site.readiness()
        say(
            f"readiness: {ready['status']} " + json.dumps({k: v["state"] for k, v in ready["checks"].items()})
        )
        result = asyncio.run(soak(site, floor, args))
        result["ready_at_start"] = ready["status"]
        result["processes_alive_at_end"] = {
            name: process.poll() is None for name, process in site.processes.items()
        }
    finally:
        site.stop_all()
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    say(
        f"pages {result['pages']}, p95 {result['page_p95_ms']} ms; socket p95 {result['socket_p95_ms']} ms; "
        f"messages {result['messages_acked']} acked, {result['messages_lost']} lost, "
        f"{result['messages_stored']} stored; errors {result['error_count']}"
    )
    for name, memory in result["memory"].items():
        say(
            f"  {name}: RSS {memory['start_kb']} -> {memory['end_kb']} KB "
            f"(max {memory['max_kb']}, {memory['growth_kb_per_min']} KB/min)"
        )
    if isinstance(result["watching"], list):
        say(
            f"watching: {result['watchers']} viewers, {result['watch_frames']} video frames "
            f"(encoded), fps min {result['watch_fps_min']} mean {result['watch_fps_mean']}, "
            f"{result['watch_kbps_mean']} kbit/s"
        )
    say(f"load average: {result['load_average']}; CPU seconds: {result['cpu_seconds']}")
    say(json.dumps(result))
    watched_ok = not isinstance(result["watching"], list) or all(v["frames"] > 0 for v in result["watching"])
    healthy = (
        result["messages_lost"] == 0
        and result["messages_stored_twice"] == 0
        and result["error_count"] == 0
        and watched_ok
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())

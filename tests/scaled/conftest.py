"""Scaled mode for real: two daphne processes sharing one Redis and one database, on loopback.

Runs only when REDIS_URL is set (CI sets it). Each test gets its own Redis database number so
group names and presence keys of two tests never meet; processes are always killed at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: scaled mode needs a running Redis"
)

# Small on purpose: a killed process's sockets are swept within a few seconds, not ten.
PROCESS_TTL_SECONDS = "2"
TICK_SECONDS = "0.3"
SERVE = [sys.executable, "-m", "rakwon_site.serve"]  # daphne as the Procfile runs it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_url(database: int) -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def _database_url(var_dir: Path, name: str) -> str:
    """The shared database: a fresh PostgreSQL one beside DATABASE_URL's, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{var_dir / 'scaled.sqlite3'}"
    import psycopg
    from psycopg import sql

    base, _slash, _old = url.rpartition("/")
    fresh = f"scaled_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fresh)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh)))
    return f"{base}/{fresh}"


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited early with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on port {port} within {timeout} s")


@dataclass
class Cluster:
    env: dict[str, str]
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def shell_json(self, code: str) -> dict:
        """Run Python in `manage.py shell` against the shared database; its last line is JSON."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def socket_url(self, number: int, slug: str) -> str:
        return f"ws://127.0.0.1:{self.ports[number]}/ws/events/{slug}/"

    def origin(self, number: int) -> str:
        return f"http://127.0.0.1:{self.ports[number]}"

    def kill(self, number: int) -> None:
        """kill -9: no disconnect, no leave, no goodbye of any kind."""
        self.processes[number].send_signal(signal.SIGKILL)
        self.processes[number].wait(timeout=10)


def start_cluster(var_dir: Path, redis_database: int, name: str) -> Cluster:
    import redis

    redis_url = _redis_url(redis_database)
    redis.Redis.from_url(redis_url).flushdb()  # this test's own database: nothing of a past run
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAKWON_VAR_DIR": str(var_dir),
        "DATABASE_URL": _database_url(var_dir, name),
        "REDIS_URL": redis_url,
        "PRESENCE_PROCESS_TTL_SECONDS": PROCESS_TTL_SECONDS,
        "PRESENCE_TICK_SECONDS": TICK_SECONDS,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "RAKWON_TESTING": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cluster = Cluster(env=env)
    cluster.manage("migrate", "--noinput", "-v0")
    for number in range(2):
        port = _free_port()
        log = (var_dir / f"daphne-{number}.log").open("w")
        cluster.ports.append(port)
        cluster.processes.append(
            subprocess.Popen(
                # As the Procfile runs it: daphne through rakwon_site/serve.py.
                [*SERVE, "-b", "127.0.0.1", "-p", str(port), "rakwon_site.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        log.close()  # the child holds its own copy
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    for process in cluster.processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def cluster_factory(tmp_path) -> Iterator:
    started: list[Cluster] = []

    def start(redis_database: int, name: str) -> Cluster:
        cluster = start_cluster(tmp_path, redis_database, name)
        started.append(cluster)
        for port, process in zip(cluster.ports, cluster.processes, strict=True):
            _wait_for_port(port, process)
        return cluster

    try:
        yield start
    finally:
        for cluster in started:
            stop_cluster(cluster)


# A booth with two confirmed attendees, and a logged-in session for each (cookie values).
SETUP = """
import json
from django.conf import settings
from django.test import Client
from events.enums import EventStatus
from tests.factories import BoothFactory, EventFactory
from tests.registration_factories import AttendeeFactory
event = EventFactory(slug="scaled", status=EventStatus.PUBLISHED)
booth = BoothFactory(event=event)
cookies = []
for name in ("Ada", "Bo"):
    attendee = AttendeeFactory(event=event, display_name=name, visible_to_others=True)
    client = Client()
    client.force_login(attendee.user)
    cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
print(json.dumps({"booth": booth.pk, "cookies": cookies, "cookie_name": settings.SESSION_COOKIE_NAME}))
"""

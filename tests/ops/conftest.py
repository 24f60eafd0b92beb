"""Operations for real: daphne and Celery worker processes on Redis, stopped and started like a server.

Runs only when REDIS_URL is set (CI sets it). Each test gets its own Redis database number and its
own database (a fresh PostgreSQL one beside DATABASE_URL's, or an SQLite file), and every process
it starts is killed at the end.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: restarts and Celery redelivery need a running Redis",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url(database: int) -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def fresh_database_url(var_dir: Path, name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{var_dir / 'ops.sqlite3'}"
    import psycopg
    from psycopg import sql

    base, _slash, _old = url.rpartition("/")
    fresh = f"ops_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fresh)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh)))
    return f"{base}/{fresh}"


def wait_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")


@dataclass
class Site:
    """One Rakwon installation: its environment, and the processes currently serving it."""

    env: dict[str, str]
    var_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)

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
        """Run Python in `manage.py shell` against the site's database; its last line is JSON."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.var_dir / f"{name}.log").open("a")
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()  # the child holds its own copy
        self.processes[name] = process
        return process

    def start_web(self, count: int = 2) -> None:
        daphne = shutil.which("daphne", path=str(BIN)) or "daphne"
        self.ports = []
        for number in range(count):
            port = free_port()
            self.ports.append(port)
            process = self._start(
                f"daphne-{number}",
                [daphne, "-b", "127.0.0.1", "-p", str(port), "rakwon_site.asgi:application"],
            )
            self.wait_for_health(port, process)

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        command = [
            str(BIN / "celery"), "-A", "rakwon_site", "worker", "--pool=solo", "--concurrency=1",
            "--without-mingle", "--without-gossip", f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
            # One worker here does what the deployment splits over two: uploads and mail.
            f"--queues=celery,{settings.MAIL_QUEUE}", "--loglevel=INFO",
        ]  # fmt: skip
        return self._start(name, command)

    def wait_for_health(self, port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited early with code {process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_until(answers, timeout, f"daphne on port {port} answering /healthz")

    def kill(self, name: str) -> None:
        """kill -9: no shutdown, no goodbye, no chance to finish or hand back anything."""
        process = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def kill_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def url(self, number: int, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[number]}{path}"

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-2000:]}" for path in self.var_dir.glob("*.log")
        )


def make_site(var_dir: Path, redis_database: int, name: str, **extra_env: str) -> Site:
    import redis

    url = redis_url(redis_database)
    redis.Redis.from_url(url).flushdb()  # this test's own database: nothing of a past run
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAKWON_VAR_DIR": str(var_dir),
        "DATABASE_URL": fresh_database_url(var_dir, name),
        "REDIS_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "RAKWON_TESTING": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTHONWARNINGS": "ignore",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        **extra_env,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    site = Site(env=env, var_dir=var_dir)
    site.manage("migrate", "--noinput", "-v0")
    site.manage("collectstatic", "--noinput", "-v0")  # pages need the manifest without DEBUG
    return site


@pytest.fixture
def site_factory(tmp_path) -> Iterator[Callable[..., Site]]:
    made: list[Site] = []

    def make(redis_database: int, name: str, **extra_env: str) -> Site:
        site = make_site(tmp_path, redis_database, name, **extra_env)
        made.append(site)
        return site

    try:
        yield make
    finally:
        for site in made:
            site.kill_all()


# --- A browser stand-in: cookies, CSRF tokens, forms and uploads over real HTTP ------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Visitor:
    """One person's browser: keeps its cookies across requests (and across server restarts)."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = dict(cookies or {})
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _request(self, url: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with self.opener.open(request, timeout=30) as response:
                answer = Answer(response.status, dict(response.headers), response.read())
                set_cookies = response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers), error.read())
            set_cookies = error.headers.get_all("Set-Cookie") or []
        for line in set_cookies:
            name, _equals, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer

    def get(self, url: str) -> Answer:
        return self._request(url)

    def csrf_token(self, page: Answer) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, "the page has no form with a CSRF token"
        return match.group(1)

    def post_form(self, url: str, form_url: str, fields: dict, files: dict | None = None) -> Answer:
        """Open the form's page, then post it the way a browser does (CSRF token included)."""
        token = self.csrf_token(self.get(form_url))
        pairs = [("csrfmiddlewaretoken", token)]
        for key, value in fields.items():
            pairs.extend((key, item) for item in (value if isinstance(value, list) else [value]))
        if not files:
            body = urllib.parse.urlencode(pairs).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in pairs:
                disposition = f'Content-Disposition: form-data; name="{key}"'
                parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
            for key, (filename, content, content_type) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._request(url, data=body, headers=headers)

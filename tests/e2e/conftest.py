"""Real-browser tests: Debian's Chromium (driven by Playwright) against a real daphne server.

The server runs as a subprocess on a free loopback port with its own SQLite database and var
folder, migrated and with static files collected, exactly as `make demo` serves it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser tests cannot run: skip them, unless CI demands them."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("RAKWON_REQUIRE_E2E"):
        raise pytest.UsageError(
            f"RAKWON_REQUIRE_E2E is set but {CHROMIUM} is missing: apt-get install chromium"
        )
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


def only_this_server(page, server_url: str) -> list[str]:
    """Collect every request that goes anywhere but the Rakwon server (there must be none)."""
    elsewhere: list[str] = []
    allowed = urlparse(server_url).netloc

    def check(request):
        target = urlparse(request.url)
        if target.scheme in ("http", "https", "ws", "wss") and target.netloc != allowed:
            elsewhere.append(request.url)

    page.on("request", check)
    return elsewhere


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RakwonServer:
    url: str
    env: dict[str, str]
    var_dir: Path
    pids: list[int] = field(default_factory=list)  # its processes, for a failure's stack dumps

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database; returns its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,  # collectstatic compresses every file: minutes on a busy machine
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of each log the server's processes wrote (not ICE's chatter), and where
        each process stands now if py-spy is at hand: for a failure's message."""
        tails = []
        for path in sorted(self.var_dir.glob("*.log")):
            kept = [line for line in path.read_text(errors="replace").splitlines() if "aioice" not in line]
            tails.append(f"--- {path.name} ---\n" + "\n".join(kept[-lines:]))
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        for pid in self.pids if spy else ():
            dump = [spy, "dump", "--pid", str(pid)]
            dumped = subprocess.run(dump, capture_output=True, text=True, timeout=60)
            tails.append(f"--- py-spy dump {pid} ---\n{dumped.stdout[-6000:]}{dumped.stderr[-500:]}")
        return "\n".join(tails)

    def mails(self) -> list[str]:
        folder = self.var_dir / "mail"
        if not folder.exists():
            return []
        return [path.read_text() for path in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)]


def _server_database_url(var_dir: Path) -> str:
    """SQLite in the server's own folder, or E2E_DATABASE_URL with one database per xdist worker."""
    url = os.environ.get("E2E_DATABASE_URL")
    if not url:
        return f"sqlite:///{var_dir / 'e2e.sqlite3'}"
    return f"{url}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _fresh_database(url: str) -> None:
    """A PostgreSQL database for the server is dropped and created anew; SQLite needs nothing."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited early with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not listen on port {port} within {timeout} s")


def _scaled_redis_url() -> str:
    """With REDIS_URL set the browser tests run against the scaled set-up, each xdist worker on
    its own Redis database (4, 5, ...), so two servers' groups and presence never meet."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    from urllib.parse import urlsplit, urlunsplit

    import redis

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    database = 4 + int(worker.removeprefix("gw") or 0)
    scaled = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
    redis.Redis.from_url(scaled).flushdb()  # nothing of an earlier run
    return scaled


def _start(name: str, argv: list[str], env: dict[str, str], var_dir: Path) -> subprocess.Popen:
    log = (var_dir / f"{name}.log").open("w")
    try:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()  # the child holds its own copy


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def rakwon_server(tmp_path_factory) -> Iterator[RakwonServer]:
    """The server the browser talks to. Embedded default: one daphne, tasks run inside it.

    Scaled (REDIS_URL set): two daphne processes behind a sticky-free round-robin balancer, a
    Celery worker on Redis and, when media_rtc has one, a media worker: what the README's scaled
    set-up runs, so a visitor's page and socket may land on either process.
    """
    var_dir = tmp_path_factory.mktemp("rakwon-e2e")
    port = _free_port()
    redis_url = _scaled_redis_url()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAKWON_VAR_DIR": str(var_dir),
        "DATABASE_URL": _server_database_url(var_dir),
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Mail is written as files under var/mail/, as in the demo.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        # Embedded: tasks run inside the server; scaled: a real Celery worker takes them from Redis.
        "CELERY_TASK_ALWAYS_EAGER": "0" if redis_url else "1",
        "RAKWON_TESTING": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = RakwonServer(url=f"http://127.0.0.1:{port}", env=env, var_dir=var_dir)
    _fresh_database(env["DATABASE_URL"])
    server.manage("migrate", "--noinput", "-v0")
    server.manage("collectstatic", "--noinput", "-v0")
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
    processes: list[subprocess.Popen] = []
    try:
        if not redis_url:
            argv = [daphne, "-b", "127.0.0.1", "-p", str(port), "rakwon_site.asgi:application"]
            processes.append(_start("daphne", argv, env, var_dir))
            _wait_for_port(port, processes[0])
        else:
            backends = [_free_port(), _free_port()]
            for number, backend in enumerate(backends):
                argv = [daphne, "-b", "127.0.0.1", "-p", str(backend), "rakwon_site.asgi:application"]
                processes.append(_start(f"daphne-{number}", argv, env, var_dir))
                _wait_for_port(backend, processes[-1])
            celery = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rakwon_site",
                "worker",
                "--pool=solo",
                "--queues=celery,mail",  # one worker does both here; mail has its own queue
                "-l",
                "INFO",
            ]
            processes.append(_start("celery", celery, env, var_dir))
            if (ROOT / "media_rtc" / "management" / "commands" / "media_worker.py").exists():
                processes.append(_start("media", [sys.executable, "manage.py", "media_worker"], env, var_dir))
            balancer = [
                sys.executable,
                str(Path(__file__).with_name("round_robin.py")),
                str(port),
                *map(str, backends),
            ]
            processes.append(_start("balancer", balancer, env, var_dir))
            _wait_for_port(port, processes[-1])
        yield server
    finally:
        _stop(processes)


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per test process: a second sync instance in the same process is refused
    ("Sync API inside the asyncio loop"), so every browser is launched from this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, rakwon_server):
    """A fresh phone-sized browser context (its own cookies) pointed at the server."""
    context = browser.new_context(viewport=PHONE, base_url=rakwon_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context
    context.close()

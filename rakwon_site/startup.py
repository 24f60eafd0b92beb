"""Configuration checked when a serving process starts: stop at once, with one line saying what to fix.

A process that starts with a wrong REDIS_URL or an unreachable database otherwise looks alive and
fails each visitor in turn, or (worse) runs with settings that leak on a network. Each check here
returns a problem in the operator's words, or None; the first problem stops the process.

Called from: rakwon_site/asgi.py (daphne), rakwon_site/celery.py (worker and beat) and manage.py
(commands that serve: runserver, rundemo, media_worker). Not for makemigrations, migrate, shell...:
those must work while the servers are still being set up.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
import redis
from django.conf import settings
from django.db import connections

WEB = "web"  # daphne / runserver
WORKER = "worker"  # Celery worker
BEAT = "beat"  # Celery beat
MEDIA = "media"  # manage.py media_worker
COMMAND = "command"  # rundemo: migrates first, then starts daphne and a worker that check themselves

# Management commands that serve, and the role they are checked as.
SERVING_COMMANDS = {"runserver": WEB, "rundemo": COMMAND, "media_worker": MEDIA}

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class StartupProblem(Exception):
    """A configuration mistake, said in one line with what to do."""


def redacted(url: str) -> str:
    """A URL fit for a log line: the password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password:
            host = parts.hostname or ""
            if ":" in host:
                host = f"[{host}]"
            netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
            return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparsable URL>"
    return url


def is_loopback_host(host: str) -> bool:
    host = host.strip().lower().strip("[]")
    if host.startswith("."):
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_hosts() -> list[str]:
    """The ALLOWED_HOSTS that reach beyond this machine: non-empty means it serves a network."""
    return [host for host in settings.ALLOWED_HOSTS if not is_loopback_host(host)]


# --- The checks -----------------------------------------------------------------------------


def check_safe_settings(role: str) -> str | None:
    exposed = network_hosts()
    if settings.DEBUG and (exposed or settings.SCALED):
        where = f"ALLOWED_HOSTS has {exposed[0]}" if exposed else "SCALED=1"
        return (
            f"DEBUG=1 while serving a network ({where}): debug pages show settings and code to "
            "anyone; set DEBUG=0."
        )
    if exposed and not settings.DEBUG and not settings.HTTPS:
        return (
            f"ALLOWED_HOSTS has {exposed[0]} but HTTPS=0: sign-in codes and session cookies would "
            "cross the network readable and browsers refuse cameras over plain HTTP; serve HTTPS "
            "(manage.py make_certificates, docs/deploy.md) and set HTTPS=1."
        )
    return None


def check_scaled_set_up(role: str) -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if settings.SCALED and engine.endswith("sqlite3"):
        return (
            "SCALED=1 but DATABASE_URL is SQLite, which several processes cannot share: set "
            "DATABASE_URL=postgres://user:password@host:5432/rakwon."
        )
    if (settings.SCALED or role == MEDIA) and not settings.REDIS_URL:
        who = "media workers talk to the web processes" if role == MEDIA else "the processes talk"
        return f"REDIS_URL is not set, and {who} through Redis: set REDIS_URL=redis://127.0.0.1:6379/0."
    if settings.SCALED and settings.CELERY_TASK_ALWAYS_EAGER:
        return (
            "SCALED=1 with CELERY_TASK_ALWAYS_EAGER=1 would run background work inside the web "
            "processes: set CELERY_TASK_ALWAYS_EAGER=0 and start Celery workers."
        )
    return None


def check_redis(role: str) -> str | None:
    if not settings.REDIS_URL:
        return None
    shown = redacted(settings.REDIS_URL)
    timeout = settings.STARTUP_CHECK_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    except ValueError as error:
        return f"REDIS_URL={shown} is not a Redis URL ({error}): write it as redis://host:6379/0."
    try:
        with client:
            client.ping()
    except redis.AuthenticationError:
        return f"Redis at REDIS_URL={shown} refused the password: correct it in REDIS_URL."
    except redis.ResponseError as error:
        return f"Redis at REDIS_URL={shown} answered with an error ({error}): correct REDIS_URL."
    except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return (
            f"nothing answers at REDIS_URL={shown} ({reason}): start Redis "
            "(systemctl start redis-server) or correct REDIS_URL."
        )
    return None


def check_database(role: str) -> str | None:
    connection = connections["default"]
    shown = redacted(settings.DATABASE_URL)
    opened_here = connection.connection is None  # a connection someone else uses stays open
    try:
        connection.ensure_connection()
    except Exception as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return (
            f"the database at DATABASE_URL={shown} cannot be reached ({reason}): start it "
            "(systemctl start postgresql) or correct DATABASE_URL."
        )
    finally:
        if opened_here and not connection.in_atomic_block:
            connection.close()
    return None


def check_migrations(role: str) -> str | None:
    if role == COMMAND:
        return None  # rundemo migrates before it serves
    # Django's migration machinery loads model code: this module is imported by manage.py and
    # the Celery app before Django is set up, so it waits for the one check that needs it.
    from django.db.migrations.executor import MigrationExecutor

    connection = connections["default"]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.close()
    if pending:
        return (
            f"the database lacks {len(pending)} migration(s) (first: {pending[0][0]}): "
            "run python manage.py migrate, then start again."
        )
    return None


def check_folders(role: str) -> str | None:
    if role not in (WEB, WORKER, COMMAND):
        return None
    for name in ("MEDIA_ROOT", "PRIVATE_ROOT"):
        folder = Path(getattr(settings, name))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return (
                f"{name}={folder} cannot be created ({error.strerror}): create it or point {name} elsewhere."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"{name}={folder} is not writable by this user: fix its owner or point {name} elsewhere."
    return None


# In order: cheap settings mistakes first, then the servers they point at.
CHECKS: list[Callable[[str], str | None]] = [
    check_safe_settings,
    check_scaled_set_up,
    check_redis,
    check_database,
    check_migrations,
    check_folders,
]


def first_problem(role: str) -> str | None:
    for check in CHECKS:
        problem = check(role)
        if problem:
            return problem
    return None


def run_startup_checks(role: str) -> None:
    """Stop this process with one line if its configuration cannot work (STARTUP_CHECKS=0 skips)."""
    if not settings.STARTUP_CHECKS:
        return
    problem = first_problem(role)
    if problem:
        # SystemExit with a message: printed on stderr as one line, exit status 1, no traceback.
        raise SystemExit(f"rakwon {role}: cannot start: {problem}")


def run_for_command(argv: list[str]) -> None:
    """manage.py: check the commands that serve, by their name; every other command runs as is."""
    role = SERVING_COMMANDS.get(argv[1]) if len(argv) > 1 else None
    if role is None:
        return
    django.setup()
    run_startup_checks(role)

"""Liveness and readiness for the reverse proxy and the process manager: /healthz and /readyz.

- ``/healthz``: the process answers. No database, no Redis: restarting a process because Redis
  is down would not bring Redis back.
- ``/readyz``: every readiness check passes — the database, Redis (scaled mode), a Celery worker
  reporting in, and whatever other apps add (media_rtc adds its media workers). JSON with each
  check's state; 503 when one fails. Details are short and generic (never a URL, host or user
  name): the full error goes to the log.

Other apps add checks in their ``AppConfig.ready()``::

    from rakwon_site.health import readiness_checks, redis_heartbeat_check
    readiness_checks.add("media_workers", redis_heartbeat_check("media:worker:", what="media worker"))

Both probes are answered by ``ProbeMiddleware`` before the host check and the HTTPS redirect, so
a process manager can poll ``http://127.0.0.1:8001/healthz`` whatever ALLOWED_HOSTS says.

Celery workers prove they are alive with a heartbeat key in Redis (``HEARTBEAT_REDIS_PREFIX`` +
``celery:<hostname>``) refreshed every WORKER_HEARTBEAT_SECONDS by a thread the worker starts
(rakwon_site/celery.py): reading keys is cheaper and steadier than a broadcast `inspect ping`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from media_rtc import native

log = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"
SKIPPED = "skipped"  # not part of this set-up (e.g. Redis in the embedded mode): counts as ready


@dataclass(frozen=True)
class CheckResult:
    state: str
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.state != FAILING


def ok(detail: str = "") -> CheckResult:
    return CheckResult(OK, detail)


def failing(detail: str) -> CheckResult:
    return CheckResult(FAILING, detail)


def skipped(detail: str) -> CheckResult:
    return CheckResult(SKIPPED, detail)


ReadinessCheck = Callable[[], CheckResult]


class ReadinessChecks:
    """The named checks /readyz runs, in the order they were added."""

    def __init__(self) -> None:
        self._checks: dict[str, ReadinessCheck] = {}

    def add(self, name: str, check: ReadinessCheck) -> None:
        if name in self._checks:
            raise ValueError(f"readiness check {name!r} is added twice")
        self._checks[name] = check

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)

    def names(self) -> list[str]:
        return list(self._checks)

    def run(self) -> dict[str, CheckResult]:
        results = {}
        for name, check in self._checks.items():
            try:
                results[name] = check()
            except Exception as error:  # a broken check is a failing check, never a 500
                log.warning("readiness check %s failed", name, exc_info=True)
                results[name] = failing(type(error).__name__)
        return results


readiness_checks = ReadinessChecks()


# --- Redis -----------------------------------------------------------------------------------


def redis_client():
    """A short-timeout client for probes: a probe must answer even when Redis does not."""

    timeout = settings.READINESS_TIMEOUT_SECONDS
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)


def count_heartbeats(client, prefix: str) -> int:
    """Live heartbeat keys under a prefix (each expires by itself when its process stops)."""
    return sum(1 for _key in client.scan_iter(match=f"{prefix}*", count=100))


def redis_heartbeat_check(prefix: str, *, what: str, start_with: str = "") -> ReadinessCheck:
    """A check that passes while at least one process keeps a heartbeat key under `prefix`."""

    def check() -> CheckResult:
        if not settings.REDIS_URL:
            return skipped("embedded mode: no Redis")
        with redis_client() as client:
            alive = count_heartbeats(client, prefix)
        if alive:
            return ok(f"{alive} {what}(s) reporting")
        hint = f": start one ({start_with})" if start_with else ""
        return failing(f"no {what} has reported recently{hint}")

    return check


# --- The built-in checks -----------------------------------------------------------------------


def check_database() -> CheckResult:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        log.warning("readiness: database did not answer: %s", error)
        return failing(f"database did not answer ({type(error).__name__})")
    return ok()


def check_redis() -> CheckResult:
    if not settings.REDIS_URL:
        return skipped("embedded mode: no Redis")
    try:
        with redis_client() as client:
            client.ping()
    except Exception as error:
        log.warning("readiness: Redis did not answer: %s", error)
        return failing(f"Redis did not answer ({type(error).__name__})")
    return ok()


def check_celery_workers() -> CheckResult:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return skipped("tasks run inside the web process (CELERY_TASK_ALWAYS_EAGER)")
    if not settings.REDIS_URL:
        return skipped("embedded mode: the worker is started beside the web process")
    return redis_heartbeat_check(
        celery_heartbeat_prefix(), what="Celery worker", start_with="celery -A rakwon_site worker"
    )()


readiness_checks.add("database", check_database)
readiness_checks.add("redis", check_redis)
readiness_checks.add("celery_workers", check_celery_workers)


def check_media_forwarding() -> CheckResult:
    """Which fan-out this process's live video uses; never failing (the Python one works, slower)."""

    return ok(native.description())


readiness_checks.add("media_forwarding", check_media_forwarding)


# --- Celery worker heartbeat -------------------------------------------------------------------


def celery_heartbeat_prefix() -> str:
    return f"{settings.HEARTBEAT_REDIS_PREFIX}celery:"


class WorkerHeartbeat:
    """Refreshes ``<prefix><name>`` every interval with a TTL of three intervals, in a daemon thread.

    A worker that stops (even by kill -9) stops refreshing, and its key expires by itself.
    """

    def __init__(self, name: str, prefix: str | None = None) -> None:
        self.key = f"{prefix or celery_heartbeat_prefix()}{name}"
        self.interval = settings.WORKER_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rakwon-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        try:
            with redis_client() as client:
                client.delete(self.key)
        except Exception:
            log.warning("could not remove heartbeat key %s", self.key, exc_info=True)

    def beat(self, client) -> None:
        value = json.dumps({"pid": os.getpid(), "at": time.time()})
        client.set(self.key, value, ex=max(1, round(3 * self.interval)))

    def _run(self) -> None:
        client = redis_client()
        while not self._stop.is_set():
            try:
                self.beat(client)
            except Exception:  # Redis away for a moment: keep trying, the key expires meanwhile
                log.warning("heartbeat %s not written", self.key, exc_info=True)
            self._stop.wait(self.interval)
        client.close()


# --- Views and the probe short-cut -------------------------------------------------------------


@never_cache
def alive(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    results = readiness_checks.run()
    is_ready = all(result.passed for result in results.values())
    body = {
        "status": "ready" if is_ready else "not ready",
        "checks": {name: asdict(result) for name, result in results.items()},
    }
    return JsonResponse(body, status=200 if is_ready else 503)


urlpatterns = [
    path("healthz", alive, name="healthz"),
    path("readyz", ready, name="readyz"),
]

PROBES = {"/healthz": alive, "/readyz": ready}


class ProbeMiddleware:
    """Answers the probes before host validation and the HTTPS redirect (both are about visitors).

    A probe from the process manager comes over plain HTTP to 127.0.0.1, with no Host the site
    knows: neither should turn "alive" into a 400 or a 301. Only GET and HEAD are answered here.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)

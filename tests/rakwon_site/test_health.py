"""/healthz and /readyz: what the proxy and the process manager poll."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from rakwon_site import health
from rakwon_site.health import WorkerHeartbeat, readiness_checks, redis_heartbeat_check

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs Redis")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def embedded(settings):
    """The embedded mode: no Redis, tasks in the web process."""
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return settings


@pytest.fixture
def extra_check():
    added = []

    def add(name, check):
        readiness_checks.add(name, check)
        added.append(name)

    yield add
    for name in added:
        readiness_checks.remove(name)


def test_liveness_answers_without_touching_the_database(client):
    # No db fixture: any query here would fail the test.
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})
    assert "no-store" in response["Cache-Control"]


def test_probes_answer_a_host_the_site_does_not_serve(client, db, embedded):
    # The process manager polls http://127.0.0.1:8001/healthz whatever ALLOWED_HOSTS says.
    assert client.get("/healthz", HTTP_HOST="10.9.9.9:8001").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.9.9.9:8001").status_code == 200


def test_probes_are_not_redirected_to_https(client, db, embedded, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # while visitors' pages are


def test_embedded_mode_is_ready_with_its_database(client, db, embedded):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {
            "database": {"state": "ok", "detail": ""},
            "redis": {"state": "skipped", "detail": "embedded mode: no Redis"},
            "celery_workers": {
                "state": "skipped",
                "detail": "tasks run inside the web process (CELERY_TASK_ALWAYS_EAGER)",
            },
            **{name: response.json()["checks"][name] for name in readiness_checks.names()[3:]},
        },
    }


def test_one_failing_check_makes_the_process_not_ready(client, db, embedded, extra_check):
    extra_check("media_workers", lambda: health.failing("no media worker has reported recently"))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["media_workers"] == {
        "state": "failing",
        "detail": "no media worker has reported recently",
    }
    assert body["checks"]["database"] == {"state": "ok", "detail": ""}


def test_a_check_that_crashes_fails_with_only_the_error_kind(client, db, embedded, extra_check):
    def leaky():
        raise RuntimeError("password=hunter2 at 10.0.0.5")

    extra_check("leaky", leaky)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["leaky"] == {"state": "failing", "detail": "RuntimeError"}
    assert b"hunter2" not in response.content


def test_unreachable_redis_is_reported_without_its_address_or_password(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REDIS_URL = f"redis://:hunter2@127.0.0.1:{_free_port()}/0"
    settings.READINESS_TIMEOUT_SECONDS = 0.5
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {
        "state": "failing",
        "detail": "Redis did not answer (ConnectionError)",
    }
    for secret in (b"hunter2", b"127.0.0.1", b"redis://"):
        assert secret not in response.content


def test_a_check_name_is_added_once_only(extra_check):
    extra_check("twice", lambda: health.ok())
    with pytest.raises(ValueError, match="added twice"):
        readiness_checks.add("twice", lambda: health.ok())


@needs_redis
def test_celery_workers_are_ready_while_one_keeps_its_heartbeat(client, db, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEARTBEAT_REDIS_PREFIX = f"test-heartbeat-{uuid.uuid4().hex}:"
    assert client.get("/readyz").json()["checks"]["celery_workers"] == {
        "state": "failing",
        "detail": "no Celery worker has reported recently: start one (celery -A rakwon_site worker)",
    }
    heartbeat = WorkerHeartbeat("celery@test")
    with health.redis_client() as redis:
        heartbeat.beat(redis)
        assert 1 <= redis.ttl(heartbeat.key) <= 3 * settings.WORKER_HEARTBEAT_SECONDS
    response = client.get("/readyz")
    assert response.json()["checks"]["celery_workers"] == {
        "state": "ok",
        "detail": "1 Celery worker(s) reporting",
    }
    heartbeat.stop()  # a worker shutting down removes its key at once
    assert client.get("/readyz").json()["checks"]["celery_workers"]["state"] == "failing"


@needs_redis
def test_heartbeat_thread_refreshes_its_key_until_stopped(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.HEARTBEAT_REDIS_PREFIX = f"test-heartbeat-{uuid.uuid4().hex}:"
    settings.WORKER_HEARTBEAT_SECONDS = 0.2
    heartbeat = WorkerHeartbeat("celery@thread")
    heartbeat.start()
    try:
        with health.redis_client() as redis:
            for _attempt in range(50):
                if redis.exists(heartbeat.key):
                    break
                heartbeat._stop.wait(0.1)
            assert redis.exists(heartbeat.key) == 1
    finally:
        heartbeat.stop()
    with health.redis_client() as redis:
        assert redis.exists(heartbeat.key) == 0


@needs_redis
def test_heartbeat_check_for_other_apps_counts_live_keys(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    prefix = f"test-media-{uuid.uuid4().hex}:"
    check = redis_heartbeat_check(prefix, what="media worker", start_with="manage.py media_worker")
    assert check() == health.failing(
        "no media worker has reported recently: start one (manage.py media_worker)"
    )
    with health.redis_client() as redis:
        redis.set(f"{prefix}a", "1", ex=5)
        redis.set(f"{prefix}b", "1", ex=5)
        assert check() == health.ok("2 media worker(s) reporting")
        redis.delete(f"{prefix}a", f"{prefix}b")


def test_heartbeat_check_is_skipped_without_redis(embedded):
    assert redis_heartbeat_check("x:", what="media worker")() == health.skipped("embedded mode: no Redis")

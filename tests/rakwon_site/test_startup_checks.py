"""A serving process with a configuration that cannot work stops at once with one line to act on."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rakwon_site import startup
from rakwon_site.startup import MEDIA, WEB, WORKER, first_problem, redacted, run_startup_checks

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def safe(settings, tmp_path):
    """A configuration that passes: production-like, on loopback, embedded mode."""
    settings.DEBUG = False
    settings.SCALED = False
    settings.HTTPS = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.STARTUP_CHECKS = True
    settings.STARTUP_CHECK_TIMEOUT_SECONDS = 1.0
    return settings


# --- Each check, in process -------------------------------------------------------------------


def test_safe_configuration_has_no_problem(safe, db):
    assert first_problem(WEB) is None


def test_debug_on_a_network_host_is_refused(safe):
    safe.DEBUG = True
    safe.ALLOWED_HOSTS = ["127.0.0.1", "expo.lan"]
    assert startup.check_safe_settings(WEB) == (
        "DEBUG=1 while serving a network (ALLOWED_HOSTS has expo.lan): debug pages show settings and "
        "code to anyone; set DEBUG=0."
    )


def test_plain_http_on_a_network_host_is_refused(safe):
    safe.ALLOWED_HOSTS = ["192.168.0.10"]
    problem = startup.check_safe_settings(WEB)
    assert problem.startswith("ALLOWED_HOSTS has 192.168.0.10 but HTTPS=0:")
    assert problem.endswith("serve HTTPS (manage.py make_certificates, docs/deploy.md) and set HTTPS=1.")


def test_https_on_a_network_host_passes(safe):
    safe.ALLOWED_HOSTS = ["expo.lan", "192.168.0.10"]
    safe.HTTPS = True
    assert startup.check_safe_settings(WEB) is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("[::1]", True), ("localhost", True), ("127.8.0.1", True),
     ("0.0.0.0", False),  # noqa: S104  (a host name here, not a bind)
     ("expo.lan", False), (".localhost", False), ("10.0.0.1", False)],
)  # fmt: skip
def test_loopback_hosts_are_told_from_network_hosts(host, loopback):
    assert startup.is_loopback_host(host) is loopback


def test_scaled_on_sqlite_is_refused(safe, monkeypatch):
    safe.SCALED = True
    monkeypatch.setitem(safe.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    assert startup.check_scaled_set_up(WEB).startswith("SCALED=1 but DATABASE_URL is SQLite")


def test_scaled_without_redis_is_refused(safe, monkeypatch):
    safe.SCALED = True
    monkeypatch.setitem(safe.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert startup.check_scaled_set_up(WORKER) == (
        "REDIS_URL is not set, and the processes talk through Redis: set REDIS_URL=redis://127.0.0.1:6379/0."
    )


def test_scaled_with_eager_tasks_is_refused(safe, monkeypatch):
    safe.SCALED = True
    safe.REDIS_URL = "redis://127.0.0.1:6379/0"
    safe.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setitem(safe.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert startup.check_scaled_set_up(WEB).startswith("SCALED=1 with CELERY_TASK_ALWAYS_EAGER=1")


def test_media_worker_without_redis_is_refused_even_embedded(safe):
    assert startup.check_scaled_set_up(MEDIA) == (
        "REDIS_URL is not set, and media workers talk to the web processes through Redis: "
        "set REDIS_URL=redis://127.0.0.1:6379/0."
    )
    assert startup.check_scaled_set_up(WEB) is None


def test_unparsable_redis_url_is_refused(safe):
    safe.REDIS_URL = "127.0.0.1:6379"
    problem = startup.check_redis(WEB)
    assert problem.startswith("REDIS_URL=127.0.0.1:6379 is not a Redis URL (")
    assert problem.endswith("): write it as redis://host:6379/0.")


def test_redis_url_with_nothing_listening_is_refused_without_its_password(safe):
    port = _free_port()
    safe.REDIS_URL = f"redis://:hunter2@127.0.0.1:{port}/3"
    problem = startup.check_redis(WEB)
    assert problem.startswith(f"nothing answers at REDIS_URL=redis://:***@127.0.0.1:{port}/3 (")
    assert problem.endswith("start Redis (systemctl start redis-server) or correct REDIS_URL.")
    assert "hunter2" not in problem


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs Redis")
def test_reachable_redis_passes(safe):
    safe.REDIS_URL = os.environ["REDIS_URL"]
    assert startup.check_redis(WEB) is None


def test_unwritable_upload_folder_is_refused(safe, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    safe.MEDIA_ROOT = blocker / "media"
    assert startup.check_folders(WEB).startswith(f"MEDIA_ROOT={blocker / 'media'} cannot be created (")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://rakwon:s3cret@db:5432/rakwon", "postgres://rakwon:***@db:5432/rakwon"),
        ("redis://:s3cret@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("sqlite:////srv/rakwon/var/rakwon.sqlite3", "sqlite:////srv/rakwon/var/rakwon.sqlite3"),
    ],
)
def test_urls_are_shown_without_their_password(url, shown):
    assert redacted(url) == shown


def test_first_problem_stops_the_process_with_one_line(safe):
    safe.REDIS_URL = "nonsense"
    with pytest.raises(SystemExit) as stop:
        run_startup_checks(WORKER)
    message = str(stop.value.code)
    assert message.startswith("rakwon worker: cannot start: REDIS_URL=nonsense is not a Redis URL")
    assert "\n" not in message


def test_checks_can_be_turned_off(safe):
    safe.REDIS_URL = "nonsense"
    safe.STARTUP_CHECKS = False
    run_startup_checks(WEB)  # no SystemExit


def test_only_commands_that_serve_are_checked(safe):
    safe.REDIS_URL = "nonsense"
    for argv in (["manage.py", "makemigrations"], ["manage.py", "migrate"], ["manage.py"]):
        startup.run_for_command(argv)  # no SystemExit
    with pytest.raises(SystemExit):
        startup.run_for_command(["manage.py", "runserver"])


# --- The real processes -----------------------------------------------------------------------


def _environment(tmp_path, **changes) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    (tmp_path / "static").mkdir(exist_ok=True)  # no whitenoise warning in the way of the one line
    env.update(
        {
            "SECRET_KEY": "k" * 50,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RAKWON_VAR_DIR": str(tmp_path),
            "RAKWON_TESTING": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": "",
            "PYTHONWARNINGS": "ignore",  # Celery's warning about running as root, on CI containers
            "STARTUP_CHECK_TIMEOUT_SECONDS": "1",
            **changes,
        }
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)


def _last_line(done: subprocess.CompletedProcess) -> str:
    return done.stderr.strip().splitlines()[-1]


def test_daphne_with_an_unreachable_database_stops_with_one_line(tmp_path):
    port = _free_port()
    env = _environment(tmp_path, DATABASE_URL=f"postgres://rakwon:hunter2@127.0.0.1:{port}/rakwon")
    daphne = shutil.which("daphne", path=str(BIN)) or "daphne"
    done = _run([daphne, "-p", str(_free_port()), "rakwon_site.asgi:application"], env)
    assert done.returncode == 1
    assert done.stderr.strip() == _last_line(done)  # the one line and nothing else
    assert _last_line(done).startswith(
        "rakwon web: cannot start: the database at "
        f"DATABASE_URL=postgres://rakwon:***@127.0.0.1:{port}/rakwon cannot be reached ("
    )
    assert "hunter2" not in done.stderr


def test_celery_worker_with_nothing_at_redis_url_stops_with_one_line(tmp_path):
    port = _free_port()
    env = _environment(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    done = _run([str(BIN / "celery"), "-A", "rakwon_site", "worker", "--pool=solo"], env)
    assert done.returncode == 1
    assert _last_line(done).startswith(
        f"rakwon worker: cannot start: nothing answers at REDIS_URL=redis://127.0.0.1:{port}/0"
    )
    assert "Traceback" not in done.stderr


def test_runserver_with_unmigrated_database_stops_with_one_line(tmp_path):
    done = _run(
        [sys.executable, "manage.py", "runserver", "--noreload", str(_free_port())], _environment(tmp_path)
    )
    assert done.returncode == 1
    assert _last_line(done).startswith("rakwon web: cannot start: the database lacks ")
    assert _last_line(done).endswith("run python manage.py migrate, then start again.")


def test_commands_that_do_not_serve_run_despite_a_wrong_redis_url(tmp_path):
    done = _run([sys.executable, "manage.py", "check"], _environment(tmp_path, REDIS_URL="nonsense"))
    assert (done.returncode, done.stdout.strip()) == (0, "System check identified no issues (0 silenced).")

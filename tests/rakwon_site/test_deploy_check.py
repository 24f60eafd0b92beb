"""`manage.py check --deploy` is clean with deploy/rakwon.env.example, and HSTS is on by default
with HTTPS=1 (a year, settable)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = ROOT / "deploy" / "rakwon.env.example"
ONE_YEAR = 365 * 24 * 3600


def example_env() -> dict[str, str]:
    """The example file as systemd's EnvironmentFile reads it: KEY=value, quotes removed."""
    found = {}
    for line in EXAMPLE_ENV.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        found[key] = value.strip('"')
    return found


def _manage(tmp_path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    # Only the example's variables, as on a fresh server: nothing leaks in from this machine.
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    clean.update({**env, "RAKWON_VAR_DIR": str(tmp_path / "var"), "RAKWON_TESTING": "0"})
    return subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_example_env_is_clean(tmp_path):
    # The one line a deployer must change: the file says how to make the key.
    env = {**example_env(), "SECRET_KEY": secrets.token_urlsafe(50)}

    done = _manage(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "System check identified no issues (1 silenced).\n"


def test_the_example_secret_key_is_refused(tmp_path):
    done = _manage(tmp_path, example_env(), "check", "--deploy")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "rakwon: configuration error: SECRET_KEY is too short or a known default: use 32+ random characters."
    )


def _hsts_seconds(tmp_path, **env) -> str:
    base = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "expo.lan", **env}
    done = _manage(
        tmp_path,
        base,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)",
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("env", "seconds"),
    [
        ({"HTTPS": "1"}, str(ONE_YEAR)),
        ({"HTTPS": "1", "SECURE_HSTS_SECONDS": "600"}, "600"),
        ({"HTTPS": "1", "SECURE_HSTS_SECONDS": "0"}, "0"),
        ({"HTTPS": "0"}, "0"),
    ],
)
def test_hsts_is_a_year_by_default_with_https(tmp_path, env, seconds):
    assert _hsts_seconds(tmp_path, **env) == seconds

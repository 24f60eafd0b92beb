"""Unsafe production settings stop the process with one line saying what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"RAKWON_VAR_DIR": str(tmp_path), "RAKWON_TESTING": "0", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is not set and DEBUG is off"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short or a known default"),
        ({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty and DEBUG is off"),
        ({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS=* is refused when DEBUG is off"),
        ({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a", "DEBUG": "maybe"}, "DEBUG='maybe' is not a yes/no"),
    ],
)
def test_unsafe_production_settings_are_refused_in_one_line(tmp_path, env, message):
    done = _check(tmp_path, **env)
    assert done.returncode == 1
    assert done.stderr.startswith("rakwon: configuration error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_safe_production_settings_pass_the_check(tmp_path):
    done = _check(tmp_path, SECRET_KEY="k" * 50, ALLOWED_HOSTS="expo.lan")
    assert (done.returncode, done.stdout.strip()) == (0, "System check identified no issues (0 silenced).")

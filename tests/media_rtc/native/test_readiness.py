"""/readyz says which fan-out this process's live video uses, and why when it is the Python one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from media_rtc import native


@pytest.mark.skipif(native.load() is None, reason=native.description())
def test_readyz_reports_the_native_fan_out(client, db):
    assert client.get("/readyz").json()["checks"]["media_forwarding"] == {
        "state": "ok",
        "detail": "native fan-out",
    }


def test_readyz_reports_the_python_fallback_and_why():
    code = (
        "import django; django.setup(); from rakwon_site.health import readiness_checks; "
        "print(readiness_checks.run()['media_forwarding'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rakwon_site.settings",
        "DEBUG": "1",
        native.ENVIRONMENT_SWITCH: "0",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == (
        "CheckResult(state='ok', detail='Python fan-out: the native one is turned off "
        "(RAKWON_NATIVE_FANOUT=0)')"
    )

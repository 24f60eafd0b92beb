"""Tests of events/queue.py: services queue background work by the task's registered name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction

from events.queue import UnknownTask, enqueue, enqueue_after_commit
from rakwon_site.celery import app

RAN: list[tuple] = []


@app.task(name="tests.events.test_queue.remember")
def remember(*args, **kwargs) -> None:
    RAN.append((args, kwargs))


@pytest.fixture(autouse=True)
def _forget():
    RAN.clear()
    yield
    RAN.clear()


def test_enqueue_runs_the_registered_task_in_eager_mode():
    assert app.conf.task_always_eager is True  # how the test settings run tasks

    enqueue("tests.events.test_queue.remember", 7, reason="new_link")

    assert RAN == [((7,), {"reason": "new_link"})]


def test_enqueue_sends_by_name_when_a_worker_runs_tasks(monkeypatch):
    sent = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "send_task", lambda name, args, kwargs: sent.append((name, args, kwargs)))

    enqueue("events.tasks.send_registration_mail", 12, "new_link")

    assert sent == [("events.tasks.send_registration_mail", (12, "new_link"), {})]
    assert RAN == []


def test_enqueue_finds_tasks_of_modules_not_imported_yet():
    # A web process has imported no tasks.py: the name alone must be enough (a fresh interpreter).
    script = """
import sys, django
django.setup()
from rakwon_site.celery import app
from events.queue import enqueue
assert "events.tasks" not in sys.modules, "imported already"
app.conf.task_always_eager = False
sent = []
app.send_task = lambda name, args, kwargs: sent.append(name)
enqueue("events.tasks.forget_old_attempts")
print(sent)
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rakwon_site.settings", "RAKWON_TESTING": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['events.tasks.forget_old_attempts']"


def test_enqueue_refuses_a_name_no_task_has():
    with pytest.raises(UnknownTask) as raised:
        enqueue("events.tasks.send_nothing", 1)

    assert str(raised.value) == (
        "No Celery task is registered as 'events.tasks.send_nothing': "
        "check the name against the @shared_task functions in the app's tasks.py."
    )
    assert RAN == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_waits_for_the_commit():
    with transaction.atomic():
        enqueue_after_commit("tests.events.test_queue.remember", 3)
        assert RAN == []

    assert RAN == [((3,), {})]


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_sends_nothing_when_rolled_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit("tests.events.test_queue.remember", 3)
        raise RuntimeError("the registration failed")

    assert RAN == []


def test_enqueue_after_commit_checks_the_name_at_once():
    with pytest.raises(UnknownTask):
        enqueue_after_commit("events.tasks.send_nothing", 1)

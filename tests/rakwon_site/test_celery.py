"""Tests of rakwon_site/celery.py and its settings: mail has a queue (and a worker) of its own, and
processing an upload has time limits, in the demo, the Procfile and the systemd unit alike."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from rakwon_site.celery import app
from rakwon_site.management.commands.rundemo import celery_beat, celery_workers

ROOT = Path(settings.BASE_DIR)
MAIL_TASKS = {
    "events.tasks.send_password_reset_mail",
    "events.tasks.send_registration_mail",
    "events.tasks.send_signup_mail",
    "events.tasks.send_organiser_invitation_mail",
    "events.tasks.send_team_invitation",
    "exhibits.tasks.send_staff_invitation",
}


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def our_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.split(".")[0] in ("events", "exhibits"))


def test_mail_tasks_and_only_they_go_to_the_mail_queue():
    by_queue = {name: queue_of(name) for name in our_tasks()}

    assert {name for name, queue in by_queue.items() if queue == "mail"} == MAIL_TASKS
    assert by_queue["exhibits.tasks.process_booth_asset"] == "celery"
    assert by_queue["events.tasks.export_attendees"] == "celery"


def test_processing_a_booth_asset_has_a_soft_and_a_hard_time_limit():
    task = app.tasks["exhibits.tasks.process_booth_asset"]

    assert (task.soft_time_limit, task.time_limit) == (1800, 1920)
    assert (
        settings.ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS,
        settings.ASSET_PROCESSING_TIME_LIMIT_SECONDS,
    ) == (
        1800,
        1920,
    )


def test_rundemo_starts_a_worker_for_mail_beside_the_worker_for_the_rest():
    workers = celery_workers()

    assert workers == {
        "celery": [
            "-m",
            "celery",
            "-A",
            "rakwon_site",
            "worker",
            "--loglevel=INFO",
            "--pool=prefork",  # the solo pool ignores time limits
            "--concurrency=1",
            "--queues=celery",
            "--hostname=worker@%h",
        ],
        "celery mail": [
            "-m",
            "celery",
            "-A",
            "rakwon_site",
            "worker",
            "--loglevel=INFO",
            "--pool=solo",
            "--queues=mail",
            "--hostname=mail@%h",
        ],
    }


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_procfile_runs_a_mail_worker_and_a_worker_that_never_takes_mail():
    processes = procfile()

    assert sorted(processes) == ["beat", "mail", "media", "web", "worker"]
    assert re.findall(r"--queues=(\S+)", processes["worker"]) == ["celery"]
    assert re.findall(r"--queues=(\S+)", processes["mail"]) == ["mail"]
    assert "--pool=solo" not in processes["worker"]  # time limits need the process pool


def test_systemd_unit_starts_every_procfile_process():
    unit = (ROOT / "deploy" / "systemd" / "rakwon.service").read_text()

    started = re.search(r"^ExecStart=.* start -c (\S+)$", unit, re.MULTILINE).group(1)
    assert started == "web=2,worker=1,mail=1,beat=1,media=1"
    assert sorted(part.split("=")[0] for part in started.split(",")) == sorted(procfile())


def test_rundemo_runs_beat_so_reminders_and_clean_ups_happen_in_the_demo_too():
    # Meeting reminders, webhook retries, online samples and retention all come from beat: a demo
    # without it would book meetings that never remind anyone.
    beat = celery_beat()

    assert beat[:5] == ["-m", "celery", "-A", "rakwon_site", "beat"]
    schedule = next(argument for argument in beat if argument.startswith("--schedule="))
    assert Path(schedule.removeprefix("--schedule=")).parent == settings.VAR_DIR


def test_every_beat_entry_names_a_task_a_worker_knows():
    app.loader.import_default_modules()
    unknown = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert unknown == {}

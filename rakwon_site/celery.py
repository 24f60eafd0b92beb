"""The Celery application: tasks are thin wrappers that load objects and call a service.

Operations wired here (rakwon_site/startup.py, health.py, logs.py): a worker or beat checks the
configuration before it starts and stops with one line when it cannot work; a worker keeps a
heartbeat key in Redis for /readyz; logs use the site's LOGGING (LOG_FORMAT=json for JSON lines)
with the task id as the request id of every line a task writes.
Reliability (settings.py, "Celery"): acks late, a task whose worker dies is requeued, one task
prefetched at a time; tasks are written to be safe to run twice.
"""

import os
from logging.config import dictConfig

from celery import Celery, signals
from django.conf import settings

from .logs import request_id_var
from .startup import BEAT, WORKER, run_startup_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakwon_site.settings")

app = Celery("rakwon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_heartbeat = None


@signals.setup_logging.connect
def use_site_logging(**_kwargs) -> None:
    """The same log format as daphne's (connecting this stops Celery replacing the root logger)."""
    dictConfig(settings.LOGGING)


@signals.worker_init.connect
def check_worker_configuration(**_kwargs) -> None:
    run_startup_checks(WORKER)


@signals.beat_init.connect
def check_beat_configuration(**_kwargs) -> None:
    run_startup_checks(BEAT)


@signals.worker_ready.connect
def start_heartbeat(sender=None, **_kwargs) -> None:
    global _heartbeat
    if not settings.REDIS_URL:
        return  # embedded mode: the worker runs beside the web process and nothing polls it
    # health.py builds on Django's HTTP and URL modules: loaded once Django is set up, not with
    # this module (which the rakwon_site package imports before the settings).
    from .health import WorkerHeartbeat

    _heartbeat = WorkerHeartbeat(getattr(sender, "hostname", None) or f"pid{os.getpid()}")
    _heartbeat.start()


@signals.worker_shutdown.connect
def stop_heartbeat(**_kwargs) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()


@signals.task_prerun.connect
def log_with_task_id(task_id=None, **_kwargs) -> None:
    request_id_var.set(task_id)


@signals.task_postrun.connect
def log_without_task_id(**_kwargs) -> None:
    request_id_var.set(None)

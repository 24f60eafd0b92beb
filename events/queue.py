"""Queueing background work by the task's registered name ("events.tasks.send_registration_mail").

Services call this instead of importing tasks.py: tasks import services, so naming the task
keeps the imports one way. In eager mode (the tests' settings) the registered task runs at
once, as `.delay()` would; otherwise the message goes to the broker by name (its route, e.g.
the mail queue, comes from CELERY_TASK_ROUTES).
"""

from __future__ import annotations

from celery import Task, current_app
from django.db import transaction


class UnknownTask(LookupError):
    """No task is registered under the name a service gave: a typo, or a task that was removed."""

    def __str__(self) -> str:
        return (
            f"No Celery task is registered as {self.args[0]!r}: "
            "check the name against the @shared_task functions in the app's tasks.py."
        )


def registered_task(task_name: str) -> Task:
    """The task registered as `task_name`, importing the apps' tasks modules the first time."""
    app = current_app
    if task_name not in app.tasks:
        app.loader.import_default_modules()  # runs autodiscover_tasks: every app's tasks.py
    try:
        return app.tasks[task_name]
    except KeyError:
        raise UnknownTask(task_name) from None


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Queue the task now (outside a transaction, or when the work must not wait for it)."""
    task = registered_task(task_name)
    if current_app.conf.task_always_eager:
        task.delay(*args, **kwargs)
    else:
        current_app.send_task(task_name, args=args, kwargs=kwargs)


def enqueue_after_commit(task_name: str, *args, **kwargs) -> None:
    """Queue the task once the current transaction commits (nothing is queued on a rollback),
    so a worker never looks for a row that is not saved yet. The name is checked at once."""
    registered_task(task_name)
    transaction.on_commit(lambda: enqueue(task_name, *args, **kwargs))

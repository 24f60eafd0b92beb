"""The one command behind `make demo`: prepare the database and files, then run the web server
(daphne) and two Celery workers (one for mail alone) side by side until Ctrl-C, stopping all together.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rakwon_site.demo.content import EVENT_SLUG, LIVE_TEST_PATTERN_BOOTH

from .load_demo import account_lines, institution_lines

READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15


def celery_workers() -> dict[str, list[str]]:
    """The demo's Celery workers, as `python` arguments. Mail (sign-in links) has a worker of its
    own, so it never waits behind a video being transcoded; the other worker runs a pool of one
    process, because only a process pool enforces the processing time limits (the solo pool
    ignores them)."""
    worker = ["-m", "celery", "-A", "rakwon_site", "worker", "--loglevel=INFO"]
    return {
        "celery": [
            *worker,
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}",
            "--hostname=worker@%h",
        ],
        "celery mail": [*worker, "--pool=solo", f"--queues={settings.MAIL_QUEUE}", "--hostname=mail@%h"],
    }


def celery_beat() -> list[str]:
    """Beat, as `python` arguments: meeting reminders, webhook retries, the dashboard's online
    samples and data retention are all on its schedule. Its state file lives with the demo's data."""
    schedule = Path(settings.VAR_DIR) / "celerybeat-schedule"
    return ["-m", "celery", "-A", "rakwon_site", "beat", "--loglevel=INFO", f"--schedule={schedule}"]


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo expo, then run daphne, a Celery worker, a "
        "Celery worker for mail and Celery beat."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address daphne listens on.")
        parser.add_argument("--port", type=int, default=8000, help="Port daphne listens on.")

    def handle(self, *args, host: str, port: int, **options) -> None:
        self.prepare_folders()
        call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_demo")
        self.stop_requested = False
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        # The children stay in our process group, so Ctrl-C in the terminal or a signal to the
        # whole group (kill -- -PGID) reaches them as well as this supervisor.
        # daphne through the project's launcher (rakwon_site/serve.py: less memory per socket).
        daphne = ["-m", "rakwon_site.serve", "-b", host, "-p", str(port), "rakwon_site.asgi:application"]
        # Links in mail must point at the address this demo really serves (unless set explicitly).
        env = dict(os.environ)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104  a comparison
        env.setdefault("SITE_URL", f"http://{shown_host}:{port}")
        children = {
            "daphne": subprocess.Popen([sys.executable, *daphne], env=env),  # noqa: S603  argv list, no shell
        }
        for name, arguments in {**celery_workers(), "celery beat": celery_beat()}.items():
            children[name] = subprocess.Popen([sys.executable, *arguments], env=env)  # noqa: S603  argv list
        if settings.RTC_MEDIA_WORKERS:
            # Scaled mode (REDIS_URL): live video runs in a media worker, not inside daphne.
            media = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "media_worker"]
            children["media worker"] = subprocess.Popen(media, env=env)  # noqa: S603  argv list, no shell
        try:
            self.wait_until_listening(host, port, children)
            if not self.dead_child(children) and not self.stop_requested:
                self.print_banner(host, port)
            failed = self.supervise(children)
        finally:
            self.stop(children)
        if failed:
            raise CommandError(failed, returncode=1)
        self.stdout.write(_("Stopped the web server and the Celery workers."))

    def prepare_folders(self) -> None:
        """Create the folders of the file-based broker, mail and uploads before anyone uses them."""
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
        folders = [value for key, value in options.items() if "folder" in key and value]
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            folders.append(settings.EMAIL_FILE_PATH)
        folders.append(settings.MEDIA_ROOT)
        for folder in folders:
            Path(folder).mkdir(parents=True, exist_ok=True)

    def request_stop(self, signum, frame) -> None:
        self.stop_requested = True

    def wait_until_listening(self, host: str, port: int, children: dict) -> None:
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host.strip("[]")  # noqa: S104
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not self.stop_requested:
            if self.dead_child(children):
                return  # supervise() reports which one and why
            try:
                with socket.create_connection((probe_host, port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        if not self.stop_requested:
            raise CommandError(
                _("The web server did not listen on %(host)s:%(port)s within %(s)s seconds.")
                % {"host": host, "port": port, "s": READY_TIMEOUT_SECONDS}
            )

    def print_banner(self, host: str, port: int) -> None:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        url = f"http://{shown_host}:{port}"
        rule = "=" * 72
        lines = [
            rule,
            _("Rakwon demo is running at %(url)s") % {"url": url},
            _("The demo expo: %(url)s/%(slug)s/") % {"url": url, "slug": EVENT_SLUG},
            _("Django admin:  %(url)s/admin/") % {"url": url},
            "",
            _("Demo accounts (log in at %(url)s/accounts/login/):") % {"url": url},
            *account_lines(),
            "",
            _("Members of the demo institution join at %(url)s/%(slug)s/join/ with its access code:")
            % {"url": url, "slug": EVENT_SLUG},
            *institution_lines(),
            "",
            _("Live video: booth %(booth)s is live from the start with a test pattern and a tone.")
            % {"booth": LIVE_TEST_PATTERN_BOOTH},
            "",
        ]
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            lines.append(
                _("Mail is not sent: each message is written to %(path)s")
                % {"path": settings.EMAIL_FILE_PATH}
            )
        lines += [_("Ctrl-C to stop."), rule]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def dead_child(self, children: dict) -> str | None:
        for name, process in children.items():
            if process.poll() is not None:
                return name
        return None

    def supervise(self, children: dict) -> str:
        """Wait for Ctrl-C/SIGTERM or a child's death; returns the failure message, if any."""
        while not self.stop_requested:
            name = self.dead_child(children)
            if name is not None:
                others = ", ".join(other for other in children if other != name)
                return _("%(name)s stopped unexpectedly (exit code %(code)s); stopping %(others)s too.") % {
                    "name": name,
                    "code": children[name].returncode,
                    "others": others,
                }
            time.sleep(0.5)
        return ""

    def stop(self, children: dict) -> None:
        for process in children.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in children.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

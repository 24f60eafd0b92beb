"""Run one media worker (scaled mode): it hosts live rooms for every web process, until SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from media_rtc.host import new_engine
from media_rtc.placement import new_placement
from media_rtc.worker import MediaWorker, new_worker_id


async def serve(worker_id: str | None = None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    placement = new_placement()
    worker = MediaWorker(
        worker_id=worker_id or new_worker_id(),
        layer=get_channel_layer(),
        placement=placement,
        engine=new_engine(),
        heartbeat_seconds=settings.RTC_WORKER_HEARTBEAT_SECONDS,
    )
    try:
        await worker.run(stop)
    finally:
        await placement.redis.aclose()


class Command(BaseCommand):
    help = "Run a media worker: it hosts live booth rooms for the web processes (needs REDIS_URL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--id", dest="worker_id", help="Worker id (default: host-pid-random).")

    def handle(self, *args, worker_id: str | None = None, **options) -> None:
        if not settings.REDIS_URL:
            raise CommandError(
                _("Media workers need REDIS_URL. Without it, live video runs inside the web process.")
            )
        asyncio.run(serve(worker_id))

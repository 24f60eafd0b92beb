"""Media workers for real (media_rtc/worker.py): `manage.py media_worker` processes on Redis,
signalled through the ChannelRouter as a daphne process does, including a worker killed with -9.

Runs only when REDIS_URL is set (CI sets it); each test uses its own Redis database, flushed, and
kills its workers at the end. Media stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from media_rtc import aiortc_internals
from media_rtc.errors import MediaUnavailable
from media_rtc.placement import Placement
from media_rtc.rooms import room_group
from media_rtc.routing import ChannelRouter
from tests.media_rtc.rtc_peers import PublisherPeer, ViewerPeer

ROOT = Path(__file__).resolve().parents[2]
WORKER_DATABASE = 14
HEARTBEAT = "0.3"
TTL = "1.5"
BOUND = 20.0  # seconds: generous bound for "eventually", never a speed assertion

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: media workers need a running Redis"
)


def _redis_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{WORKER_DATABASE}"))


def _worker_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "RAKWON_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'workers.sqlite3'}",
        "REDIS_URL": _redis_url(),
        "RTC_HOST_ADDRESSES": "127.0.0.1",
        "RTC_WORKER_HEARTBEAT_SECONDS": HEARTBEAT,
        "RTC_WORKER_TTL_SECONDS": TTL,
        "RAKWON_TESTING": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture(scope="module")
def worker_var_dir(tmp_path_factory) -> Path:
    """A migrated database for the workers: a serving process refuses to start without one."""
    var_dir = tmp_path_factory.mktemp("media-workers")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=_worker_env(var_dir),
        check=True,
        timeout=180,
    )
    return var_dir


class Workers:
    def __init__(self, var_dir: Path) -> None:
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = _worker_env(var_dir)
        self.var_dir = var_dir

    def start(self, worker_id: str) -> None:
        log = (self.var_dir / f"{worker_id}.log").open("w")
        self.processes[worker_id] = subprocess.Popen(
            [sys.executable, "manage.py", "media_worker", "--id", worker_id],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def kill(self, worker_id: str) -> None:
        """kill -9: no goodbye, no hand-back; only the heartbeat's expiry tells."""
        self.processes[worker_id].send_signal(signal.SIGKILL)
        self.processes[worker_id].wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
async def cluster(worker_var_dir):
    """(workers, router, layer, placement): processes on a flushed Redis database, and the
    daphne side's router talking to them."""
    import redis.asyncio
    from channels_redis.core import RedisChannelLayer

    aiortc_internals.restrict_host_addresses(("127.0.0.1",))  # our client peers, too, stay on lo
    client = redis.asyncio.Redis.from_url(_redis_url(), decode_responses=True)
    await client.flushdb()
    layer = RedisChannelLayer(hosts=[{"address": _redis_url(), "socket_timeout": None}])
    placement = Placement(client, prefix="rtc:", ttl_seconds=float(TTL))
    workers = Workers(worker_var_dir)
    router = ChannelRouter(layer=layer, placement=placement, timeout=10.0)
    try:
        yield workers, router, layer, placement
    finally:
        workers.stop_all()
        await layer.flush()
        await client.flushdb()
        await client.aclose()


async def _eventually(check, what: str):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {BOUND} s: {what}")


async def _live(placement: Placement, *worker_ids: str) -> None:
    async def all_beating():
        return set(worker_ids) <= set(await placement.live_workers())

    await _eventually(all_beating, f"workers {worker_ids} beating")


async def _listen(layer, room: str) -> str:
    """A channel in the room's group, as a browser's socket would be."""
    channel = await layer.new_channel("test.")
    await layer.group_add(room_group(room), channel)
    return channel


async def _next_push(layer, channel: str, frame_type: str) -> dict:
    async def receive():
        while True:
            message = await layer.receive(channel)
            if message.get("frame_type") == frame_type:
                return message["data"]

    return await asyncio.wait_for(receive(), BOUND)


async def test_without_workers_live_video_is_unavailable(cluster):
    _workers, router, _layer, _placement = cluster

    with pytest.raises(MediaUnavailable) as refused:
        await router.room_state("booth.1")

    assert refused.value.code == "rtc.unavailable"


async def test_a_worker_forwards_a_publisher_to_a_viewer_and_pushes_changes(cluster):
    workers, router, layer, placement = cluster
    workers.start("w1")
    await _live(placement, "w1")
    listener = await _listen(layer, "booth.5")
    publisher, viewer = PublisherPeer(), ViewerPeer()
    try:
        published = await router.publish(
            "booth.5", "7-tab1", await publisher.offer(), kind="booth", label="camera", name="Park"
        )
        await publisher.accept(published["answer"])
        changed = await _next_push(layer, listener, "rtc.room.changed")
        assert [(p["id"], p["name"]) for p in changed["publishers"]] == [("7-tab1:camera", "Park")]

        watched = await router.watch(
            "booth.5", "8-tab2", "7-tab1:camera", await viewer.offer(), tier="standard", max_viewers=10
        )
        await viewer.accept(watched["answer"])
        await viewer.wait_for_picture()

        assert (await router.room_state("booth.5"))["viewers"] == 1
        assert await placement.redis.get("rtc:room:booth.5") == "w1"
    finally:
        await publisher.close()
        await viewer.close()


async def test_a_workers_typed_error_reaches_the_caller(cluster):
    workers, router, _layer, placement = cluster
    workers.start("w1")
    await _live(placement, "w1")

    with pytest.raises(Exception) as refused:
        await router.watch("booth.6", "8-tab2", "nobody:camera", "v=0\r\n", tier="standard", max_viewers=None)

    assert refused.value.code == "rtc.no_such_publisher"
    assert refused.value.message == "This live stream has ended. Refresh the list of live streams."


async def test_rooms_spread_to_the_least_loaded_worker(cluster):
    workers, router, _layer, placement = cluster
    workers.start("w1")
    workers.start("w2")
    await _live(placement, "w1", "w2")
    publisher = PublisherPeer()
    try:
        answer = (
            await router.publish(
                "booth.1", "7-a", await publisher.offer(), kind="booth", label="camera", name=""
            )
        )["answer"]
        await publisher.accept(answer)
        first = await placement.redis.get("rtc:room:booth.1")

        async def loaded():
            return (await placement.live_workers())[first]["load"] > 0

        await _eventually(loaded, "the first worker's heartbeat shows its load")
        await router.room_state("booth.2")

        assert await placement.redis.get("rtc:room:booth.2") == ({"w1", "w2"} - {first}).pop()
    finally:
        await publisher.close()


async def test_a_killed_worker_is_noticed_its_viewers_told_and_the_room_reopens_elsewhere(cluster):
    workers, router, layer, placement = cluster
    workers.start("w1")
    await _live(placement, "w1")
    listener = await _listen(layer, "booth.9")
    publisher = PublisherPeer()
    again = PublisherPeer()
    try:
        answer = (
            await router.publish(
                "booth.9", "7-a", await publisher.offer(), kind="booth", label="camera", name=""
            )
        )["answer"]
        await publisher.accept(answer)
        workers.start("w2")
        await _live(placement, "w2")

        workers.kill("w1")
        lost = await _next_push(layer, listener, "rtc.worker_lost")

        assert lost == {"room": "booth.9", "booth": 9}
        republished = await router.publish(
            "booth.9", "7-a", await again.offer(), kind="booth", label="camera", name=""
        )
        assert republished["publisher"] == "7-a:camera"
        assert await placement.redis.get("rtc:room:booth.9") == "w2"
        assert "w1" not in await placement.redis.smembers("rtc:workers")
    finally:
        await publisher.close()
        await again.close()


async def test_a_stopping_worker_hands_its_rooms_back_at_once(cluster):
    workers, router, layer, placement = cluster
    workers.start("w1")
    await _live(placement, "w1")
    listener = await _listen(layer, "booth.3")
    await router.room_state("booth.3")

    workers.processes["w1"].terminate()
    lost = await _next_push(layer, listener, "rtc.worker_lost")

    assert lost == {"room": "booth.3", "booth": 3}
    assert workers.processes["w1"].wait(timeout=10) == 0
    assert await placement.redis.get("rtc:room:booth.3") is None

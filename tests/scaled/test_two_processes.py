"""Two daphne processes on one Redis: a visitor on one process sees a visitor on the other arrive."""

from __future__ import annotations

from .conftest import SETUP, pytestmark  # noqa: F401  (skips without REDIS_URL)
from .live_client import LiveClient


async def test_booth_join_on_process_two_reaches_visitor_on_process_one(cluster_factory):
    cluster = cluster_factory(redis_database=12, name="two")
    floor = cluster.shell_json(SETUP)
    name = floor["cookie_name"]
    ada_cookie, bo_cookie = (f"{name}={value}" for value in floor["cookies"])
    ada = await LiveClient.open(cluster.socket_url(0, "scaled"), cluster.origin(0), ada_cookie)
    bo = await LiveClient.open(cluster.socket_url(1, "scaled"), cluster.origin(1), bo_cookie)
    try:
        entered = await ada.request("booth.enter", booth=floor["booth"])
        assert entered["data"]["count"] == 1
        entered = await bo.request("booth.enter", booth=floor["booth"])
        assert (entered["type"], entered["data"]["count"]) == ("ok", 2)
        joined = await ada.wait_for("booth.joined", timeout=10, booth=floor["booth"])
        assert (joined["data"]["count"], joined["data"]["name"]) == (2, "Bo")
    finally:
        await ada.close()
        await bo.close()

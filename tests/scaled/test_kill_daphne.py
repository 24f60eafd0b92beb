"""The fault test: a daphne process killed with -9 leaves no ghosts and loses no confirmed chat."""

from __future__ import annotations

from .conftest import SETUP, pytestmark  # noqa: F401  (skips without REDIS_URL)
from .live_client import LiveClient

MESSAGES = 5


async def test_killed_process_visitor_leaves_and_confirmed_chat_survives(cluster_factory):
    cluster = cluster_factory(redis_database=13, name="kill")
    floor = cluster.shell_json(SETUP)
    name = floor["cookie_name"]
    ada_cookie, bo_cookie = (f"{name}={value}" for value in floor["cookies"])
    room = f"booth:{floor['booth']}"
    ada = await LiveClient.open(cluster.socket_url(0, "scaled"), cluster.origin(0), ada_cookie)
    bo = await LiveClient.open(cluster.socket_url(1, "scaled"), cluster.origin(1), bo_cookie)
    try:
        await ada.request("booth.enter", booth=floor["booth"])
        await bo.request("booth.enter", booth=floor["booth"])
        await ada.wait_for("booth.joined", timeout=10, booth=floor["booth"], name="Bo")
        assert (await bo.request("chat.join", room=room))["type"] == "ok"
        confirmed = []
        for number in range(MESSAGES):
            reply = await bo.request("chat.send", room=room, text=f"message {number}")
            if reply["type"] == "ok":
                confirmed.append(reply["data"]["id"])
        assert len(confirmed) == MESSAGES

        cluster.kill(1)

        # Process 1's sweeper finds process 2's heartbeat gone and sends Bo's leave.
        left = await ada.wait_for("booth.left", timeout=15, booth=floor["booth"], name="Bo")
        assert left["data"]["count"] == 1
        history = await ada.request("chat.history", room=room)
        assert history["type"] == "ok"
        stored = [message["id"] for message in history["data"]["messages"]]
        assert [message_id for message_id in confirmed if message_id not in stored] == []
        assert [m["text"] for m in history["data"]["messages"]] == [f"message {n}" for n in range(MESSAGES)]
    finally:
        await ada.close()
        await bo.close()

"""A room's pushes reach its pages in the order of its changes, and every state carries a version
that only grows (media_rtc/host.py): the scaled CI's chair muted a site that was never told, because
the push saying so was overtaken on its way by an older one (each push is a few Redis round trips),
and the page kept the older state."""

from __future__ import annotations

import asyncio

from media_rtc.host import RoomHost, RoomPushes


class SlowFirstPush:
    """A push whose first call takes longest, as a push that waits for a Redis connection does:
    sent side by side, a later push would arrive first."""

    def __init__(self, delays=(0.05, 0.0, 0.0, 0.0, 0.0, 0.0)) -> None:
        self.delays = list(delays)
        self.arrived: list[tuple[str, str, dict]] = []
        self.calls = 0

    async def __call__(self, group: str, frame_type: str, data: dict) -> None:
        delay = self.delays[self.calls] if self.calls < len(self.delays) else 0.0
        self.calls += 1
        await asyncio.sleep(delay)
        self.arrived.append((group, frame_type, data))


class Engine:
    """Just what RoomHost asks of an engine: listeners, and a room's state."""

    def __init__(self) -> None:
        self.changed = []
        self.speakers = []
        self.states: dict[str, dict] = {}

    def on_change(self, listener) -> None:
        self.changed.append(listener)

    def on_conference_change(self, listener) -> None:
        self.speakers.append(listener)

    def room_state(self, room: str) -> dict:
        return self.states.get(room, {"kind": None, "publishers": [], "viewers": 0})

    def conference_speakers(self, room: str) -> dict:
        return self.states.get(room, {}).get("speakers", {})

    def change(self, room: str, state: dict):
        self.states[room] = state
        return [listener(room, state) for listener in self.changed]

    def tell_speakers(self, room: str, speakers: dict):
        state = self.states.setdefault(room, {"kind": "conference", "publishers": [], "viewers": 0})
        state["speakers"] = speakers
        return [listener(room, speakers) for listener in self.speakers]


def conference_state(*publishers: str, muted=()) -> dict:
    return {
        "kind": "conference",
        "publishers": [
            {"id": p, "member": p.split(":")[0], "label": "camera", "audio": True} for p in publishers
        ],
        "viewers": 0,
        "speakers": {"video": list(publishers), "muted": list(muted)},
    }


async def settle(futures) -> None:
    await asyncio.gather(*{asyncio.ensure_future(f) for f in futures if f is not None})


async def test_a_push_overtaken_on_its_way_still_arrives_before_the_newer_one():
    push = SlowFirstPush()
    pushes = RoomPushes(push)
    first = pushes.push("conference.1", "rtc.conference.1", "rtc.conference.speakers", {"muted": []})
    second = pushes.push("conference.1", "rtc.conference.1", "rtc.room.changed", {"publishers": ["a"]})
    await settle([first, second])
    assert [frame for _group, frame, _data in push.arrived] == ["rtc.conference.speakers", "rtc.room.changed"]


async def test_newer_states_waiting_behind_a_slow_push_go_out_once_the_newest():
    push = SlowFirstPush()
    pushes = RoomPushes(push)
    sent = [pushes.push("conference.1", "g", "rtc.conference.speakers", {"muted": []})]
    await asyncio.sleep(0)  # the first is on its way now
    for muted in (["a"], ["a", "b"], ["b"]):
        sent.append(pushes.push("conference.1", "g", "rtc.conference.speakers", {"muted": muted}))
    await settle(sent)
    assert [data["muted"] for _g, _f, data in push.arrived] == [[], ["b"]]


async def test_rooms_do_not_wait_for_each_other():
    push = SlowFirstPush(delays=(0.2,))
    pushes = RoomPushes(push)
    slow = pushes.push("booth.1", "g1", "rtc.room.changed", {"n": 1})
    quick = pushes.push("booth.2", "g2", "rtc.room.changed", {"n": 2})
    await asyncio.wait_for(asyncio.ensure_future(quick), 0.1)
    assert [group for group, _f, _d in push.arrived] == ["g2"]
    await settle([slow])


async def test_a_failed_push_does_not_stop_the_ones_after_it(caplog):
    arrived = []

    async def push(group, frame_type, data):
        if data.get("fail"):
            raise ConnectionError("Redis went away")
        arrived.append(data)

    pushes = RoomPushes(push)
    sent = [
        pushes.push("booth.1", "g", "rtc.room.changed", {"fail": True}),
        pushes.push("booth.1", "g", "rtc.conference.speakers", {"n": 2}),
    ]
    await settle(sent)
    assert arrived == [{"n": 2}]
    assert "could not push rtc.room.changed" in caplog.text
    # The room can push again afterwards: nothing is left waiting or sending.
    await settle([pushes.push("booth.1", "g", "rtc.room.changed", {"n": 3})])
    assert arrived[-1] == {"n": 3}


async def test_every_change_gets_a_greater_version_and_a_reply_is_never_older_than_the_last_push():
    engine = Engine()
    push = SlowFirstPush()
    host = RoomHost(engine, push=push)
    room = "conference.3"
    futures = engine.change(room, conference_state("1-aa:camera"))
    futures += engine.tell_speakers(room, {"video": ["1-aa:camera"], "muted": []})
    futures += engine.change(room, conference_state("1-aa:camera", "2-bb:camera"))
    futures += engine.tell_speakers(room, {"video": ["1-aa:camera", "2-bb:camera"], "muted": ["1-aa:camera"]})
    await settle(futures)
    versions = [data["version"] for _g, _f, data in push.arrived]
    assert versions == sorted(versions) and len(set(versions)) == len(versions), versions

    reply = await host.state(room)
    assert reply["version"] >= versions[-1]
    assert reply["speakers"]["version"] >= versions[-1]
    assert reply["speakers"]["muted"] == ["1-aa:camera"]


async def test_a_room_made_again_after_it_was_gone_starts_above_its_old_versions():
    engine = Engine()
    push = SlowFirstPush(delays=())
    RoomHost(engine, push=push)
    room = "booth.9"
    await settle(engine.change(room, conference_state("1-aa:camera")))
    await settle(engine.change(room, {"kind": None, "publishers": [], "viewers": 0}))
    await settle(engine.change(room, conference_state("2-bb:camera")))
    versions = [data["version"] for _g, _f, data in push.arrived]
    assert versions[0] < versions[1] < versions[2], versions
    assert push.arrived[2][2]["publishers"][0]["id"] == "2-bb:camera"

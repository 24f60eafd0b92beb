"""A media process for test_recording_interrupted.py to kill: it records the demo pattern of a
room into the folder it is given (heartbeat every 0.5 s), says "recording" once frames reach the
disk, and never stops by itself."""

import asyncio
import sys
from pathlib import Path

from media_rtc.engine import MediaEngine
from media_rtc.recording import RoomRecorder

ROOM = "booth.7"


async def record_until_killed(folder: Path) -> None:
    engine = MediaEngine(host_addresses=["127.0.0.1"], native_fanout=False)
    await engine.start_test_pattern(ROOM, member="demo")
    recorder = RoomRecorder(
        lambda: engine.published_sources(ROOM),
        folder,
        max_bytes=10**9,
        max_seconds=600,
        heartbeat_seconds=0.5,
    )
    recorder.start()
    while not (folder / "manifest.json").exists():
        await asyncio.sleep(0.05)
    print("recording", flush=True)
    await asyncio.sleep(600)  # the test kills it long before


if __name__ == "__main__":
    asyncio.run(record_until_killed(Path(sys.argv[1])))

"""How often a conference tells its seats who speaks (media_rtc/conference_media.py): a change of
the grid or of the chair's choices at once, a change of who speaks at most every 0.5 s."""

from __future__ import annotations

import pytest

from media_rtc.conference_media import ConferenceLimits, ConferenceMedia
from media_rtc.forwarding import EncodedSource


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def conference():
    clock = Clock()
    told: list[dict] = []
    media = ConferenceMedia(
        "conference.1", ConferenceLimits(), new_pc=None, negotiate=None, on_speakers=told.append, clock=clock
    )
    for n in range(6):
        media.add_site(
            f"{n}-site{n}abc:camera",
            f"{n}-site{n}abc",
            audio=EncodedSource("audio"),
            video=EncodedSource("video"),
        )
    media.clock, media.told = clock, told
    yield media
    await media.close()


def talk(media, site: str, level: int, seconds: float) -> None:
    for _ in range(round(seconds / 0.02)):
        media.clock.now += 0.02
        media.selector.hear(site, level, media.clock.now)


def voices(conference, levels: dict[str, int], seconds: float) -> None:
    """Every site in `levels` sends a packet every 20 ms; the selection is looked at every 0.1 s."""
    for step in range(round(seconds / 0.02)):
        conference.clock.now += 0.02
        for site, level in levels.items():
            conference.selector.hear(site, level, conference.clock.now)
        if step % 5 == 4:
            conference._reselect()


async def test_speaking_alone_is_told_at_most_every_half_second(conference):
    loud = {f"{n}-site{n}abc:camera": 10 + n for n in range(4)}  # the audio set and the next in line
    voices(conference, loud, 1.0)
    conference.told.clear()
    # Two more, quieter, neither in the grid nor heard: only who speaks changes, twice in 0.3 s.
    fifth, sixth = "4-site4abc:camera", "5-site5abc:camera"
    voices(conference, {**loud, fifth: 30}, 0.2)
    voices(conference, {**loud, fifth: 30, sixth: 32}, 0.2)
    assert [len(told["speaking"]) for told in conference.told] == [5]  # the first at once, the second waits
    voices(conference, {**loud, fifth: 30, sixth: 32}, 0.4)
    assert [len(told["speaking"]) for told in conference.told] == [5, 6]
    assert conference.told[-1]["audio"] == ["0-site0abc:camera", "1-site1abc:camera", "2-site2abc:camera"]


async def test_a_new_speaker_in_the_grid_and_the_chair_are_told_at_once(conference):
    conference._reselect()
    conference.told.clear()
    talk(conference, "5-site5abc:camera", 10, 0.3)
    conference._reselect()
    assert len(conference.told) == 1
    assert "5-site5abc:camera" in conference.told[-1]["video"]
    conference.control("mute", "5-site5abc:camera")
    assert len(conference.told) == 2
    assert conference.told[-1]["muted"] == ["5-site5abc:camera"]
    conference.control("mute", "5-site5abc:camera")  # again: nothing changed, nothing told
    assert len(conference.told) == 2

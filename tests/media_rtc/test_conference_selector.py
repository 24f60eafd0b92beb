"""The conference's speaker selector on a scripted clock: who is in the video grid and the audio set
as the RFC 6464 levels change, with its hysteresis, and the chair's mute, pin and floor."""

from __future__ import annotations

import pytest

from media_rtc.conference import SpeakerSelector

LOUD, QUIET, NOISE = 20, 127, 60  # -dBov: speech, silence, a fan near the microphone
PACKET = 0.02


def talk(selector, levels: dict[str, int], seconds: float, start: float) -> float:
    """Every site sends a packet every 20 ms at its level for `seconds`; returns the new time."""
    now = start
    for _ in range(round(seconds / PACKET)):
        now += PACKET
        for site, level in levels.items():
            selector.hear(site, level, now)
    return now


def room(count: int, **options) -> SpeakerSelector:
    selector = SpeakerSelector(**options)
    for n in range(count):
        selector.add(f"s{n}")
    return selector


def test_before_anyone_speaks_the_grid_shows_the_first_arrivals_and_nobody_is_heard():
    selector = room(8)
    selection = selector.select(0.0)
    assert selection.video == ("s0", "s1", "s2", "s3")
    assert selection.audio == ()
    assert selection.speaking == frozenset()


def test_a_speaker_enters_the_video_and_audio_sets_within_a_fraction_of_a_second():
    selector = room(8)
    silent = {f"s{n}": QUIET for n in range(8)}
    now = talk(selector, silent, 1.0, 0.0)
    assert selector.select(now).video == ("s0", "s1", "s2", "s3")
    now = talk(selector, {**silent, "s6": LOUD}, 0.3, now)
    selection = selector.select(now)
    assert "s6" in selection.video
    assert selection.audio == ("s6",)
    assert selection.speaking == frozenset({"s6"})
    # s6 took the slot of the first arrival that never spoke, not the whole grid's order.
    assert selection.video == ("s0", "s1", "s2", "s6")


def test_the_grid_holds_the_last_four_distinct_speakers():
    selector = room(10)
    now = 0.0
    silent = {f"s{n}": QUIET for n in range(10)}
    for speaker in ("s5", "s6", "s7", "s8", "s9"):
        now = talk(selector, {**silent, speaker: LOUD}, 1.0, now)
        now = talk(selector, silent, 1.5, now)
        selector.select(now)
    selection = selector.select(now)
    assert set(selection.video) == {"s6", "s7", "s8", "s9"}  # s5 spoke longest ago: out
    assert selection.reserve_video == ("s5",)
    assert selection.audio == ()  # everyone has stopped


def test_noise_below_the_threshold_never_makes_a_speaker():
    selector = room(6)
    now = talk(selector, {"s5": NOISE, "s4": QUIET}, 5.0, 0.0)
    selection = selector.select(now)
    assert selection.speaking == frozenset()
    assert selection.audio == ()
    assert "s5" not in selection.video


def test_a_single_loud_click_does_not_make_a_speaker():
    selector = room(6)
    now = talk(selector, {"s5": QUIET}, 1.0, 0.0)
    selector.hear("s5", 0, now + PACKET)
    now = talk(selector, {"s5": QUIET}, 0.1, now + PACKET)
    assert selector.select(now).speaking == frozenset()


def test_a_speaker_pausing_between_words_stays_speaking():
    selector = room(6)
    now = talk(selector, {"s5": LOUD}, 1.0, 0.0)
    assert selector.select(now).speaking == frozenset({"s5"})
    now = talk(selector, {"s5": QUIET}, 0.3, now)  # a breath
    assert selector.select(now).speaking == frozenset({"s5"})
    now = talk(selector, {"s5": LOUD}, 0.5, now)
    now = talk(selector, {"s5": QUIET}, 2.0, now)  # done talking
    assert selector.select(now).speaking == frozenset()


def test_the_audio_set_is_the_three_loudest_and_keeps_its_members_against_a_close_challenger():
    selector = room(6)
    now = talk(selector, {"s1": 20, "s2": 22, "s3": 24}, 1.0, 0.0)
    assert set(selector.select(now).audio) == {"s1", "s2", "s3"}
    now = talk(selector, {"s1": 20, "s2": 22, "s3": 24, "s4": 22}, 1.0, now)  # s4 only 2 dB louder than s3
    assert set(selector.select(now).audio) == {"s1", "s2", "s3"}
    now = talk(selector, {"s1": 20, "s2": 22, "s3": 30, "s4": 10}, 1.0, now)  # s4 clearly louder
    selection = selector.select(now)
    assert selection.audio == ("s4", "s1", "s2")
    assert selection.reserve_audio == ("s3",)


def test_a_muted_site_is_in_no_set_even_when_loudest():
    selector = room(6)
    now = talk(selector, {"s5": 5, "s4": 25}, 1.0, 0.0)
    selector.mute("s5")
    selection = selector.select(now)
    assert "s5" not in selection.video
    assert "s5" not in selection.reserve_video
    assert selection.audio == ("s4",)
    assert selection.speaking == frozenset({"s4"})
    assert selection.muted == frozenset({"s5"})
    selector.mute("s5", False)
    assert "s5" in selector.select(now).audio


def test_the_pinned_site_stays_in_the_grid_while_four_others_speak():
    selector = room(8)
    selector.pin("s0")
    now = talk(selector, {"s4": 20, "s5": 21, "s6": 22, "s7": 23}, 1.0, 0.0)
    selection = selector.select(now)
    assert set(selection.video) == {"s0", "s4", "s5", "s6"}
    assert selection.reserve_video == ("s7",)
    assert selection.pinned == "s0"


def test_the_floor_is_seen_and_heard_however_quiet_and_is_unmuted():
    selector = room(8)
    selector.mute("s2")
    selector.give_floor("s2")
    now = talk(selector, {"s4": 20, "s5": 21, "s6": 22, "s7": 23}, 1.0, 0.0)
    selection = selector.select(now)
    assert "s2" in selection.video
    assert selection.audio[0] == "s2"
    assert len(selection.audio) == 3
    assert selection.muted == frozenset()
    selector.give_floor(None)
    assert selector.select(now).floor is None


def test_a_seat_never_gets_its_own_site_back():
    selector = room(8)
    now = talk(selector, {"s4": 20, "s5": 21, "s6": 22, "s7": 23}, 1.0, 0.0)
    selection = selector.select(now)
    own = selection.video[1]
    video, audio = selection.for_seat(own)
    assert own not in video
    assert own not in audio
    assert video[1] == selection.reserve_video[0]
    assert len(audio) == 3
    assert selection.for_seat("someone watching only") == (selection.video, selection.audio)


def test_a_site_that_leaves_frees_its_slot_and_its_pin():
    selector = room(6)
    selector.pin("s1")
    selector.remove("s1")
    selection = selector.select(0.0)
    assert "s1" not in selection.video
    assert selection.pinned is None
    with pytest.raises(KeyError):
        selector.mute("s1")


@pytest.mark.parametrize("video, audio", [(3, 3), (7, 3), (4, 0), (4, 5)])
def test_speaker_counts_outside_the_allowed_range_are_refused(video, audio):
    with pytest.raises(ValueError):
        SpeakerSelector(video_slots=video, audio_slots=audio)

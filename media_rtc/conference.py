"""Who is seen and heard in a conference room ("conference.<id>": many organisations on one screen).

Every site publishes; no seat could take everyone's video on a 1 Mbit/s link, so the server picks:
each seat gets the video of the last N active speakers (RTC_CONFERENCE_VIDEO_SPEAKERS) and the
audio of the 3 loudest (RTC_CONFERENCE_AUDIO_SPEAKERS), chosen from the RFC 6464 audio level each
publisher's browser writes into every Opus packet's header (nothing is decoded). `SpeakerSelector`
is that choice, pure and driven by the clock it is given; media_rtc/conference_media.py applies it
to the seats' tracks and the publishers' REMB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: RFC 6464 levels are -dBov, 0 (loudest) to 127 (silence).
SILENCE = 127
#: A site starts speaking when its smoothed level rises above -40 dBov, and stops only once it has
#: fallen below -50 dBov (the gap between the two is the hysteresis) and stayed quiet HOLD_SECONDS.
SPEAKING_LEVEL = 40
QUIET_LEVEL = 50
HOLD_SECONDS = 0.8
#: Smoothing of the level: a voice is picked up in ~0.15 s, a pause lets go over ~0.5 s.
ATTACK_SECONDS = 0.08
RELEASE_SECONDS = 0.4
#: A speaker outside the audio set takes a place in it only when louder than the quietest one
#: inside by this many dB, so two voices of equal loudness do not swap places on every syllable.
AUDIO_MARGIN_DB = 6
#: The allowed number of video speakers: 4 fill a phone's 2×2 grid, 6 a PC's 3×2.
VIDEO_SPEAKERS_RANGE = (4, 6)


def check_speaker_counts(video: int, audio: int) -> None:
    low, high = VIDEO_SPEAKERS_RANGE
    if not low <= video <= high:
        raise ValueError(f"RTC_CONFERENCE_VIDEO_SPEAKERS must be {low} to {high}, not {video}")
    if not 1 <= audio <= video:
        raise ValueError(f"RTC_CONFERENCE_AUDIO_SPEAKERS must be 1 to {video}, not {audio}")


@dataclass
class _Site:
    joined: int  # order of arrival, to fill the grid before anyone has spoken
    level: float = SILENCE  # smoothed -dBov
    heard_at: float | None = None
    loud_at: float = -1e9  # last time the smoothed level was above QUIET_LEVEL
    speaking: bool = False
    spoke_at: float = -1e9  # last time it was speaking: "the last N distinct speakers"


@dataclass(frozen=True)
class Selection:
    """What the room sees and hears now. `video` is the grid, slot by slot (a slot keeps its site
    while it stays in the set, so a picture does not jump around); `reserve` stands in for a seat's
    own site (no one gets their own picture or voice back)."""

    video: tuple[str | None, ...]
    audio: tuple[str, ...]
    reserve_video: tuple[str, ...] = ()
    reserve_audio: tuple[str, ...] = ()
    speaking: frozenset[str] = frozenset()
    muted: frozenset[str] = frozenset()
    pinned: str | None = None
    floor: str | None = None

    def for_seat(self, own: str | None) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
        """(video slot by slot, audio) one seat receives: its own site replaced by the next one."""
        reserve = iter(site for site in self.reserve_video if site != own)
        video = tuple(next(reserve, None) if site == own and own is not None else site for site in self.video)
        audio = [site for site in self.audio if site != own]
        if len(audio) < len(self.audio):
            audio += [site for site in self.reserve_audio if site != own][: len(self.audio) - len(audio)]
        return video, tuple(audio)

    @property
    def video_set(self) -> frozenset[str]:
        return frozenset(site for site in self.video if site is not None)

    def describe(self) -> dict:
        """As seats are told (rtc.conference.speakers): publisher ids only, never member ids."""
        return {
            "video": list(self.video),
            "reserve": list(self.reserve_video[:1]),
            "audio": list(self.audio),
            "reserve_audio": list(self.reserve_audio[:1]),
            "speaking": sorted(self.speaking),
            "muted": sorted(self.muted),
            "pinned": self.pinned,
            "floor": self.floor,
        }


@dataclass
class SpeakerSelector:
    """The active speakers of one conference from their audio levels, with the chair's say.

    `hear(site, level, now)` for every audio packet (cheap), `select(now)` a few times a second.
    A muted site is in no set; the site with the floor and the pinned site are always in the video
    set (the floor also in the audio set, whatever its level)."""

    video_slots: int = 4
    audio_slots: int = 3
    _sites: dict[str, _Site] = field(default_factory=dict)
    _slots: list[str | None] = field(default_factory=list)
    _audio: list[str] = field(default_factory=list)
    _muted: set[str] = field(default_factory=set)
    _pinned: str | None = None
    _floor: str | None = None
    _arrivals: int = 0

    def __post_init__(self) -> None:
        check_speaker_counts(self.video_slots, self.audio_slots)
        self._slots = [None] * self.video_slots

    # --- what happens --------------------------------------------------------------------------

    def add(self, site: str) -> None:
        if site not in self._sites:
            self._arrivals += 1
            self._sites[site] = _Site(joined=self._arrivals)

    def remove(self, site: str) -> None:
        self._sites.pop(site, None)
        self._muted.discard(site)
        self._slots = [None if s == site else s for s in self._slots]
        self._audio = [s for s in self._audio if s != site]
        if self._pinned == site:
            self._pinned = None
        if self._floor == site:
            self._floor = None

    def hear(self, site: str, level: int, now: float) -> None:
        """One audio packet's RFC 6464 level (0 loudest … 127 silence) from `site`."""
        state = self._sites.get(site)
        if state is None:
            return
        level = min(max(int(level), 0), SILENCE)
        elapsed = 0.02 if state.heard_at is None else min(max(now - state.heard_at, 0.0), 1.0)
        state.heard_at = now
        tau = ATTACK_SECONDS if level < state.level else RELEASE_SECONDS
        state.level += (level - state.level) * min(1.0, elapsed / tau)
        if state.level <= QUIET_LEVEL:
            state.loud_at = now
        if state.level <= SPEAKING_LEVEL:
            state.speaking = True
        if state.speaking:
            state.spoke_at = now

    def mute(self, site: str, muted: bool = True) -> None:
        if site not in self._sites:
            raise KeyError(site)
        if muted:
            self._muted.add(site)
        else:
            self._muted.discard(site)

    def pin(self, site: str | None) -> None:
        if site is not None and site not in self._sites:
            raise KeyError(site)
        self._pinned = site

    def give_floor(self, site: str | None) -> None:
        """The chair gives one site the floor (None takes it back): seen and heard, and unmuted."""
        if site is not None and site not in self._sites:
            raise KeyError(site)
        self._floor = site
        if site is not None:
            self._muted.discard(site)

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(self._sites)

    # --- what follows --------------------------------------------------------------------------

    def select(self, now: float) -> Selection:
        self._update_speaking(now)
        audible = [s for s in self._sites if s not in self._muted]
        speaking = frozenset(s for s in audible if self._sites[s].speaking)
        ranked = self._video_ranking(audible)
        wanted = ranked[: self.video_slots]
        self._place_in_slots(wanted)
        audio_ranked = self._audio_ranking(audible, speaking)
        return Selection(
            video=tuple(self._slots),
            audio=tuple(self._audio),
            reserve_video=tuple(ranked[self.video_slots : self.video_slots + 1]),
            reserve_audio=tuple(s for s in audio_ranked if s not in self._audio)[:1],
            speaking=speaking,
            muted=frozenset(self._muted),
            pinned=self._pinned if self._pinned not in self._muted else None,
            floor=self._floor,
        )

    def _update_speaking(self, now: float) -> None:
        for state in self._sites.values():
            if state.heard_at is not None and now - state.heard_at > RELEASE_SECONDS:
                # No packets (Opus DTX, a stalled link): the level decays as if silent.
                state.level += (SILENCE - state.level) * min(
                    1.0, (now - state.heard_at) / (4 * RELEASE_SECONDS)
                )
            if state.speaking and state.level > QUIET_LEVEL and now - state.loud_at >= HOLD_SECONDS:
                state.speaking = False

    def _video_ranking(self, audible: list[str]) -> list[str]:
        """The floor and the pin first; then who speaks now, those already in the grid before
        newcomers (the loudest first), so that five people talking at once do not make the grid
        flap; then the most recent speakers; then everyone else in the order they arrived (the grid
        is full before anyone has said a word)."""
        chosen = list(dict.fromkeys(s for s in (self._floor, self._pinned) if s is not None and s in audible))
        rest = [s for s in audible if s not in chosen]
        in_grid = set(self._slots)
        talking = [s for s in rest if self._sites[s].speaking]
        staying = [s for s in talking if s in in_grid]
        arriving = sorted((s for s in talking if s not in in_grid), key=lambda s: self._sites[s].level)
        quiet = sorted(
            (s for s in rest if not self._sites[s].speaking),
            key=lambda s: (-self._sites[s].spoke_at, self._sites[s].joined),
        )
        return chosen + staying + arriving + quiet

    def _place_in_slots(self, wanted: list[str]) -> None:
        """Sites that stay keep their slot; newcomers take the freed ones, in rank order."""
        keep = set(wanted)
        self._slots = [s if s in keep else None for s in self._slots]
        placed = set(self._slots)
        newcomers = iter(s for s in wanted if s not in placed)
        self._slots = [s if s is not None else next(newcomers, None) for s in self._slots]

    def _audio_ranking(self, audible: list[str], speaking: frozenset[str]) -> list[str]:
        """The floor first, then the speakers, loudest first; members of the audio set keep their
        place against a challenger that is not clearly louder."""
        level = {s: self._sites[s].level for s in audible}
        floor = [self._floor] if self._floor in level else []
        talking = sorted((s for s in speaking if s not in floor), key=lambda s: level[s])
        ranked = floor + talking
        current = [s for s in self._audio if s in ranked]
        chosen = list(floor)
        for site in current:
            if site not in chosen and len(chosen) < self.audio_slots:
                chosen.append(site)
        for challenger in ranked:
            if challenger in chosen:
                continue
            if len(chosen) < self.audio_slots:
                chosen.append(challenger)
                continue
            replaceable = [s for s in chosen if s not in floor]
            if not replaceable:
                break
            quietest = max(replaceable, key=lambda s: level[s])
            if level[challenger] + AUDIO_MARGIN_DB <= level[quietest]:
                chosen[chosen.index(quietest)] = challenger
        chosen.sort(key=lambda s: (s not in floor, level[s]))
        self._audio = chosen
        return ranked

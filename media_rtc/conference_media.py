"""A conference room's media: the sites that publish, the seats that receive, and the speaker
selector (media_rtc/conference.py) between them.

A seat has one connection with a fixed set of outgoing tracks (up to N video, up to 3 audio,
negotiated once). When the selection changes, a track is switched to another publisher's encoded
source (`ForwardedTrack.attach`: its timestamps continue, it starts at a keyframe, and the newly
chosen publisher gets a PLI at once), so nothing is renegotiated and nothing decoded. Publishers
outside the video set are told a low bitrate by the REMB the server sends; those in it a higher one.
Seats are served by aiortc's senders (the Python forwarding path), not the native fan-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCPeerConnection
from aiortc import sdp as aiortc_sdp

from . import aiortc_internals as internals
from .conference import SpeakerSelector
from .errors import BadOffer, BadRequest, NoSuchPublisher, RoomFull
from .forwarding import EncodedSource, ForwardedTrack
from .sdp import CODECS, MAX_OFFER_BYTES, codec_preferences
from .tiers import AUDIO_KBPS, STANDARD_VIDEO_KBPS

logger = logging.getLogger(__name__)

#: How often the selection is looked at again: a new speaker reaches seats within ~0.1 s of the
#: selector hearing them (plus the keyframe's round trip).
SELECT_EVERY_SECONDS = 0.1
#: Speaking indicators change more often than the grid; seats are told at most this often.
SPEAKING_PUSH_SECONDS = 0.5
#: The clamp is said again this often (a REMB can be lost, and a new publisher's first one waits
#: for its first packet).
REMB_REFRESH_SECONDS = 1.0
#: A voice's rate is measured over this long, on the wire: payload plus each packet's RTP
#: header and extensions (~24 bytes), SRTP tag (10) and UDP/IPv4 headers (28).
VOICE_RATE_SECONDS = 1.0
PACKET_OVERHEAD_BYTES = 62

SpeakersListener = Callable[[dict], Any]


_telling: set[asyncio.Future] = set()  # pushes of the speakers under way


@dataclass(frozen=True)
class ConferenceLimits:
    """The settings a conference runs with (RTC_CONFERENCE_*)."""

    video_speakers: int = 4
    audio_speakers: int = 3
    idle_kbps: int = 100
    active_kbps: int = 200
    max_sites: int = 40
    #: What each site's Opus is asked for (maxaveragebitrate): speech needs no more.
    audio_kbps: int = 16
    #: An audio-only seat gets as many of the audio set's voices as fit in this, at least one.
    audio_only_kbps: int = 48


@dataclass(eq=False)
class _SiteMedia:
    id: str
    member: str
    audio: EncodedSource
    video: EncodedSource
    video_receiver: Any = None
    cap_kbps: int = 0
    told_at: float = -1e9
    voice_kbps: float = 0.0
    measured: tuple[float, int, int] | None = None  # (when, audio bytes in, audio frames in)


@dataclass(eq=False)
class _Seat:
    member: str
    audio_only: bool
    pc: RTCPeerConnection
    video: list[ForwardedTrack] = field(default_factory=list)
    audio: list[ForwardedTrack] = field(default_factory=list)
    video_sites: list[str | None] = field(default_factory=list)
    audio_sites: list[str | None] = field(default_factory=list)
    connected: bool = False


def parse_seat_offer(offer_sdp: str, *, video: int, audio: int) -> list[Any]:
    """A seat's offer: up to `video` VP8 sections (none for an audio-only seat) and 1 to `audio`
    Opus sections, all to receive."""
    if not isinstance(offer_sdp, str) or not offer_sdp.strip() or len(offer_sdp) > MAX_OFFER_BYTES:
        raise BadOffer()
    try:
        description = aiortc_sdp.SessionDescription.parse(offer_sdp)
    except Exception:
        raise BadOffer() from None
    media = [m for m in description.media if m.kind in ("audio", "video")]
    kinds = [m.kind for m in media]
    if not 1 <= kinds.count("audio") <= audio or kinds.count("video") > video:
        raise BadOffer()
    for section in media:
        wanted = CODECS[section.kind][0].lower()
        if not any(codec.mimeType.lower() == wanted for codec in section.rtp.codecs):
            raise BadOffer()
    return media


class ConferenceMedia:
    """One conference room's sites, seats and selection, in the engine's loop."""

    def __init__(
        self,
        room: str,
        limits: ConferenceLimits,
        *,
        new_pc: Callable[[], RTCPeerConnection],
        negotiate: Callable[[RTCPeerConnection, str], Awaitable[str]],
        on_speakers: SpeakersListener,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.room = room
        self.limits = limits
        self.selector = SpeakerSelector(video_slots=limits.video_speakers, audio_slots=limits.audio_speakers)
        self.sites: dict[str, _SiteMedia] = {}
        self.seats: dict[str, _Seat] = {}
        self._new_pc = new_pc
        self._negotiate = negotiate
        self._on_speakers = on_speakers
        self._clock = clock
        self._selection = self.selector.select(clock())
        self._told: dict | None = None
        self._told_at = -1e9
        self._loop_task: asyncio.Task | None = None

    @property
    def empty(self) -> bool:
        return not self.sites and not self.seats

    # --- sites (publishers) --------------------------------------------------------------------

    def check_room_for(self, member: str) -> None:
        """Before a publisher's offer is taken: the room has a place for one more site."""
        if len(self.sites) >= self.limits.max_sites and all(s.member != member for s in self.sites.values()):
            raise RoomFull()

    def add_site(
        self,
        site: str,
        member: str,
        *,
        audio: EncodedSource,
        video: EncodedSource,
        audio_receiver: Any = None,
        video_receiver: Any = None,
        current: Callable[[], bool] = lambda: True,
    ) -> None:
        """A publisher's connection is negotiated (again, on a reconnect): hear its levels, clamp
        what it is told. `current()` is False once that connection was replaced."""
        media = self.sites.get(site)
        if media is None:
            media = self.sites[site] = _SiteMedia(site, member, audio, video, cap_kbps=self.limits.idle_kbps)
            self.selector.add(site)
        media.video_receiver = video_receiver
        media.told_at = -1e9
        if audio_receiver is not None:
            internals.read_audio_levels(audio_receiver, self._hearing(site, current))
        if video_receiver is not None:
            internals.clamp_remb(video_receiver, lambda: media.cap_kbps * 1000)
        self._start()
        self._reselect()

    def limit_answer(self, answer_sdp: str) -> str:
        """A site's answer (already limited as any publisher's) asks for the conference's rates:
        video at most the active cap (REMB then holds idle sites lower), speech-rate Opus."""
        return answer_sdp.replace(f"b=AS:{STANDARD_VIDEO_KBPS}", f"b=AS:{self.limits.active_kbps}").replace(
            f"maxaveragebitrate={AUDIO_KBPS * 1000}", f"maxaveragebitrate={self.limits.audio_kbps * 1000}"
        )

    def remove_site(self, site: str) -> None:
        if self.sites.pop(site, None) is None:
            return
        self.selector.remove(site)
        self._reselect()

    def _hearing(self, site: str, current: Callable[[], bool]) -> Callable[[int], None]:
        def hear(level: int) -> None:
            if current():
                self.selector.hear(site, level, self._clock())

        return hear

    # --- seats ---------------------------------------------------------------------------------

    async def seat(self, member: str, offer_sdp: str, *, audio_only: bool = False) -> str:
        """Accept a seat's recvonly offer (its fixed set of tracks) and return the answer. Taking
        a seat again replaces the tab's old connection."""
        sections = parse_seat_offer(
            offer_sdp, video=0 if audio_only else self.limits.video_speakers, audio=self.limits.audio_speakers
        )
        if member not in self.seats and len(self.seats) >= self.limits.max_sites:
            raise RoomFull()
        pc = self._new_pc()
        seat = _Seat(member=member, audio_only=audio_only, pc=pc)
        try:
            for section in sections:
                track = ForwardedTrack(section.kind)
                transceiver = pc.addTransceiver(track, direction="sendonly")
                transceiver.setCodecPreferences(codec_preferences(section.kind))
                internals.route_keyframe_requests(transceiver.sender, track.request_keyframe)
                internals.pack_without_encoder(transceiver.sender, section.kind)
                (seat.video if section.kind == "video" else seat.audio).append(track)
            seat.video_sites = [None] * len(seat.video)
            seat.audio_sites = [None] * len(seat.audio)
            answer = await self._negotiate(pc, offer_sdp)
        except BaseException:
            await self._close_seat(seat)
            raise
        previous = self.seats.get(member)
        self.seats[member] = seat
        if previous is not None:
            await self._close_seat(previous)
        pc.on("connectionstatechange", self._seat_watchdog(seat))
        self._start()
        return answer

    async def leave(self, member: str) -> None:
        seat = self.seats.pop(member, None)
        if seat is not None:
            await self._close_seat(seat)

    def _seat_watchdog(self, seat: _Seat):
        async def on_state() -> None:
            if self.seats.get(seat.member) is not seat:
                return
            if seat.pc.connectionState == "connected" and not seat.connected:
                seat.connected = True
                self._apply_to(seat, self._selection)
            elif seat.pc.connectionState in ("failed", "closed"):
                await self.leave(seat.member)

        return on_state

    async def _close_seat(self, seat: _Seat) -> None:
        for track in seat.video + seat.audio:
            track.stop()
        try:
            await seat.pc.close()
        except Exception:
            logger.warning("closing a seat's connection failed", exc_info=True)

    # --- the chair -----------------------------------------------------------------------------

    def control(self, action: str, site: str | None, on: bool = True) -> None:
        """The chair: "mute" a site (or unmute it), give it "floor", "pin" it (None: take back)."""
        if site is not None and site not in self.sites:
            raise NoSuchPublisher()
        if action == "mute" and site is not None:
            self.selector.mute(site, on)
        elif action == "floor":
            self.selector.give_floor(site if on else None)
        elif action == "pin":
            self.selector.pin(site if on else None)
        else:
            raise BadRequest()
        self._reselect(tell_now=True)

    # --- looking -------------------------------------------------------------------------------

    def describe(self) -> dict:
        return self._selection.describe()

    def state(self) -> dict:
        """For tests and the bench: what each seat's tracks carry now, and each publisher's cap."""
        return {
            "selection": self.describe(),
            "seats": {
                member: {"video": list(seat.video_sites), "audio": list(seat.audio_sites)}
                for member, seat in self.seats.items()
            },
            "caps_kbps": {site: media.cap_kbps for site, media in self.sites.items()},
            "forwarded": {
                site: {"video": media.video.subscriber_count, "audio": media.audio.subscriber_count}
                for site, media in self.sites.items()
            },
        }

    # --- inside --------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while not self.empty:
            await asyncio.sleep(SELECT_EVERY_SECONDS)
            try:
                self._reselect()
            except Exception:
                logger.exception("conference %s: choosing the speakers failed", self.room)

    def _reselect(self, *, tell_now: bool = False) -> None:
        now = self._clock()
        selection = self.selector.select(now)
        grid_changed = (
            selection.video,
            selection.audio,
            selection.reserve_video,
            selection.reserve_audio,
        ) != (
            self._selection.video,
            self._selection.audio,
            self._selection.reserve_video,
            self._selection.reserve_audio,
        )
        self._selection = selection
        self._measure_voices(now)
        for seat in self.seats.values():
            if seat.connected and (grid_changed or seat.audio_only):
                self._apply_to(seat, selection)
        self._clamp(selection, now)
        told = selection.describe()
        if told != self._told and (tell_now or grid_changed or now - self._told_at >= SPEAKING_PUSH_SECONDS):
            self._told, self._told_at = told, now
            try:
                result = self._on_speakers(told)
                if asyncio.iscoroutine(result):
                    # Kept until done: the loop holds tasks only weakly.
                    task = asyncio.ensure_future(result)
                    _telling.add(task)
                    task.add_done_callback(_telling.discard)
            except Exception:
                logger.exception("telling conference %s of its speakers failed", self.room)

    def _apply_to(self, seat: _Seat, selection) -> None:
        video, audio = selection.for_seat(self._own_site(seat.member))
        if seat.audio_only:
            audio = self._within_budget(audio)
        for index, track in enumerate(seat.video):
            site = video[index] if index < len(video) else None
            media = self.sites.get(site) if site is not None else None
            seat.video_sites[index] = site if media is not None else None
            track.attach(media.video if media is not None else None)
        for index, track in enumerate(seat.audio):
            site = audio[index] if index < len(audio) else None
            media = self.sites.get(site) if site is not None else None
            seat.audio_sites[index] = site if media is not None else None
            track.attach(media.audio if media is not None else None)

    def _within_budget(self, audio: tuple[str, ...]) -> tuple[str, ...]:
        """The first voices (the floor, then the loudest) whose measured rates fit the audio-only
        budget; the first always, so a seat hears the speaker even on a poor link."""
        kept: list[str] = []
        spent = 0.0
        for site in audio:
            media = self.sites.get(site)
            rate = media.voice_kbps if media is not None and media.voice_kbps else self.limits.audio_kbps * 2
            if kept and spent + rate > self.limits.audio_only_kbps:
                break
            kept.append(site)
            spent += rate
        return tuple(kept)

    def _measure_voices(self, now: float) -> None:
        for media in self.sites.values():
            counts = (now, media.audio.bytes_in, media.audio.frames_in)
            if media.measured is None:
                media.measured = counts
                continue
            elapsed = now - media.measured[0]
            if elapsed >= VOICE_RATE_SECONDS:
                octets = (
                    counts[1] - media.measured[1] + PACKET_OVERHEAD_BYTES * (counts[2] - media.measured[2])
                )
                media.voice_kbps = octets * 8 / elapsed / 1000
                media.measured = counts

    def _own_site(self, member: str) -> str | None:
        return next((site for site, media in self.sites.items() if media.member == member), None)

    def _clamp(self, selection, now: float) -> None:
        """Publishers in the grid (or next in line for a seat's own slot) may send more."""
        seen = selection.video_set | set(selection.reserve_video)
        for site, media in self.sites.items():
            cap = self.limits.active_kbps if site in seen else self.limits.idle_kbps
            if cap != media.cap_kbps or now - media.told_at >= REMB_REFRESH_SECONDS:
                media.cap_kbps = cap
                if media.video_receiver is not None and internals.send_remb(media.video_receiver, cap * 1000):
                    media.told_at = now

    async def close(self) -> None:
        seats = list(self.seats.values())
        self.seats.clear()
        self.sites.clear()
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        await asyncio.gather(*(self._close_seat(seat) for seat in seats))

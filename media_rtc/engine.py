"""The live-video engine: rooms of aiortc peers that forward encoded media (no Django settings needed).

A media worker process owns one `MediaEngine`. Publishers send VP8 + Opus; every viewer gets the
publisher's encoded frames re-packetized (no decode, no encode per viewer). The low tier is one
shared transcode per publisher; audio-only sends no video RTP. The offers it accepts and the
answers it rewrites are media_rtc/sdp.py's; docs/protocol-rtc.md says what the socket sees.

Once a viewer's connection is up, its media goes through the native fan-out when this process
has it (media_rtc/native: one call per frame for all viewers); aiortc keeps its signalling, ICE,
DTLS and RTCP, and answers its NACKs from the publisher's frame history. Without the native
module, or for a connection it cannot serve, aiortc's senders forward as before.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)

from . import aiortc_internals as internals
from . import native
from .conference_media import ConferenceLimits, ConferenceMedia
from .errors import BadOffer, NoSuchPublisher, NotWatching, RoomFull, RtcError, StageFull, TooManyPublishers
from .forwarding import FRAME_STEP, EncodedSource, ForwardedTrack
from .pattern_source import PatternSource
from .sdp import codec_preferences, limit_publisher_bitrate, parse_offer
from .tiers import (
    AUDIO_ONLY,
    LOW,
    STANDARD,
    TIERS,
    LowTierTranscoder,
    tier_named,
)

logger = logging.getLogger(__name__)

RoomListener = Callable[[str, dict], Any]
BOOTH, MEETING, STAGE = "booth", "meeting", "stage"
#: Many organisations on one screen: every site publishes, each seat receives only the active
#: speakers (media_rtc/conference_media.py).
CONFERENCE = "conference"
ConferenceListener = Callable[[str, dict], Any]
#: Offer/answer with host candidates takes milliseconds; this only bounds a stuck negotiation.
NEGOTIATION_TIMEOUT = 15.0
#: aiortc starts a viewer's senders right after DTLS connects; this only bounds a stuck start.
SENDER_START_TIMEOUT = 5.0


def publisher_id(member: str, label: str = "") -> str:
    """The id viewers use to watch what `member` publishes under `label` ("camera", "screen"...)."""
    return f"{member}:{label}" if label else str(member)


@dataclass(eq=False)
class _Publisher:
    id: str
    member: str
    label: str
    audio: EncodedSource
    video: EncodedSource
    has_audio: bool = False
    has_video: bool = False
    ready: bool = False
    pc: RTCPeerConnection | None = None
    pattern: PatternSource | None = None
    low: LowTierTranscoder | None = None

    def low_source(self) -> EncodedSource:
        if self.low is None:
            self.low = LowTierTranscoder(self.video, name=self.id)
        return self.low.output

    def describe(self) -> dict:
        return {
            "id": self.id,
            "member": self.member,
            "label": self.label,
            "audio": self.has_audio,
            "video": self.has_video,
        }


@dataclass(eq=False)
class _Viewer:
    member: str
    publisher: str
    tier: str
    pc: RTCPeerConnection | None = None
    tracks: dict[str, ForwardedTrack] = field(default_factory=dict)
    senders: dict[str, tuple[RTCRtpSender, internals.SendParameters]] = field(default_factory=dict)
    connected: bool = False


@dataclass(eq=False)
class _Room:
    name: str
    kind: str
    publishers: dict[str, _Publisher] = field(default_factory=dict)
    viewers: dict[tuple[str, str], _Viewer] = field(default_factory=dict)

    def viewer_members(self) -> set[str]:
        return {member for member, _ in self.viewers}

    def members(self) -> set[str]:
        return self.viewer_members() | {p.member for p in self.publishers.values()}

    @property
    def empty(self) -> bool:
        return not self.publishers and not self.viewers


class MediaEngine:
    """Rooms, their publishers and viewers, in one asyncio loop (one per media worker process)."""

    def __init__(
        self,
        *,
        ice_servers: Sequence[Any] = (),
        host_addresses: Sequence[str] = (),
        max_booth_publishers: int = 4,
        max_meeting_members: int = 8,
        max_stage_speakers: int = 6,
        native_fanout: bool = True,
        conference: ConferenceLimits | None = None,
    ) -> None:
        """`ice_servers`: aiortc RTCIceServer objects or dicts {"urls", "username", "credential"}
        (TURN); empty means host candidates only (never a public STUN server).
        `host_addresses`: the only local addresses offered as ICE host candidates (e.g.
        ["127.0.0.1"] in tests); empty means every non-loopback interface. Process-wide, since
        aioice reads interfaces module-wide.
        `native_fanout`: send viewers' media through media_rtc/native when it is built and not
        turned off (RAKWON_NATIVE_FANOUT=0); False keeps every viewer on aiortc's senders."""
        internals.check_aiortc_version()
        internals.speed_up_ntp_clock()
        self.ice_servers = [
            server if isinstance(server, RTCIceServer) else RTCIceServer(**server) for server in ice_servers
        ]
        if host_addresses:
            internals.restrict_host_addresses(host_addresses)
        self.max_booth_publishers = max_booth_publishers
        self.max_meeting_members = max_meeting_members
        self.max_stage_speakers = max_stage_speakers
        self._rooms: dict[str, _Room] = {}
        self._listeners: list[RoomListener] = []
        self._background: set[asyncio.Future] = set()
        self._fanout = native.load() if native_fanout else None
        self.conference_limits = conference or ConferenceLimits()
        self._conferences: dict[str, ConferenceMedia] = {}
        self._conference_listeners: list[ConferenceListener] = []

    # --- publishing ---------------------------------------------------------------------------

    async def publish(
        self, room: str, member: str, offer_sdp: str, *, kind: str = BOOTH, label: str = ""
    ) -> str:
        """Accept a publisher's offer (one audio and/or one video track) and return the answer SDP.

        Publishing again under the same (member, label) replaces the connection; its viewers stay
        and continue on the new stream from its first keyframe.
        """
        sections = parse_offer(offer_sdp)
        if kind == CONFERENCE:
            self._conference(room).check_room_for(member)
        the_room = self._room_for(room, kind)
        publisher = self._reserve_publisher(the_room, member, label)
        pc = self._new_pc()
        video_receiver = audio_receiver = None
        try:
            for section in sections:
                transceiver = pc.addTransceiver(section.kind, direction="recvonly")
                transceiver.setCodecPreferences(codec_preferences(section.kind))
                source = publisher.audio if section.kind == "audio" else publisher.video
                internals.tap_encoded_frames(transceiver.receiver, self._deliverer(publisher, pc, source))
                if section.kind == "video":
                    video_receiver = transceiver.receiver
                else:
                    audio_receiver = transceiver.receiver
            answer = await self._negotiate(pc, offer_sdp)
            # its media must not wait for the loop's turns (a stage's audience joining: issue 13)
            internals.read_every_waiting_datagram(pc)
        except BaseException:
            await self._discard_pc(pc)
            self._forget_unready_publisher(the_room, publisher)
            raise
        if self._rooms.get(room) is not the_room or the_room.publishers.get(publisher.id) is not publisher:
            await self._discard_pc(pc)
            raise RtcError()
        old_pc, publisher.pc = publisher.pc, pc
        if video_receiver is not None:
            publisher.video.keyframe_requester = self._pli_sender(publisher, pc, video_receiver)
        publisher.has_audio = any(s.kind == "audio" for s in sections)
        publisher.has_video = any(s.kind == "video" for s in sections)
        if old_pc is not None:
            publisher.audio.new_generation()
            publisher.video.new_generation()
            self._in_background(old_pc.close())
        publisher.ready = True
        if kind == CONFERENCE:
            self._conference(room).add_site(
                publisher.id,
                member,
                audio=publisher.audio,
                video=publisher.video,
                audio_receiver=audio_receiver,
                video_receiver=video_receiver,
                current=lambda: publisher.pc is pc,
            )
        pc.on("connectionstatechange", self._publisher_watchdog(the_room, publisher, pc))
        self._notify(room)
        if kind == CONFERENCE:
            return self._conference(room).limit_answer(limit_publisher_bitrate(answer))
        return limit_publisher_bitrate(answer)

    async def start_test_pattern(self, room: str, member: str = "demo", label: str = "") -> str:
        """Publish the moving test pattern and tone in `room` (a booth room if new); returns its id.

        Encoded once in this process and forwarded like any publisher. Starting it twice is a no-op.
        """
        the_room = self._room_for(room, BOOTH)
        existing = the_room.publishers.get(publisher_id(member, label))
        if existing is not None and existing.pattern is not None:
            return existing.id
        publisher = self._reserve_publisher(the_room, member, label)
        publisher.pattern = PatternSource(publisher.video, publisher.audio)
        publisher.pattern.start()
        publisher.has_audio = publisher.has_video = publisher.ready = True
        self._notify(room)
        return publisher.id

    # --- watching -----------------------------------------------------------------------------

    async def watch(
        self,
        room: str,
        member: str,
        publisher: str,
        offer_sdp: str,
        *,
        tier: str = STANDARD,
        max_viewers: int | None = None,
    ) -> str:
        """Accept a viewer's offer (recvonly audio + video) for one publisher; return the answer.

        Include both audio and video in the offer even for audio-only: switching tiers later
        then needs no renegotiation. Watching the same publisher again replaces the connection.
        """
        tier_named(tier)
        the_room = self._rooms.get(room)
        if the_room is None or not self._ready_publisher(the_room, publisher):
            raise NoSuchPublisher()
        if the_room.kind == CONFERENCE:  # seats only (take_seat): the selection and the mutes hold
            raise NoSuchPublisher()
        sections = parse_offer(offer_sdp)
        key = (member, publisher)
        viewer_members = the_room.viewer_members()
        if max_viewers is not None and member not in viewer_members and len(viewer_members) >= max_viewers:
            raise RoomFull()
        self._check_meeting_size(the_room, member)
        viewer = _Viewer(member=member, publisher=publisher, tier=tier)
        previous = the_room.viewers.get(key)
        the_room.viewers[key] = viewer
        pc = viewer.pc = self._new_pc()
        try:
            for section in sections:
                track = ForwardedTrack(section.kind)
                transceiver = pc.addTransceiver(track, direction="sendonly")
                transceiver.setCodecPreferences(codec_preferences(section.kind))
                internals.route_keyframe_requests(transceiver.sender, track.request_keyframe)
                internals.pack_without_encoder(transceiver.sender, section.kind)
                started = internals.capture_send_parameters(transceiver.sender)
                viewer.senders[section.kind] = (transceiver.sender, started)
                viewer.tracks[section.kind] = track
            answer = await self._negotiate(pc, offer_sdp)
        except BaseException:
            await self._drop_viewer(the_room, viewer)
            if previous is not None and the_room.viewers.get(key) is None:
                the_room.viewers[key] = previous
            raise
        if the_room.viewers.get(key) is not viewer or not self._ready_publisher(the_room, publisher):
            await self._drop_viewer(the_room, viewer)
            raise NoSuchPublisher()
        if previous is not None and previous is not viewer:
            await self._drop_viewer(the_room, previous, forget=False)
        pc.on("connectionstatechange", self._viewer_watchdog(the_room, viewer, pc))
        self._notify(room)
        return answer

    async def set_tier(self, room: str, member: str, publisher: str, tier: str) -> None:
        """Switch a viewer's tier on its existing connection: replace what its video sender
        forwards (or stop it for audio-only), then ask for a keyframe. No renegotiation."""
        tier_named(tier)
        the_room = self._rooms.get(room)
        if the_room is None or not self._ready_publisher(the_room, publisher):
            raise NoSuchPublisher()
        viewer = the_room.viewers.get((member, publisher))
        if viewer is None:
            raise NotWatching()
        if viewer.tier == tier:
            return
        viewer.tier = tier
        if viewer.connected:
            self._apply_tier(the_room, viewer)
        self._notify(room)

    # --- leaving ------------------------------------------------------------------------------

    async def leave(self, room: str, member: str) -> None:
        """Close every connection `member` has in `room` (publishing and watching)."""
        await self._leave_conference_seat(room, member)
        the_room = self._rooms.get(room)
        if the_room is None:
            return
        publishers = [p for p in the_room.publishers.values() if p.member == member]
        viewers = [v for v in the_room.viewers.values() if v.member == member]
        closing = [self._drop_publisher(the_room, p) for p in publishers]
        closing += [self._drop_viewer(the_room, v) for v in viewers]
        await asyncio.gather(*closing)
        self._forget_if_empty(the_room)
        self._notify(room)

    async def unpublish(self, room: str, member: str, label: str = "") -> None:
        """End one of `member`'s streams (the screen share, say) and keep the rest of theirs."""
        the_room = self._rooms.get(room)
        if the_room is None:
            return
        publisher = the_room.publishers.get(publisher_id(member, label))
        if publisher is None:
            return
        await self._drop_publisher(the_room, publisher)
        self._forget_if_empty(the_room)
        self._notify(room)

    async def close_room(self, room: str) -> None:
        conference = self._conferences.pop(room, None)
        if conference is not None:
            await conference.close()
        the_room = self._rooms.pop(room, None)
        if the_room is None:
            return
        closing = [self._drop_publisher(the_room, p) for p in list(the_room.publishers.values())]
        closing += [self._drop_viewer(the_room, v) for v in list(the_room.viewers.values())]
        await asyncio.gather(*closing)
        self._notify(room)

    async def close(self) -> None:
        await asyncio.gather(*(self.close_room(name) for name in {*self._rooms, *self._conferences}))
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # --- a conference's seats and its chair (media_rtc/conference_media.py) ---------------------

    async def take_seat(self, room: str, member: str, offer_sdp: str, *, audio_only: bool = False) -> str:
        """A seat's recvonly offer (up to N video and 3 audio sections) in a conference room; the
        answer. Its tracks then carry whoever the speaker selection picks."""
        return await self._conference(room).seat(member, offer_sdp, audio_only=audio_only)

    def chair_conference(self, room: str, action: str, site: str | None, on: bool = True) -> dict:
        """The chair mutes a site, gives it the floor or pins it; returns the new selection."""
        conference = self._conferences.get(room)
        if conference is None:
            raise NoSuchPublisher()
        conference.control(action, site, on)
        return conference.describe()

    def conference_speakers(self, room: str) -> dict:
        """Who is seen, heard and speaking now, as seats are told (rtc.conference.speakers)."""
        conference = self._conferences.get(room)
        return conference.describe() if conference is not None else {}

    def conference_state(self, room: str) -> dict | None:
        conference = self._conferences.get(room)
        return conference.state() if conference is not None else None

    def on_conference_change(self, listener: ConferenceListener) -> None:
        """`listener(room, speakers)` when a conference's grid, audio set, speaking or chair's
        choices change (speaking coalesced); may be a coroutine function."""
        self._conference_listeners.append(listener)

    def _conference(self, room: str) -> ConferenceMedia:
        conference = self._conferences.get(room)
        if conference is None:
            conference = self._conferences[room] = ConferenceMedia(
                room,
                self.conference_limits,
                new_pc=self._new_bundled_pc,
                negotiate=self._negotiate,
                on_speakers=lambda speakers: self._notify_conference(room, speakers),
            )
        return conference

    def _new_bundled_pc(self) -> RTCPeerConnection:
        # A seat has several tracks of one kind; with aiortc's default (balanced) policy the second
        # and later of a kind keep a transport of their own that BUNDLE never replaces (no media).
        return RTCPeerConnection(
            RTCConfiguration(iceServers=list(self.ice_servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )

    async def _leave_conference_seat(self, room: str, member: str) -> None:
        conference = self._conferences.get(room)
        if conference is None:
            return
        await conference.leave(member)
        if conference.empty and self._conferences.get(room) is conference:
            del self._conferences[room]
            await conference.close()

    def _notify_conference(self, room: str, speakers: dict) -> None:
        for listener in list(self._conference_listeners):
            try:
                result = listener(room, speakers)
                if inspect.isawaitable(result):
                    self._in_background(result)
            except Exception:
                logger.exception("conference listener failed")

    # --- looking ------------------------------------------------------------------------------

    def room_state(self, room: str) -> dict:
        the_room = self._rooms.get(room)
        tiers = dict.fromkeys(TIERS, 0)
        if the_room is None:
            return {"room": room, "kind": None, "publishers": [], "viewers": 0, "tiers": tiers}
        for viewer in the_room.viewers.values():
            tiers[viewer.tier] += 1
        state = {
            "room": room,
            "kind": the_room.kind,
            "publishers": [p.describe() for p in the_room.publishers.values() if p.ready],
            "viewers": len(the_room.viewer_members()),
            "tiers": tiers,
        }
        conference = self._conferences.get(room)
        if conference is not None:  # who is seen, heard and muted now: a page opened late starts right
            state["speakers"] = conference.describe()
        return state

    def published_sources(self, room: str) -> dict[str, dict[str, EncodedSource]]:
        """Each ready publisher's encoded sources in `room` ({"audio": ..., "video": ...} by
        publisher id, only the kinds it sends): a recorder subscribes to them like a viewer
        (media_rtc/recording.py), so it gets the same encoded frames and decodes nothing."""
        the_room = self._rooms.get(room)
        if the_room is None:
            return {}
        return {
            publisher.id: {
                kind: source
                for kind, source, sent in (
                    ("audio", publisher.audio, publisher.has_audio),
                    ("video", publisher.video, publisher.has_video),
                )
                if sent
            }
            for publisher in the_room.publishers.values()
            if publisher.ready
        }

    def on_change(self, listener: RoomListener) -> None:
        """`listener(room, state)` after publishers or viewers change; may be a coroutine function."""
        self._listeners.append(listener)

    def stats(self) -> dict:
        rooms = list(self._rooms.values())
        tiers = dict.fromkeys(TIERS, 0)
        pcs = publishers = transcoders = patterns = native_tracks = 0
        viewers: set[tuple[str, str]] = set()
        for room in rooms:
            for publisher in room.publishers.values():
                publishers += 1
                pcs += publisher.pc is not None
                transcoders += bool(publisher.low and publisher.low.running)
                patterns += publisher.pattern is not None
            for viewer in room.viewers.values():
                pcs += 1
                tiers[viewer.tier] += 1
                viewers.add((room.name, viewer.member))
                native_tracks += sum(track.outlet is not None for track in viewer.tracks.values())
        return {
            "rooms": len(rooms),
            "peer_connections": pcs,
            "publishers": publishers,
            "viewers": len(viewers),
            "tiers": tiers,
            "transcoders": transcoders,
            "test_patterns": patterns,
            "native_tracks": native_tracks,
        }

    # --- inside -------------------------------------------------------------------------------

    def _new_pc(self) -> RTCPeerConnection:
        # iceServers=[] (not None): aiortc would otherwise add Google's public STUN server.
        return RTCPeerConnection(RTCConfiguration(iceServers=list(self.ice_servers)))

    async def _negotiate(self, pc: RTCPeerConnection, offer_sdp: str) -> str:
        """Non-trickle: the answer is returned once aiortc has gathered all its candidates."""
        try:
            async with asyncio.timeout(NEGOTIATION_TIMEOUT):
                await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
                await pc.setLocalDescription(await pc.createAnswer())
        except (asyncio.CancelledError, RtcError):
            raise
        except Exception:
            logger.info("offer refused", exc_info=True)
            raise BadOffer() from None
        return pc.localDescription.sdp

    def _room_for(self, room: str, kind: str) -> _Room:
        if kind == CONFERENCE:
            the_room = self._rooms.setdefault(room, _Room(room, kind))
            if the_room.kind != kind:
                raise ValueError(f"room {room!r} is a {the_room.kind} room, not a {kind} room")
            return the_room
        if kind not in (BOOTH, MEETING, STAGE):
            raise ValueError(f"room kind must be {BOOTH!r}, {MEETING!r} or {STAGE!r}, not {kind!r}")
        the_room = self._rooms.get(room)
        if the_room is None:
            the_room = self._rooms[room] = _Room(room, kind)
        elif the_room.kind != kind:
            raise ValueError(f"room {room!r} is a {the_room.kind} room, not a {kind} room")
        return the_room

    def _check_meeting_size(self, room: _Room, member: str) -> None:
        members = room.members()
        if room.kind == MEETING and member not in members and len(members) >= self.max_meeting_members:
            raise RoomFull()

    def _reserve_publisher(self, room: _Room, member: str, label: str) -> _Publisher:
        """Take a publisher slot now (before awaiting), so concurrent offers cannot exceed the cap."""
        pid = publisher_id(member, label)
        existing = room.publishers.get(pid)
        if existing is not None:
            return existing
        if room.kind == BOOTH and len(room.publishers) >= self.max_booth_publishers:
            self._forget_if_empty(room)
            raise TooManyPublishers()
        speakers = {p.member for p in room.publishers.values()}
        if room.kind == STAGE and member not in speakers and len(speakers) >= self.max_stage_speakers:
            self._forget_if_empty(room)
            raise StageFull()
        if room.kind == MEETING:
            try:
                self._check_meeting_size(room, member)
            except RoomFull:
                self._forget_if_empty(room)
                raise
        publisher = _Publisher(
            id=pid,
            member=member,
            label=label,
            audio=EncodedSource("audio", name=f"{room.name}/{pid}/audio"),
            video=EncodedSource("video", name=f"{room.name}/{pid}/video"),
        )
        room.publishers[pid] = publisher
        return publisher

    def _forget_unready_publisher(self, room: _Room, publisher: _Publisher) -> None:
        if not publisher.ready and room.publishers.get(publisher.id) is publisher:
            del room.publishers[publisher.id]
        self._forget_if_empty(room)

    def _forget_if_empty(self, room: _Room) -> None:
        if room.empty and self._rooms.get(room.name) is room:
            del self._rooms[room.name]

    def _ready_publisher(self, room: _Room, pid: str) -> _Publisher | None:
        publisher = room.publishers.get(pid)
        return publisher if publisher is not None and publisher.ready else None

    def _deliverer(self, publisher: _Publisher, pc: RTCPeerConnection, source: EncodedSource):
        def deliver(codec: Any, frame: Any) -> None:
            if publisher.pc is pc:  # frames of a replaced connection are late: drop them
                source.push(frame.data, frame.timestamp)

        return deliver

    def _pli_sender(self, publisher: _Publisher, pc: RTCPeerConnection, receiver: Any) -> Callable[[], None]:
        def send_pli() -> None:
            if publisher.pc is pc:
                internals.request_keyframe(receiver)

        return send_pli

    def _apply_tier(self, room: _Room, viewer: _Viewer) -> None:
        publisher = room.publishers.get(viewer.publisher)
        if publisher is None:
            return
        audio, video = viewer.tracks.get("audio"), viewer.tracks.get("video")
        if audio is not None:
            audio.attach(publisher.audio)
        if video is not None:
            if viewer.tier == STANDARD:
                video.attach(publisher.video)
            elif viewer.tier == LOW:
                video.attach(publisher.low_source())
            else:  # audio-only: the track waits forever, so the video sender sends no RTP at all
                assert viewer.tier == AUDIO_ONLY
                video.attach(None)

    def _publisher_watchdog(self, room: _Room, publisher: _Publisher, pc: RTCPeerConnection):
        async def on_state() -> None:
            current = publisher.pc is pc and room.publishers.get(publisher.id) is publisher
            if pc.connectionState in ("failed", "closed") and current:
                logger.info("publisher %s in %s: connection %s", publisher.id, room.name, pc.connectionState)
                await self._drop_publisher(room, publisher)
                self._forget_if_empty(room)
                self._notify(room.name)

        return on_state

    def _viewer_watchdog(self, room: _Room, viewer: _Viewer, pc: RTCPeerConnection):
        async def on_state() -> None:
            current = room.viewers.get((viewer.member, viewer.publisher)) is viewer
            if pc.connectionState == "connected" and not viewer.connected:
                viewer.connected = True
                if current and self._fanout is not None:
                    await self._send_natively(viewer)
                    current = room.viewers.get((viewer.member, viewer.publisher)) is viewer
                if current and viewer.pc is pc and pc.connectionState == "connected":
                    self._apply_tier(room, viewer)
            elif pc.connectionState in ("failed", "closed") and current:
                await self._drop_viewer(room, viewer)
                self._forget_if_empty(room)
                self._notify(room.name)

        return on_state

    async def _send_natively(self, viewer: _Viewer) -> None:
        """Give each of the viewer's tracks a native outlet (before it is first attached). A track
        whose connection the native path cannot serve stays on aiortc's sender."""
        for kind, track in viewer.tracks.items():
            sender, started = viewer.senders[kind]
            try:
                async with asyncio.timeout(SENDER_START_TIMEOUT):
                    await started.ready.wait()
                route = internals.native_route(sender, started.parameters, self._fanout.Guard)
                outlet = self._fanout.Outlet(
                    fd=route.fd,
                    host=route.host,
                    port=route.port,
                    srtp=route.srtp,
                    session=route.session,
                    ssrc=route.ssrc,
                    payload_type=route.payload_type,
                    video=kind == "video",
                    clock_rate=track.clock_rate,
                    frame_step=FRAME_STEP[kind],
                    extensions=route.extensions,
                    abs_send_time_at=route.abs_send_time_at,
                    sequence_number=internals.first_sequence_number(),
                    timestamp_origin=secrets.randbits(32),
                    picture_id=secrets.randbelow(1 << 15),
                    guard=route.guard,
                )
            except (internals.NativeUnavailable, TimeoutError, ValueError, OSError) as error:
                logger.info("a viewer's %s stays on aiortc's sender: %s", kind, error)
                continue
            track.use_outlet(outlet)
            internals.answer_nacks_from(sender, self._resender(track, route))
            internals.report_counters_from(sender, outlet.counters)

    @staticmethod
    def _resender(track: ForwardedTrack, route: internals.NativeRoute) -> Callable[[int], Any]:
        def packet_for(sequence_number: int) -> Any:
            sent = track.sent_packet(sequence_number)
            if sent is None:
                return None
            timestamp, marker, payload = sent
            return internals.rtp_packet(
                payload_type=route.payload_type,
                sequence_number=sequence_number,
                timestamp=timestamp,
                ssrc=route.ssrc,
                marker=marker,
                payload=payload,
                mid=route.mid,
            )

        return packet_for

    async def _drop_publisher(self, room: _Room, publisher: _Publisher) -> None:
        """Stop a publisher and close its viewers' connections (they re-watch when it returns)."""
        if room.publishers.get(publisher.id) is publisher:
            del room.publishers[publisher.id]
            conference = self._conferences.get(room.name)
            if conference is not None:
                conference.remove_site(publisher.id)
        publisher.ready = False
        viewers = [v for v in list(room.viewers.values()) if v.publisher == publisher.id]
        publisher.audio.close()
        publisher.video.close()
        if publisher.low is not None:
            publisher.low.close()
        closing = [self._drop_viewer(room, viewer) for viewer in viewers]
        if publisher.pattern is not None:
            closing.append(publisher.pattern.stop())
        if publisher.pc is not None:
            closing.append(self._discard_pc(publisher.pc))
        await asyncio.gather(*closing)

    async def _drop_viewer(self, room: _Room, viewer: _Viewer, *, forget: bool = True) -> None:
        key = (viewer.member, viewer.publisher)
        if forget and room.viewers.get(key) is viewer:
            del room.viewers[key]
        for track in viewer.tracks.values():
            track.stop()
        if viewer.pc is not None:
            await self._discard_pc(viewer.pc)

    async def _discard_pc(self, pc: RTCPeerConnection) -> None:
        try:
            await pc.close()
        except Exception:
            logger.warning("closing a peer connection failed", exc_info=True)

    def _in_background(self, awaitable: Any) -> None:
        future = asyncio.ensure_future(awaitable)
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    def _notify(self, room: str) -> None:
        if not self._listeners:
            return
        state = self.room_state(room)
        for listener in list(self._listeners):
            try:
                result = listener(room, state)
                if inspect.isawaitable(result):
                    self._in_background(result)
            except Exception:
                logger.exception("room listener failed")

"""SDP in and out of the engine: which offers it accepts (one audio and/or one video section, with
the codecs it forwards) and the limits it writes into a publisher's answer."""

from __future__ import annotations

import re
from typing import Any

from aiortc import RTCRtpSender
from aiortc import sdp as aiortc_sdp

from .errors import BadOffer
from .tiers import AUDIO_KBPS, AUDIO_PTIME_MS, STANDARD_VIDEO_KBPS

#: Larger offers are not SDP a browser would send for one audio and one video track.
MAX_OFFER_BYTES = 64 * 1024
#: What the engine forwards: the first codec of each kind is the one an offer must carry.
CODECS = {"audio": ("audio/opus",), "video": ("video/VP8", "video/rtx")}


def parse_offer(offer_sdp: str) -> list[Any]:
    """The offer's audio/video sections, checked: at most one of each, with the codec we forward."""
    if not isinstance(offer_sdp, str) or not offer_sdp.strip() or len(offer_sdp) > MAX_OFFER_BYTES:
        raise BadOffer()
    try:
        description = aiortc_sdp.SessionDescription.parse(offer_sdp)
    except Exception:
        raise BadOffer() from None
    media = [m for m in description.media if m.kind in ("audio", "video")]
    kinds = [m.kind for m in media]
    if not media or kinds.count("audio") > 1 or kinds.count("video") > 1:
        raise BadOffer()
    for section in media:
        wanted = CODECS[section.kind][0].lower()
        if not any(codec.mimeType.lower() == wanted for codec in section.rtp.codecs):
            raise BadOffer()
    return media


def limit_publisher_bitrate(answer_sdp: str) -> str:
    """Tell the publisher's browser the standard tier's ceiling: b=AS on video, Opus average rate,
    and 40 ms Opus packets (a=ptime: half the packets for every viewer's sender to handle)."""
    lines = answer_sdp.split("\r\n")
    out: list[str] = []
    kind = None
    opus_payload = None
    has_opus_fmtp = False
    for line in lines:
        if line.startswith("m="):
            kind = line[2:].split(" ", 1)[0]
        out.append(line)
        if kind == "video" and line.startswith("c="):
            out.append(f"b=AS:{STANDARD_VIDEO_KBPS}")
        if kind == "audio" and line.startswith("c="):
            out.append(f"a=ptime:{AUDIO_PTIME_MS}")
        match = re.match(r"a=rtpmap:(\d+) opus/", line, re.IGNORECASE)
        if match:
            opus_payload = match.group(1)
    if opus_payload is not None:
        prefix = f"a=fmtp:{opus_payload} "
        for index, line in enumerate(out):
            if line.startswith(prefix):
                out[index] = f"{line};maxaveragebitrate={AUDIO_KBPS * 1000}"
                has_opus_fmtp = True
        if not has_opus_fmtp:
            position = next(i for i, line in enumerate(out) if line.startswith(f"a=rtpmap:{opus_payload} "))
            out.insert(position + 1, f"{prefix}maxaveragebitrate={AUDIO_KBPS * 1000}")
    return "\r\n".join(out)


def codec_preferences(kind: str) -> list:
    wanted = [mime.lower() for mime in CODECS[kind]]
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType.lower() in wanted]

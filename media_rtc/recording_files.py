"""The two containers a recording's tracks are written in as frames pass (media_rtc/recording.py
says why these): IVF for VP8 frames, Ogg (RFC 7845) for Opus packets. FFmpeg reads both."""

from __future__ import annotations

import struct
from typing import BinaryIO

from .forwarding import AUDIO_CLOCK_RATE, VIDEO_CLOCK_RATE


def vp8_size(keyframe: bytes) -> tuple[int, int]:
    """Width and height from a VP8 key frame's header (RFC 6386 9.1); (0, 0) if it is not one."""
    if len(keyframe) < 10 or keyframe[0] & 1 or keyframe[3:6] != b"\x9d\x01\x2a":
        return 0, 0
    width, height = struct.unpack_from("<HH", keyframe, 6)
    return width & 0x3FFF, height & 0x3FFF


class IvfWriter:
    """VP8 frames in IVF: timestamps in the 90 kHz clock the frames arrive in."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.frames = 0

    def write(self, data: bytes, timestamp: int) -> int:
        written = 0
        if self.frames == 0:
            width, height = vp8_size(data)
            header = struct.pack(
                "<4sHH4sHHIIII", b"DKIF", 0, 32, b"VP80", width, height, VIDEO_CLOCK_RATE, 1, 0, 0
            )
            written += self.handle.write(header)
        written += self.handle.write(struct.pack("<IQ", len(data), timestamp) + data)
        self.frames += 1
        return written


def _ogg_crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return table


_OGG_CRC = _ogg_crc_table()


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, no final XOR): not zlib's."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[(crc >> 24) ^ byte]
    return crc


def opus_samples(packet: bytes) -> int:
    """Samples (48 kHz) an Opus packet holds, from its TOC byte (RFC 6716 3.1)."""
    if not packet:
        return 0
    toc = packet[0]
    config = toc >> 3
    if config < 12:
        frame = (480, 960, 1920, 2880)[config % 4]
    elif config < 16:
        frame = (480, 960)[config % 2]
    else:
        frame = (120, 240, 480, 960)[config % 4]
    code = toc & 3
    frames = 1 if code == 0 else 2 if code < 3 else (packet[1] & 0x3F if len(packet) > 1 else 0)
    return frame * frames


class OggOpusWriter:
    """Opus packets in Ogg (RFC 7845): the two header pages, then one page per packet whose
    granule position is where its last sample ends on the recording's 48 kHz timeline."""

    def __init__(self, handle: BinaryIO, serial: int = 1) -> None:
        self.handle = handle
        self.serial = serial
        self.sequence = 0
        self.granule = 0
        self.started = False

    def _page(self, packet: bytes, granule: int, flags: int = 0) -> bytes:
        lacing = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
        header = struct.pack(
            "<4sBBqIIIB", b"OggS", 0, flags, granule, self.serial, self.sequence, 0, len(lacing)
        )
        page = bytearray(header + lacing + packet)
        struct.pack_into("<I", page, 22, ogg_crc(bytes(page)))
        self.sequence += 1
        return bytes(page)

    def write(self, data: bytes, timestamp: int) -> int:
        written = 0
        if not self.started:
            self.started = True
            head = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 0, AUDIO_CLOCK_RATE, 0, 0)
            tags = b"OpusTags" + struct.pack("<I", 6) + b"rakwon" + struct.pack("<I", 0)
            written += self.handle.write(self._page(head, 0, flags=0x02) + self._page(tags, 0))
        self.granule = max(self.granule, timestamp + opus_samples(data))
        written += self.handle.write(self._page(data, self.granule))
        return written

"""The live socket's frame format: parsing inbound frames and building replies.

Requests:  {"id": 7, "type": "ping", "data": {...}}
Replies:   {"id": 7, "type": "ok", "data": {...}}
       or  {"id": 7, "type": "error", "code": "ns.what", "message": "..."}
Pushes:    {"type": "booth.joined", "data": {...}}   (no id)

Parsing never raises anything but FrameError, whatever the client sends; what we send back is
always strict JSON in valid UTF-8 (no NaN, no lone surrogates), so a browser can read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from events.errors import RakwonError

from .pushes import ErrorFrame, OkFrame, PushFrame


class FrameError(RakwonError):
    code = "frame.malformed"


# Larger whole numbers lose precision in the browser, so the client could not match the reply.
MAX_SAFE_ID = 2**53 - 1
# A JSON escape of a UTF-16 surrogate: only then can json.loads produce a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON; a browser could not read them back


def _has_lone_surrogate(payload: Any) -> bool:
    pending = [payload]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


@dataclass(frozen=True)
class Request:
    id: int | str | None
    type: str
    data: dict[str, Any]


def parse_frame(text: str | None, *, max_bytes: int) -> Request:
    if text is None:
        raise FrameError(_("Binary frames are not accepted; send JSON text."), code="frame.binary")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise FrameError(
            _("Frames are limited to %(bytes)s bytes.") % {"bytes": max_bytes}, code="frame.too_large"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FrameError(_("The frame holds text that is not valid Unicode.")) from None
    try:
        payload = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise FrameError(_("The frame is not valid JSON.")) from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(payload):
        raise FrameError(_("The frame holds text that is not valid Unicode."))
    if not isinstance(payload, dict):
        raise FrameError(_("A frame must be a JSON object."))
    frame_id = payload.get("id")
    if frame_id is not None and (isinstance(frame_id, bool) or not isinstance(frame_id, int | str)):
        raise FrameError(_("“id” must be a number or a string."))
    if isinstance(frame_id, str) and len(frame_id) > 64:
        raise FrameError(_("“id” is too long."))
    if isinstance(frame_id, int) and abs(frame_id) > MAX_SAFE_ID:
        raise FrameError(_("“id” is too large."))
    frame_type = payload.get("type")
    if not isinstance(frame_type, str) or not frame_type or len(frame_type) > 64:
        raise FrameError(_("A frame needs a “type”."), code="frame.no_type")
    data = payload.get("data", {})
    if not isinstance(data, dict):
        raise FrameError(_("“data” must be a JSON object."))
    return Request(id=frame_id, type=frame_type, data=data)


def request_id(text: str | None, *, max_bytes: int) -> int | str | None:
    """The id of a frame we will not handle (e.g. rate-limited), so the client can match the reply."""
    try:
        return parse_frame(text, max_bytes=max_bytes).id
    except FrameError:
        return None


def _dumps(frame: OkFrame | ErrorFrame | PushFrame) -> str:
    text = json.dumps(frame, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate came from somewhere (stored before we refused them): escape it.
        text = json.dumps(frame, ensure_ascii=True)
    return text


def ok(request_id, data: dict | None = None) -> str:
    return _dumps(OkFrame(id=request_id, type="ok", data=data or {}))


def error(request_id, code: str, message: str, data: dict | None = None) -> str:
    """An error reply; `data` carries hints a client can act on (``{"retry_after": 0.5}``)."""
    frame = ErrorFrame(id=request_id, type="error", code=code, message=message)
    if data is not None:
        frame["data"] = data
    return _dumps(frame)


def push(frame_type: str, data: Mapping[str, Any]) -> str:
    """A push frame; events' shapes of `data` are in events.live.pushes."""
    return _dumps(PushFrame(type=frame_type, data=data))

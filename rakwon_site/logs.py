"""Logs an operator can follow: a request or socket id on every line, and JSON lines on request.

LOG_FORMAT=plain (the default, for the demo) writes readable lines; LOG_FORMAT=json writes one JSON
object per line (time, level, logger, message, request_id / connection_id, path, status,
duration_ms) for a log collector. The ids live in context variables, so every line logged while a
request or a live socket is being handled carries them without being passed around: Django runs
sync code in threads that copy the context, and a socket's consumer runs inside the task that
``SocketLogContext`` wraps.

The id of a request comes from the proxy's ``X-Request-ID`` header when it looks like one (nginx:
``proxy_set_header X-Request-ID $request_id``), so the proxy's log and ours can be joined; otherwise
one is made. Either way it is sent back in the response's ``X-Request-ID``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
connection_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("connection_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us as an id: short, and nothing that could forge a log line or a header.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Paths the proxy and the process manager poll every few seconds: logged at DEBUG only.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

request_log = logging.getLogger("rakwon.requests")
socket_log = logging.getLogger("rakwon.sockets")

# Attributes every LogRecord has; anything else on a record was passed in `extra=` and is data.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Ours, written separately; "request" is Django's request object, summed up by request_id.
_OUR_FIELDS = frozenset({"request_id", "connection_id", "log_context", "request"})


# URL arguments that are secrets (invitation, sign-in and calendar links): never written to a log.
SECRET_URL_ARGUMENTS = frozenset({"token", "uidb64"})


def logged_path(request) -> str:
    """The request's path with the secrets its URL carries (a link's token) replaced by "…"."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match is not None else ():
        if name in SECRET_URL_ARGUMENTS and isinstance(value, str) and value:
            path = path.replace(value, "…")
    return path


def new_id() -> str:
    return uuid.uuid4().hex


def accepted_id(offered: str | None) -> str:
    """The proxy's id when it is a plausible one, else a new one."""
    if offered and _ACCEPTABLE_ID.match(offered):
        return offered
    return new_id()


class LogContextFilter(logging.Filter):
    """Puts the current request and connection ids on every record (and a short plain-text tag)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer after the middleware is done; the request still has its id.
        request = getattr(record, "request", None)
        if request is not None and getattr(request, "path", None) in QUIET_PATHS:
            return False  # a probe's 503 is the answer it is there to give, not an error to log
        request_id = (
            getattr(record, "request_id", None)
            or getattr(request, "request_id", None)
            or request_id_var.get()
        )
        connection_id = getattr(record, "connection_id", None) or connection_id_var.get()
        record.request_id = request_id
        record.connection_id = connection_id
        tags = []
        if connection_id:
            tags.append(f"conn={connection_id}")
        if request_id:
            tags.append(f"req={request_id}")
        record.log_context = f"[{' '.join(tags)}] " if tags else ""
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line; fields given with ``extra=`` become keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which of the several daphne / worker processes
        }
        for key in ("request_id", "connection_id"):
            value = getattr(record, key, None)
            if value:
                line[key] = value
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in _OUR_FIELDS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Gives each HTTP request its id, returns it, and logs one line per request when it is done."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._call_async(request)
        started, token = self._begin(request)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        return self._finish(request, response, started)

    async def _call_async(self, request):
        started, token = self._begin(request)
        try:
            response = await self.get_response(request)
        finally:
            request_id_var.reset(token)
        return self._finish(request, response, started)

    def _begin(self, request) -> tuple[float, contextvars.Token]:
        request.request_id = accepted_id(request.headers.get(REQUEST_ID_HEADER))
        return time.perf_counter(), request_id_var.set(request.request_id)

    def _finish(self, request, response, started: float):
        response[REQUEST_ID_HEADER] = request.request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        path = logged_path(request)
        request_log.log(
            level,
            "%s %s %s %.1f ms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


class SocketLogContext:
    """ASGI middleware for the live socket: a connection id on every line logged while it is open.

    The id is the proxy's X-Request-ID of the handshake when there is one. It is also put in the
    scope (``scope["connection_id"]``) for code that wants to show it.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        offered = headers.get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        connection_id = accepted_id(offered)
        token = connection_id_var.set(connection_id)
        path = scope.get("path", "")
        opened = time.perf_counter()
        outcome: dict[str, Any] = {"accepted": False, "code": None}

        async def send_and_note(message):
            if message["type"] == "websocket.accept":
                outcome["accepted"] = True
                socket_log.info("socket opened %s", path, extra={"path": path})
            elif message["type"] == "websocket.close":
                outcome["code"] = message.get("code", 1000)
            await send(message)

        async def receive_and_note():
            message = await receive()
            if message["type"] == "websocket.disconnect" and outcome["code"] is None:
                outcome["code"] = message.get("code", 1005)
            return message

        try:
            await self.app({**scope, "connection_id": connection_id}, receive_and_note, send_and_note)
        finally:
            duration_ms = round((time.perf_counter() - opened) * 1000, 1)
            socket_log.info(
                "socket closed %s (code %s, %s)",
                path,
                outcome["code"],
                "was open" if outcome["accepted"] else "refused",
                extra={"path": path, "close_code": outcome["code"], "duration_ms": duration_ms},
            )
            connection_id_var.reset(token)

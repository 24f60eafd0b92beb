"""Structured logs: a request id on each request, a connection id on each socket, JSON lines."""

from __future__ import annotations

import json
import logging
import os
import re
import sys

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from events.enums import EventStatus
from events.registry import SocketHandler, socket_handlers
from rakwon_site.logs import (
    JsonLinesFormatter,
    LogContextFilter,
    accepted_id,
    connection_id_var,
    request_id_var,
)
from tests.factories import EventFactory
from tests.registration_factories import AttendeeFactory

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def _record(message: str = "hello", **extra) -> logging.LogRecord:
    record = logging.LogRecord("rakwon.test", logging.WARNING, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_proxy_request_id_is_kept_and_returned(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a.17")
    assert response["X-Request-ID"] == "nginx-4f2a.17"


@pytest.mark.parametrize("offered", ["", "has space", "line\nbreak", "x" * 129, 'quote"d', "ünïcode"])
def test_implausible_request_id_is_replaced_by_a_new_one(offered):
    assert HEX_ID.match(accepted_id(offered))


def test_missing_request_id_is_made_and_returned(client, db):
    response = client.get("/healthz")
    assert HEX_ID.match(response["X-Request-ID"])


def test_each_request_logs_one_line_with_path_status_and_duration(client, db, caplog):
    caplog.set_level(logging.INFO, logger="rakwon.requests")
    response = client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="req-1")
    lines = [record for record in caplog.records if record.name == "rakwon.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.request_id, line.method, line.path, line.status) == (
        "req-1",
        "GET",
        "/no-such-page-here/",
        response.status_code,
    )
    assert response.status_code == 404
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0


def test_probe_requests_are_logged_at_debug_only(client, db, caplog):
    caplog.set_level(logging.INFO, logger="rakwon.requests")
    client.get("/healthz")
    assert [record for record in caplog.records if record.name == "rakwon.requests"] == []


def test_context_filter_puts_current_ids_on_a_record():
    request_token = request_id_var.set("req-9")
    connection_token = connection_id_var.set("conn-3")
    try:
        record = _record()
        assert LogContextFilter().filter(record) is True
    finally:
        request_id_var.reset(request_token)
        connection_id_var.reset(connection_token)
    assert (record.request_id, record.connection_id, record.log_context) == (
        "req-9",
        "conn-3",
        "[conn=conn-3 req=req-9] ",
    )


def test_context_filter_outside_any_request_adds_no_tag():
    record = _record()
    LogContextFilter().filter(record)
    assert (record.request_id, record.connection_id, record.log_context) == (None, None, "")


def test_json_line_has_the_fields_a_collector_expects():
    record = _record("GET %s", request_id="r-1", path="/expo/", status=200, duration_ms=3.5)
    record.args = ("/expo/",)
    LogContextFilter().filter(record)
    text = JsonLinesFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "pid",
        "request_id",
        "path",
        "status",
        "duration_ms",
    }
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == (
        "WARNING",
        "rakwon.test",
        "GET /expo/",
        "r-1",
    )
    assert (line["path"], line["status"], line["duration_ms"]) == ("/expo/", 200, 3.5)
    assert line["pid"] == os.getpid()
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", line["time"])


def test_json_line_keeps_a_traceback_on_one_line():
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        record = _record("it failed")
        record.exc_info = sys.exc_info()
    text = JsonLinesFormatter().format(record)
    assert len(text.splitlines()) == 1
    assert json.loads(text)["exception"].endswith("ValueError: broken\nacross lines")


def test_json_line_turns_odd_values_into_text():
    line = json.loads(JsonLinesFormatter().format(_record(payload=object(), korean="한국어")))
    assert line["payload"].startswith("<object object at")
    assert line["korean"] == "한국어"


@pytest.mark.django_db(transaction=True)
async def test_socket_handler_runs_with_the_connection_id_of_its_socket(monkeypatch):
    from django.test import Client

    from rakwon_site.asgi import application

    async def tell_connection_id(connection, data):
        logging.getLogger("tests.ops").warning("inside a handler")
        return {"connection_id": connection_id_var.get(), "request_id": request_id_var.get()}

    monkeypatch.setitem(
        socket_handlers._items, "ops.whoami", SocketHandler("ops.whoami", tell_connection_id, "")
    )
    event = await database_sync_to_async(EventFactory)(slug="logged", status=EventStatus.PUBLISHED)
    user = (await database_sync_to_async(AttendeeFactory)(event=event)).user
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        (b"x-request-id", b"nginx-conn-7"),
    ]
    communicator = WebsocketCommunicator(application, "/ws/events/logged/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected is True
    await communicator.send_to(text_data=json.dumps({"id": 1, "type": "ops.whoami"}))
    reply = json.loads(await communicator.receive_from())
    await communicator.disconnect()
    assert reply == {"id": 1, "type": "ok", "data": {"connection_id": "nginx-conn-7", "request_id": None}}


@pytest.mark.django_db(transaction=True)
async def test_refused_socket_is_logged_with_its_connection_id_and_close_code(caplog):
    from rakwon_site.asgi import application

    caplog.set_level(logging.INFO, logger="rakwon.sockets")
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    communicator = WebsocketCommunicator(application, "/ws/events/nobody/", headers=headers)
    connected, code = await communicator.connect()
    assert (connected, code) == (False, 4401)
    await communicator.wait()
    closed = [record for record in caplog.records if record.name == "rakwon.sockets"]
    assert [record.getMessage() for record in closed] == [
        "socket closed /ws/events/nobody/ (code 4401, refused)"
    ]
    record = closed[0]
    LogContextFilter().filter(record)
    assert HEX_ID.match(record.connection_id)
    assert record.close_code == 4401

"""The project's daphne launcher (rakwon_site.serve): daphne's server with a lighter input queue per
connection, and the optional jemalloc that falls back to glibc when the library is absent."""

from __future__ import annotations

import asyncio
import sys

from daphne.server import Server

from events.live.inbox import Inbox
from rakwon_site import serve


class _Protocol:  # stands in for daphne's WebSocketProtocol: only a key in server.connections
    pass


async def _application(scope, receive, send):
    scope["seen"] = [await receive() for _ in range(3)]


def _server() -> serve.LeanServer:
    return serve.LeanServer(application=_application, endpoints=["tcp:port=0:interface=127.0.0.1"])


async def test_a_connection_gets_an_inbox_that_delivers_every_message_in_order():
    server, protocol, scope = _server(), _Protocol(), {"type": "websocket"}
    server.connections = {protocol: {}}
    inbox = server.create_application(protocol, scope)
    assert isinstance(inbox, Inbox)
    assert inbox.capacity is None  # daphne's queue never drops what the browser sent
    for n in range(3):
        inbox.put_nowait({"type": "websocket.receive", "text": str(n)})
    await asyncio.wait_for(server.connections[protocol]["application_instance"], 5)
    assert [message["text"] for message in scope["seen"]] == ["0", "1", "2"]
    assert scope["asgi"] == {"version": "3.0"}


async def test_a_connection_closed_while_its_application_was_made_gets_none():
    server, protocol = _server(), _Protocol()

    class Closing(dict):  # the protocol is gone from connections once the application exists
        def __contains__(self, key):
            return False

        def __getitem__(self, key):
            return {}

    server.connections = Closing()
    assert server.create_application(protocol, {"type": "websocket"}) is None


def test_the_lean_server_overrides_daphnes_create_application_with_its_signature():
    import inspect

    assert inspect.signature(serve.LeanServer.create_application) == inspect.signature(
        Server.create_application
    )
    assert serve.LeanCommandLineInterface.server_class is serve.LeanServer


def test_jemalloc_is_preloaded_only_when_asked_and_present(monkeypatch):
    monkeypatch.setattr(serve.os.path, "exists", lambda path: path == serve.JEMALLOC)
    again = serve.preload_allocator({"RAKWON_MALLOC": "jemalloc"}, ["-p", "5000", "app"])
    assert again == [sys.executable, "-m", "rakwon_site.serve", "-p", "5000", "app"]
    assert serve.preload_allocator({}, ["app"]) is None
    assert (
        serve.preload_allocator({"RAKWON_MALLOC": "jemalloc", "LD_PRELOAD": serve.JEMALLOC}, ["app"]) is None
    )


def test_without_the_library_jemalloc_falls_back_to_glibc_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(serve.os.path, "exists", lambda path: False)
    assert serve.preload_allocator({"RAKWON_MALLOC": "jemalloc"}, ["app"]) is None
    assert "not found, running on glibc's malloc" in capsys.readouterr().err

"""daphne as the project runs it: ``python -m rakwon_site.serve <daphne's own arguments>``.

The same command line as ``daphne``, with less memory per open socket: daphne gives each
connection an ``asyncio.Queue`` for what arrives from the browser (about 3.3 KB, even empty);
here it is an ``events.live.inbox.Inbox`` (about 100 bytes). Over daphne 4.2's
``Server.create_application``; tests/rakwon_site/test_serve.py holds it to daphne's behaviour.

``RAKWON_MALLOC=jemalloc`` (scaled set-up, optional) runs the process on Debian's libjemalloc2
(``apt install libjemalloc2``) instead of glibc's allocator; without the library it says so on
stderr and runs on glibc. BENCHMARKS.md, "Live presence", has what each saves per socket.
"""

from __future__ import annotations

import asyncio
import os
import sys
from functools import partial

from daphne.cli import CommandLineInterface
from daphne.server import Server

from events.live.inbox import Inbox

JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"


class LeanServer(Server):
    """daphne's server, with each connection's input queue an Inbox (unbounded, as daphne's is)."""

    def create_application(self, protocol, scope):
        assert "application_instance" not in self.connections[protocol]
        inbox = Inbox(capacity=None)
        scope.setdefault("asgi", {"version": "3.0"})
        application_instance = self.application(
            scope=scope, receive=inbox.get, send=partial(self.handle_reply, protocol)
        )
        if protocol not in self.connections:  # closed while the application was being made
            return None
        self.connections[protocol]["application_instance"] = asyncio.ensure_future(
            application_instance, loop=asyncio.get_event_loop()
        )
        return inbox


class LeanCommandLineInterface(CommandLineInterface):
    server_class = LeanServer


def preload_allocator(environ: dict[str, str], argv: list[str]) -> list[str] | None:
    """The command to run again with jemalloc preloaded, or None to carry on as we are."""
    if environ.get("RAKWON_MALLOC", "").lower() != "jemalloc" or JEMALLOC in environ.get("LD_PRELOAD", ""):
        return None
    if not os.path.exists(JEMALLOC):
        print(f"RAKWON_MALLOC=jemalloc: {JEMALLOC} not found, running on glibc's malloc", file=sys.stderr)
        return None
    return [sys.executable, "-m", "rakwon_site.serve", *argv]


def main() -> None:
    again = preload_allocator(dict(os.environ), sys.argv[1:])
    if again is not None:
        preload = " ".join(filter(None, [JEMALLOC, os.environ.get("LD_PRELOAD", "")]))
        os.execve(sys.executable, again, {**os.environ, "LD_PRELOAD": preload})  # noqa: S606
    LeanCommandLineInterface().run(sys.argv[1:])


if __name__ == "__main__":
    main()

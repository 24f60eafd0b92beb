"""A sticky-free TCP balancer for the scaled browser tests: each new connection (a page load's
HTTP connection, a live socket) goes to the next daphne process in turn, as a reverse proxy
without session affinity would send it.

    python tests/e2e/round_robin.py <listen port> <backend port> [<backend port> ...]
"""

from __future__ import annotations

import asyncio
import itertools
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(listen_port: int, backend_ports: list[int]) -> None:
    turns = itertools.cycle(backend_ports)

    async def forward(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", next(turns))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, backend_writer), _pipe(backend_reader, client_writer))

    server = await asyncio.start_server(forward, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    ports = [int(arg) for arg in sys.argv[1:]]
    asyncio.run(serve(ports[0], ports[1:]))

"""RSS per idle live socket of ONE daphne process: the fast loop for cutting per-socket memory.

Loopback only, bounded (every wait has a timeout; the whole run is capped at 5 minutes). Starts one
daphne process of the project as the Procfile's `web` does (`python -m rakwon_site.serve`;
`--server stock`: plain `python -m daphne`), opens `--sockets` authenticated idle live sockets to
it from this process (the clients of bench/presence_client.py, pinging every 20 s as live.js
does), and prints

    RSS per socket = ((RSS with N open, 3 s after the last) - (RSS with 2 warm sockets)) / N

then closes everything and stops. Modes:

- scaled (default): Redis db 11 on the local Redis (flushed first) and the PostgreSQL database
  `--database` (default rakwon_h4_idle; created, migrated and filled with attendees once, then
  reused while its user list is in /tmp; `--fresh` rebuilds it);
- `--embedded`: no Redis (the in-process channel layer and presence), a SQLite file in /tmp.

`--malloc jemalloc` starts daphne on Debian's libjemalloc2 (RAKWON_MALLOC=jemalloc);
`--malloc arenas2` with MALLOC_ARENA_MAX=2. `--census` prints which types of Python object grew,
per socket (gc-tracked objects, shallow sizes: a dict is counted where it is, not with its owner).
`--tracemalloc 25` runs daphne with tracemalloc on (25 frames) and prints the top 25 tracebacks by
memory grown between the two measurements (the RSS figure is then not comparable).

    .venv/bin/python bench/idle_sockets.py [--sockets 2000] [--embedded] [--malloc jemalloc]

Last line: JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from presence import EVENT_SLUG, LIVE_PATH, SETUP, free_port, fresh_postgres, rss_kb, say, wait_port
from presence_client import Client, open_many

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/11"
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
CAP_SECONDS = 300

# Run inside the daphne process with --tracemalloc or --census: on each SIGUSR1 it writes a
# tracemalloc snapshot (when tracing) and a census of live objects by type (count, shallow bytes).
SERVE = """
import collections, gc, json, signal, sys, tracemalloc
frames, out, taken = int(sys.argv[1]), sys.argv[2], [0]
if frames:
    tracemalloc.start(frames)
def census():
    found = collections.defaultdict(lambda: [0, 0])
    for obj in gc.get_objects():
        kind = type(obj)
        row = found[f"{kind.__module__}.{kind.__qualname__}"]
        row[0] += 1
        row[1] += sys.getsizeof(obj)
    return found
def snapshot(_signum, _frame):
    taken[0] += 1
    if frames:
        tracemalloc.take_snapshot().dump(f"{out}.{taken[0]}")
    with open(f"{out}.census.{taken[0]}", "w") as f:
        json.dump(census(), f)
signal.signal(signal.SIGUSR1, snapshot)
if sys.argv[3] == "lean":
    from rakwon_site.serve import LeanCommandLineInterface as CommandLineInterface
else:
    from daphne.cli import CommandLineInterface
CommandLineInterface().run(sys.argv[4:])
"""


def prepared_users(args: argparse.Namespace, env: dict[str, str], scratch: Path) -> dict:
    """Attendees with signed-in sessions: made once per database, reused while their list lasts."""
    listing = scratch / "users.json"
    if listing.exists() and not args.fresh:
        data = json.loads(listing.read_text())
        if len(data["keys"]) >= args.sockets + 2:
            return data
    if not args.embedded:
        env["DATABASE_URL"] = fresh_postgres(args.database)
    else:
        Path(scratch, "idle.sqlite3").unlink(missing_ok=True)
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "check": True, "timeout": 300}
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], **quiet)
    made = {**env, "BENCH_USERS": str(args.sockets + 2), "BENCH_OUT": str(listing)}
    subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], **{**quiet, "env": made})
    return json.loads(listing.read_text())


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def census_growth(before: str, after: str, sockets: int, limit: int) -> list[str]:
    old, new = json.loads(Path(before).read_text()), json.loads(Path(after).read_text())
    grown = [
        (kind, count - old.get(kind, [0, 0])[0], size - old.get(kind, [0, 0])[1])
        for kind, (count, size) in new.items()
    ]
    grown.sort(key=lambda row: -row[2])
    total = sum(size for _kind, _count, size in grown)
    lines = [
        f"gc-tracked objects grew {total / 1024:.0f} KB: {total / 1024 / max(1, sockets):.2f} KB a socket"
    ]
    for kind, count, size in grown[:limit]:
        lines.append(
            f"{size / max(1, sockets):8.0f} B {count / max(1, sockets):6.2f} objects a socket  {kind}"
        )
    return lines


def top_growth(before: str, after: str, limit: int) -> list[str]:
    import tracemalloc

    old, new = tracemalloc.Snapshot.load(before), tracemalloc.Snapshot.load(after)
    lines = []
    for stat in new.compare_to(old, "traceback")[:limit]:
        frames = [f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback][-6:]
        lines.append(
            f"{stat.size_diff / 1024:9.1f} KB {stat.count_diff:+7d}  " + " < ".join(reversed(frames))
        )
    return lines


async def measure(args: argparse.Namespace, port: int, daphne: subprocess.Popen, keys: list[str], snap: str):
    warm = [Client(port, key, LIVE_PATH) for key in keys[:2]]
    await open_many(warm, deadline=time.monotonic() + 30)
    if len(warm) != 2 or any(c.ws is None for c in warm):
        raise SystemExit("the warm sockets did not open")
    for client in warm:  # the first request also loads the handlers' code: before the baseline
        await client.request("ping")
    await asyncio.sleep(2)
    if args.tracemalloc or args.census:
        daphne.send_signal(signal.SIGUSR1)
        await asyncio.sleep(3)
    before = rss_kb(daphne.pid)
    clients = [Client(port, key, LIVE_PATH) for key in keys[2 : 2 + args.sockets]]
    started = time.monotonic()
    failures: dict[str, int] = {}
    held = await open_many(
        clients,
        deadline=started + args.open_seconds,
        concurrency=args.concurrency,
        keep_alive=True,
        failures=failures,
    )
    took = time.monotonic() - started
    await asyncio.sleep(3)
    held = [client for client in held if client.closed_code is None]
    after = rss_kb(daphne.pid)
    if args.tracemalloc or args.census:
        daphne.send_signal(signal.SIGUSR1)
        await asyncio.sleep(5 + args.sockets / 500)
    result = {
        "sockets": len(held),
        "open_seconds": round(took, 1),
        "rss_before_kb": before,
        "rss_after_kb": after,
        "rss_kb_per_socket": round((after - before) / max(1, len(held)), 2),
        "failures": failures,
    }
    for client in held + warm:
        await client.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--embedded", action="store_true", help="no Redis; SQLite")
    parser.add_argument("--database", default="rakwon_h4_idle", help="PostgreSQL database (scaled mode)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database and its attendees")
    parser.add_argument(
        "--server",
        choices=("lean", "stock"),
        default="lean",
        help="rakwon_site.serve (the project's launcher) or plain `python -m daphne`",
    )
    parser.add_argument("--malloc", choices=("default", "jemalloc", "arenas2"), default="default")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="FRAMES")
    parser.add_argument("--census", action="store_true", help="print what grew, by type of object")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="handshakes at once (daphne's 5 s handshake timeout)"
    )
    parser.add_argument("--open-seconds", type=float, default=120)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    scratch = Path(
        tempfile.gettempdir(), "rakwon-h4-idle-" + ("embedded" if args.embedded else args.database)
    )
    scratch.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "idle-sockets-bench-" + "x" * 40,  # sessions are signed once, reused
        "ALLOWED_HOSTS": "127.0.0.1",
        "RAKWON_VAR_DIR": str(scratch),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if args.embedded:
        env["DATABASE_URL"] = f"sqlite:///{scratch}/idle.sqlite3"
        env.pop("REDIS_URL", None)
    else:
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/" + args.database
        env["REDIS_URL"] = REDIS_URL
    data = prepared_users(args, dict(env), scratch)
    if not args.embedded:
        flush_redis()
    server_env = dict(env)
    if args.malloc == "jemalloc":
        server_env["RAKWON_MALLOC"] = "jemalloc"  # rakwon_site.serve preloads it
        if args.server == "stock" or args.tracemalloc or args.census:
            server_env["LD_PRELOAD"] = JEMALLOC
    elif args.malloc == "arenas2":
        server_env["MALLOC_ARENA_MAX"] = "2"
    port = free_port()
    snap = str(Path(tempfile.gettempdir(), f"rakwon-h4-snap-{secrets.token_hex(4)}"))
    daphne_args = ["-b", "127.0.0.1", "-p", str(port), "-v", "0", "rakwon_site.asgi:application"]
    if args.tracemalloc or args.census:
        command = [sys.executable, "-c", SERVE, str(args.tracemalloc), snap, args.server, *daphne_args]
    elif args.server == "lean":
        command = [sys.executable, "-m", "rakwon_site.serve", *daphne_args]
    else:
        command = [sys.executable, "-m", "daphne", *daphne_args]
    log = Path(scratch, "daphne.log")
    daphne = subprocess.Popen(
        command, cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )
    try:
        wait_port(port, daphne, 180 if args.tracemalloc else 30)
        result = asyncio.run(asyncio.wait_for(measure(args, port, daphne, data["keys"], snap), CAP_SECONDS))
        result["jemalloc_loaded"] = JEMALLOC in Path(f"/proc/{daphne.pid}/maps").read_text()
    finally:
        daphne.terminate()
        try:
            daphne.wait(10)
        except subprocess.TimeoutExpired:
            daphne.kill()
    if args.tracemalloc:
        for line in top_growth(f"{snap}.1", f"{snap}.2", 25):
            print(line)
    if args.census:
        for line in census_growth(f"{snap}.census.1", f"{snap}.census.2", result["sockets"], 30):
            print(line)
    for n in (1, 2):
        Path(f"{snap}.{n}").unlink(missing_ok=True)
        Path(f"{snap}.census.{n}").unlink(missing_ok=True)
    tracebacks = log.read_text().count("Traceback")
    say(
        f"{'embedded' if args.embedded else 'scaled'}, malloc {args.malloc}: {result['sockets']} sockets,"
        f" RSS {result['rss_before_kb']} -> {result['rss_after_kb']} KB,"
        f" {result['rss_kb_per_socket']} KB each; {tracebacks} tracebacks in {log}"
    )
    print(
        json.dumps(
            {
                **result,
                "mode": "embedded" if args.embedded else "scaled",
                "malloc": args.malloc,
                "server": args.server,
                "slug": EVENT_SLUG,
                "server_tracebacks": tracebacks,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

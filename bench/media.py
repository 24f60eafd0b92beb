"""Live video: forwarding encoded frames (media_rtc) against aiortc's stock MediaRelay, same run.

One 640x360 500 kbit/s VP8 publisher (+ 24 kbit/s Opus) and N viewers, each side in its own
process (bench/media_peers.py, at most --per-process viewers each) so only the server's own CPU is
counted (bench/media_server.py). Loopback only; starts and stops what it needs; the whole run is
bounded by --timeout. The last line printed is one JSON object.

    .venv/bin/python bench/media.py [--viewers 10 30] [--baseline-viewers 1 2] [--seconds 12]
                                    [--compare-plain] [--janus] [--crowd 200 10]
                                    [--scale 100 200] [--compare-clients 20] [--full-viewers]

Each server is measured at two viewer counts in the same run, N1 then N2 then N1 again (the
repeat cancels a drift in what the other jobs on the machine take); each step waits --warmup
seconds, then measures --rounds windows; figures are medians over the windows. The machine may be
shared: a step where not every viewer got >= 14 fps (the other jobs starved us) is measured again
(--retries; the count is in steps_measured_again).

- viewers_per_core (MARGINAL): slope = (cpu(N2) - cpu(N1)) / (N2 - N1) server cores per added
  viewer; viewers_per_core = share of the N2 viewers receiving >= 14 fps / slope. It leaves out
  the fixed cost of receiving the publisher, which a server pays once however many watch.
- viewers_per_core_plain: viewers receiving >= 14 fps at N2 / cpu(N2) (fixed cost included).
- ratio_vs_mediarelay: MediaRelay's slope / ours (both measured the same way, same run);
  ratio_vs_mediarelay_plain: cpu per viewer at the larger count of each, divided.
- first_frame_ms_p95: late joiners one after another, from creating their offer to their first
  video frame. fps_delivered_min: the slowest standard viewer at N2. low_tier_kbps /
  audio_only_kbps: what one viewer of that tier receives (encoded payload, audio + video).
- user_/sys_cores_per_viewer_marginal: the slope split into user time (Python, SRTP) and system
  time (sending UDP; on loopback that includes delivering to and waking the viewer's process).
- plain_cores_per_viewer_marginal (--compare-plain): the slope without the sender shortcuts
  (aiortc's own pack() per viewer and datetime NTP clock); the publisher sends 40 ms Opus in both.
- server_lag_ms_max: the worst delay of a 50 ms timer in the server's event loop (aioice drops a
  connection after six 0.5 s consent checks missed in a row).

- janus_viewers_per_core (--janus): the same marginal figure for Janus's VideoRoom (bench/media_janus.py:
  loopback only, no STUN, event_loops = 1), same stream, same viewer counts, same run;
  ratio_vs_janus = viewers_per_core / janus_viewers_per_core (1.0: as cheap per viewer as Janus).
  Without Janus installed, `janus_skipped` says why.
- crowd_first_frame_ms_p95 (--crowd N SECONDS): N viewers all joining within SECONDS (spread
  evenly, concurrently), from creating their offer to their first video frame; split into
  crowd_answer_ms_* (offer sent until the server's answer is back), crowd_connect_ms_* (ICE and
  DTLS after it) and crowd_keyframe_ms_* (connected until the first complete frame), p50 and p95.

- viewers_N_fps_min, viewers_N_server_cores, viewers_N_ok, ... (--scale N1 N2): one publisher,
  N1 viewers, then N2 (a fresh server), measured like the steps above; viewers_N2_all_min_fps says
  whether every one of the N2 viewers kept >= 14 fps.
- client_cores_per_viewer_light / _full (--compare-clients C): the viewer processes' CPU per viewer
  (their fixed cost included), C light viewers then C full ones on the same server in the same run.
- srtp_verified / srtp_failures: SRTP packets the light viewers unprotected as their sample, and
  how many of those failed authentication (anything but 0 means the counts are not to be trusted:
  the run says so on stderr and in srtp_warning). The viewers are light (bench/media_peers.py)
  unless --full-viewers: then every figure is taken with full aiortc receivers, as before.

Viewers are spread over many client processes and join --stagger seconds apart so neither the
server's loop nor a client's is starved (a starved loop misses ICE consent checks). Loopback
sends are costly: the kernel's delivery to the receiving socket is charged to the sender.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import statistics
import sys
import time
from pathlib import Path

import media_janus  # bench/ is this script's folder

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
MIN_FPS = 14


class Process:
    """A child speaking lines on stdin/stdout."""

    def __init__(self, *args: str) -> None:
        self.args = args

    async def start(self) -> str:
        self.proc = await asyncio.create_subprocess_exec(
            PYTHON, *self.args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        return await self.line(timeout=120)

    async def line(self, timeout: float = 60) -> str:
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw:
            raise RuntimeError(f"{self.args[:2]} exited")
        return raw.decode().strip()

    async def ask(self, command: str, timeout: float = 60):
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        return json.loads(await self.line(timeout))

    async def stop(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.stdin.write(b"\n")
                self.proc.stdin.close()
                await asyncio.wait_for(self.proc.wait(), 15)
            except (TimeoutError, ConnectionError, BrokenPipeError):
                self.proc.kill()
                await self.proc.wait()


class Server(Process):
    async def start(self) -> str:
        ready = await super().start()
        self.port = int(ready.split()[1])
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return ready

    async def op(self, **request) -> dict:
        self.writer.write(json.dumps(request).encode() + b"\n")
        reply = json.loads(await asyncio.wait_for(self.reader.readline(), 60))
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError, ConnectionError, TimeoutError):
            await self.op(op="quit")
        await super().stop()


#: Per viewer, the latest SRTP sample it reported (light viewers): member -> srtp counts.
SRTP_SAMPLES: dict[str, dict] = {}
#: --full-viewers: every viewer process runs full aiortc receivers (set from the arguments).
FULL_VIEWERS = False


def peers(*args: object, janus: bool = False, full: bool | None = None) -> Process:
    full = FULL_VIEWERS if full is None else full
    if args[0] == "publisher":
        full = False
    return Process(
        str(HERE / "media_peers.py"),
        *map(str, args),
        *(["janus"] if janus else []),
        *(["full"] if full else []),
    )


async def reports(groups: list[Process]) -> tuple[dict[str, dict], float]:
    merged: dict[str, dict] = {}
    cpu = 0.0
    for group in groups:
        report = await group.ask("report")
        cpu += report["cpu"]
        for viewer in report["viewers"]:
            merged[viewer["member"]] = viewer
            if "srtp" in viewer:
                SRTP_SAMPLES[viewer["member"]] = viewer["srtp"]
    return merged, cpu


async def measure(server: Server, groups: list[Process], seconds: float) -> dict:
    """Server CPU and what every viewer received during one window."""
    before_server, (before, before_clients) = await server.op(op="cpu"), await reports(groups)
    started = time.monotonic()
    await asyncio.sleep(seconds)
    after_server, (after, after_clients) = await server.op(op="cpu"), await reports(groups)
    elapsed = time.monotonic() - started
    fps, kbps = {}, {}
    for member, viewer in after.items():
        if member not in before:
            continue
        fps[member] = (viewer["frames"]["video"] - before[member]["frames"]["video"]) / elapsed
        kbps[member] = {
            kind: (viewer["bytes"][kind] - before[member]["bytes"][kind]) * 8 / elapsed / 1000
            for kind in ("audio", "video")
        }
    user = (after_server["user"] - before_server["user"]) / elapsed
    system = (after_server["sys"] - before_server["sys"]) / elapsed
    return {
        "cpu_cores": user + system,
        "user_cores": user,
        "sys_cores": system,
        "client_cores": (after_clients - before_clients) / elapsed,
        "lag_ms": after_server["lag_ms"],
        "fps": fps,
        "kbps": kbps,
    }


def summary(viewers: int, rounds: list[dict]) -> dict:
    fps = [r["fps"] for r in rounds]
    return {
        "viewers": viewers,
        "cpu_cores": statistics.median(r["cpu_cores"] for r in rounds),
        "cpu_cores_rounds": [round(r["cpu_cores"], 4) for r in rounds],
        "user_cores": statistics.median(r["user_cores"] for r in rounds),
        "sys_cores": statistics.median(r["sys_cores"] for r in rounds),
        "client_cores": statistics.median(r["client_cores"] for r in rounds),
        "fps_min": statistics.median(min(f.values()) for f in fps),
        "fps_median": statistics.median(statistics.median(f.values()) for f in fps),
        "viewers_ok": statistics.median(sum(v >= MIN_FPS for v in f.values()) for f in fps),
        "video_kbps_median": statistics.median(
            statistics.median(k["video"] for k in r["kbps"].values()) for r in rounds
        ),
        "lag_ms_max": max(r["lag_ms"] for r in rounds),
    }


def split(total: int, per_process: int) -> list[int]:
    processes = max(1, math.ceil(total / per_process))
    return [total // processes + (i < total % processes) for i in range(processes)]


async def scenario(mode: str, counts: tuple[int, int], args) -> dict:
    """N1 viewers, then N2, then N1 again; the tiers and late joiners at the end (forwarding only)."""
    small, large = counts
    retried: list[int] = []
    janus = mode == "janus"
    server = media_janus.JanusServer() if janus else Server(str(HERE / "media_server.py"), mode)
    await server.start()
    started: list[Process] = [server]
    try:
        publisher = peers("publisher", server.port, janus=janus)
        await publisher.start()
        started.append(publisher)
        sizes = split(small, args.per_process) + split(large - small, args.per_process)
        groups = [
            peers("viewers", server.port, f"{mode}{index}", size, "standard", args.stagger, janus=janus)
            for index, size in enumerate(sizes)
        ]
        first, extra = (
            groups[: len(split(small, args.per_process))],
            groups[len(split(small, args.per_process)) :],
        )
        # Start the client processes (imports) before anything is measured, two at a time.
        for pair in range(0, len(groups), 2):
            await asyncio.gather(*(group.start() for group in groups[pair : pair + 2]))
            started.extend(groups[pair : pair + 2])

        async def step(groups: list[Process], viewers: int) -> list[dict]:
            window = args.seconds / args.rounds
            for _attempt in range(1 + args.retries):
                await asyncio.sleep(args.warmup)
                rounds = [await measure(server, groups, window) for _ in range(args.rounds)]
                print(mode, json.dumps(summary(viewers, rounds)), file=sys.stderr, flush=True)
                if summary(viewers, rounds)["viewers_ok"] >= viewers:
                    break
                # The machine is shared: a window where the other jobs starved us says nothing
                # about our cost per viewer (less was forwarded). Measure again.
                retried.append(viewers)
            return rounds

        async def join(groups: list[Process]) -> None:
            # Two processes join at once, each one viewer every --stagger seconds.
            for pair in range(0, len(groups), 2):
                await asyncio.gather(*(g.ask("join", timeout=120) for g in groups[pair : pair + 2]))

        await join(first)
        small_rounds = await step(first, small)
        await join(extra)
        large_rounds = await step(first + extra, large)
        for group in extra:
            await group.ask("drop", timeout=60)
        small_rounds += await step(first, small)
        result = {
            "small": summary(small, small_rounds),
            "large": summary(large, large_rounds),
            "steps_measured_again": retried,
        }
        if mode == "forward":
            result.update(await tiers_and_late_joiners(server, first[0], started, args))
        return result
    finally:
        for process in reversed(started):
            await process.stop()


async def tiers_and_late_joiners(server: Server, first_group: Process, started: list, args) -> dict:
    low = peers("viewers", server.port, "low", 1, "low")
    audio = peers("viewers", server.port, "audio", 1, "audio_only")
    for group in (low, audio):
        await group.start()
        started.append(group)
        await group.ask("join")
    await asyncio.sleep(2)  # the low tier's transcoder starts with its first viewer
    window = await measure(server, [low, audio], max(3.0, args.seconds / args.rounds))
    low_kbps = window["kbps"]["low-0"]
    audio_kbps = window["kbps"]["audio-0"]
    timings = await first_group.ask(f"late {args.late}", timeout=20 * args.late + 30)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return {
        "low_tier_kbps": low_kbps["video"] + low_kbps["audio"],
        "low_tier_video_kbps": low_kbps["video"],
        "audio_only_kbps": audio_kbps["video"] + audio_kbps["audio"],
        "audio_only_video_kbps": audio_kbps["video"],
        "first_frame_ms": [round(t) for t in timings],
        "first_frame_ms_p95": p95,
    }


def slope(result: dict, key: str = "cpu_cores") -> float | None:
    """Server cores per added viewer, between the two counts."""
    small, large = result["small"], result["large"]
    added = large["viewers"] - small["viewers"]
    marginal = (large[key] - small[key]) / added if added else 0.0
    return marginal if marginal > 0 else None


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def crowd(args) -> dict:
    """--crowd N SECONDS: N viewers join a running stream within SECONDS, all at once."""
    count, seconds = args.crowd
    server = Server(str(HERE / "media_server.py"), "forward")
    await server.start()
    started: list[Process] = [server]
    try:
        publisher = peers("publisher", server.port)
        await publisher.start()
        started.append(publisher)
        groups = [
            peers("viewers", server.port, f"crowd{i}", n, "standard")
            for i, n in enumerate(split(count, args.per_process))
        ]
        for pair in range(0, len(groups), 2):
            await asyncio.gather(*(group.start() for group in groups[pair : pair + 2]))
            started.extend(groups[pair : pair + 2])
        await asyncio.sleep(2)
        before = await server.op(op="cpu")
        arrivals = [
            arrival
            for group in await asyncio.gather(
                *(g.ask(f"crowd {seconds}", timeout=seconds + 60) for g in groups)
            )
            for arrival in group
        ]
        after = await server.op(op="cpu")
        await reports(groups)  # the light viewers' SRTP samples
        timings = sorted(first for first, _answered, _connected in arrivals)
        # Where a viewer's first frame waited: the server's answer, then ICE and DTLS, then the
        # first complete keyframe.
        phases = {
            "answer": [answered for _first, answered, _connected in arrivals],
            "connect": [connected - answered for _first, answered, connected in arrivals],
            "keyframe": [first - connected for first, _answered, connected in arrivals],
        }
        return {
            "crowd_viewers": len(timings),
            "crowd_seconds": seconds,
            "crowd_first_frame_ms_p95": round(percentile(timings, 0.95)),
            "crowd_first_frame_ms_p50": round(percentile(timings, 0.5)),
            "crowd_first_frame_ms_max": round(timings[-1]),
            **{f"crowd_{name}_ms_p50": round(percentile(sorted(v), 0.5)) for name, v in phases.items()},
            **{f"crowd_{name}_ms_p95": round(percentile(sorted(v), 0.95)) for name, v in phases.items()},
            "crowd_server_lag_ms_max": after["lag_ms"],
            "crowd_viewers_connected": after["stats"].get("viewers"),
            "crowd_native_tracks": after["stats"].get("native_tracks"),
            "crowd_server_cpu_seconds": round(
                after["user"] + after["sys"] - before["user"] - before["sys"], 2
            ),
        }
    finally:
        for process in reversed(started):
            await process.stop()


async def scale(args) -> dict:
    """--scale N1 N2: one publisher and N1 viewers, then N2 (each step measured as in `scenario`);
    --compare-clients C first: C light viewers, then C full ones, for the clients' own CPU."""
    small, large = args.scale
    server = Server(str(HERE / "media_server.py"), "forward")
    await server.start()
    started: list[Process] = [server]
    figures: dict = {}
    window = args.seconds / args.rounds

    async def start_groups(groups: list[Process]) -> None:
        for pair in range(0, len(groups), 2):
            await asyncio.gather(*(group.start() for group in groups[pair : pair + 2]))
            started.extend(groups[pair : pair + 2])

    async def join(groups: list[Process]) -> None:
        for pair in range(0, len(groups), 2):
            await asyncio.gather(*(g.ask("join", timeout=180) for g in groups[pair : pair + 2]))

    async def step(groups: list[Process], viewers: int, label: str) -> dict:
        for attempt in range(1 + args.retries):
            await asyncio.sleep(args.warmup)
            rounds = [await measure(server, groups, window) for _ in range(args.rounds)]
            result = summary(viewers, rounds)
            print(label, json.dumps(result), file=sys.stderr, flush=True)
            if result["viewers_ok"] >= viewers or attempt == args.retries:
                result["measured_again"] = attempt
                return result
        raise AssertionError("unreachable")

    try:
        publisher = peers("publisher", server.port)
        await publisher.start()
        started.append(publisher)
        if args.compare_clients:
            count = args.compare_clients
            for full in (False, True):
                kind = "full" if full else "light"
                groups = [
                    peers(
                        "viewers", server.port, f"compare-{kind}{i}", n, "standard", args.stagger, full=full
                    )
                    for i, n in enumerate(split(count, args.per_process))
                ]
                await start_groups(groups)
                await join(groups)
                result = await step(groups, count, f"clients-{kind}")
                figures[f"client_cores_per_viewer_{kind}"] = round(result["client_cores"] / count, 5)
                figures[f"client_compare_{kind}_fps_min"] = round(result["fps_min"], 1)
                for group in groups:
                    await group.ask("drop", timeout=120)
                    await group.stop()
            figures["client_compare_viewers"] = count
        sizes = split(small, args.per_process) + split(large - small, args.per_process)
        groups = [
            peers("viewers", server.port, f"scale{index}", size, "standard", args.stagger)
            for index, size in enumerate(sizes)
        ]
        first, extra = (
            groups[: len(split(small, args.per_process))],
            groups[len(split(small, args.per_process)) :],
        )
        await start_groups(groups)
        for viewers, joining, watching in ((small, first, first), (large, extra, groups)):
            await join(joining)
            result = await step(watching, viewers, f"scale-{viewers}")
            figures.update(
                {
                    f"viewers_{viewers}_fps_min": round(result["fps_min"], 1),
                    f"viewers_{viewers}_fps_median": round(result["fps_median"], 1),
                    f"viewers_{viewers}_ok": result["viewers_ok"],
                    f"viewers_{viewers}_all_min_fps": result["viewers_ok"] >= viewers,
                    f"viewers_{viewers}_server_cores": round(result["cpu_cores"], 3),
                    f"viewers_{viewers}_client_cores": round(result["client_cores"], 3),
                    f"viewers_{viewers}_server_lag_ms_max": result["lag_ms_max"],
                    f"viewers_{viewers}_measured_again": result["measured_again"],
                }
            )
        added = (figures[f"viewers_{large}_server_cores"] - figures[f"viewers_{small}_server_cores"]) / (
            large - small
        )
        figures["scale_viewers_per_core"] = round(1 / added) if added > 0 else None
        return figures
    finally:
        for process in reversed(started):
            await process.stop()


def srtp_figures() -> dict:
    verified = sum(sample["verified"] for sample in SRTP_SAMPLES.values())
    failures = sum(sample["failures"] for sample in SRTP_SAMPLES.values())
    light = sum(bool(sample.get("light")) for sample in SRTP_SAMPLES.values())
    figures = {"viewers_light": light, "srtp_verified": verified, "srtp_failures": failures}
    if failures:
        figures["srtp_warning"] = (
            f"{failures} sampled SRTP packets failed authentication: the light viewers' counts are "
            "not trustworthy in this run"
        )
        print("!" * 78, file=sys.stderr)
        print(f"!!! SRTP: {figures['srtp_warning']}", file=sys.stderr)
        print("!" * 78, file=sys.stderr, flush=True)
    elif light and not verified:
        figures["srtp_warning"] = "light viewers ran but no SRTP packet was verified"
        print(f"!!! SRTP: {figures['srtp_warning']}", file=sys.stderr, flush=True)
    return figures


async def main(args) -> dict:
    janus_reason = media_janus.why_not() if args.janus else "not asked for (--janus)"
    plain = await scenario("forward-plain", tuple(args.viewers), args) if args.compare_plain else None
    ours = await scenario("forward", tuple(args.viewers), args)
    janus = await scenario("janus", tuple(args.viewers), args) if janus_reason is None else None
    stock = await scenario("relay", tuple(args.baseline_viewers), args)
    crowded = await crowd(args) if args.crowd else {}
    scaled = await scale(args) if args.scale or args.compare_clients else {}
    ours_slope, stock_slope = slope(ours), slope(stock)
    large, stock_large = ours["large"], stock["large"]
    ok_share = large["viewers_ok"] / large["viewers"]
    per_viewer = large["cpu_cores"] / large["viewers"]
    stock_per_viewer = stock_large["cpu_cores"] / stock_large["viewers"]
    janus_slope = slope(janus) if janus else None
    janus_per_core = (
        (janus["large"]["viewers_ok"] / janus["large"]["viewers"]) / janus_slope if janus_slope else None
    )
    ours_per_core = ok_share / ours_slope if ours_slope else None
    return {
        "viewers": args.viewers,
        "baseline_viewers": args.baseline_viewers,
        "viewers_per_core": round(ok_share / ours_slope) if ours_slope else None,
        "viewers_per_core_plain": round(large["viewers_ok"] / large["cpu_cores"]),
        **(
            {
                "janus_viewers_per_core": round(janus_per_core) if janus_per_core else None,
                "ratio_vs_janus": round(ours_per_core / janus_per_core, 2)
                if ours_per_core and janus_per_core
                else None,
                "janus_cores_per_viewer_marginal": round(janus_slope, 5) if janus_slope else None,
                "janus_fps_delivered_min": round(janus["large"]["fps_min"], 1),
            }
            if janus
            else {"janus_skipped": janus_reason}
        ),
        "ratio_vs_mediarelay": round(stock_slope / ours_slope, 1) if ours_slope and stock_slope else None,
        "ratio_vs_mediarelay_plain": round(stock_per_viewer / per_viewer, 1),
        "cores_per_viewer_marginal": round(ours_slope, 5) if ours_slope else None,
        "mediarelay_cores_per_viewer_marginal": round(stock_slope, 4) if stock_slope else None,
        "user_cores_per_viewer_marginal": round(slope(ours, "user_cores") or 0, 5),
        "sys_cores_per_viewer_marginal": round(slope(ours, "sys_cores") or 0, 5),
        "first_frame_ms_p95": round(ours["first_frame_ms_p95"]),
        "fps_delivered_min": round(large["fps_min"], 1),
        "low_tier_kbps": round(ours["low_tier_kbps"], 1),
        "audio_only_kbps": round(ours["audio_only_kbps"], 1),
        "server_lag_ms_max": max(r[k]["lag_ms_max"] for r in (ours, stock) for k in ("small", "large")),
        "steps_measured_again": len(ours["steps_measured_again"]) + len(stock["steps_measured_again"]),
        **(
            {"plain_cores_per_viewer_marginal": round(slope(plain), 5) if slope(plain) else None}
            if plain
            else {}
        ),
        **crowded,
        **scaled,
        "full_viewers": FULL_VIEWERS,
        **srtp_figures(),
        "forward": ours,
        **({"janus": janus} if janus else {}),
        "mediarelay": stock,
        **({"forward_plain": plain} if plain else {}),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--viewers", type=int, nargs=2, default=[10, 30], metavar=("N1", "N2"))
    parser.add_argument("--baseline-viewers", type=int, nargs=2, default=[1, 2], metavar=("N1", "N2"))
    parser.add_argument("--per-process", type=int, default=5, help="viewers per client process")
    parser.add_argument("--stagger", type=float, default=0.15, help="seconds between a process's joins")
    parser.add_argument("--seconds", type=float, default=12.0, help="measured time per step")
    parser.add_argument("--rounds", type=int, default=4, help="windows a step's measured time is split into")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds after joining before measuring")
    parser.add_argument("--late", type=int, default=10, help="late joiners timed one after another")
    parser.add_argument("--retries", type=int, default=1, help="re-measure a step where viewers got < 14 fps")
    parser.add_argument(
        "--compare-plain", action="store_true", help="also run forwarding without the sender shortcuts"
    )
    parser.add_argument("--janus", action="store_true", help="also measure Janus's VideoRoom (if installed)")
    parser.add_argument(
        "--crowd",
        type=float,
        nargs=2,
        metavar=("N", "SECONDS"),
        help="also time N viewers joining within SECONDS",
    )
    parser.add_argument(
        "--scale",
        type=int,
        nargs=2,
        metavar=("N1", "N2"),
        help="also measure N1 then N2 viewers of one publisher",
    )
    parser.add_argument(
        "--compare-clients",
        type=int,
        default=0,
        metavar="C",
        help="also measure C light, then C full viewers' CPU",
    )
    parser.add_argument(
        "--full-viewers",
        action="store_true",
        help="full aiortc receivers instead of light viewers (as before)",
    )
    parser.add_argument("--timeout", type=float, default=360.0, help="the whole run, seconds")
    arguments = parser.parse_args()
    if not 0 < arguments.viewers[0] < arguments.viewers[1]:
        parser.error("--viewers needs 0 < N1 < N2")
    if not 0 < arguments.baseline_viewers[0] < arguments.baseline_viewers[1]:
        parser.error("--baseline-viewers needs 0 < N1 < N2")
    if arguments.crowd:
        arguments.crowd = (int(arguments.crowd[0]), arguments.crowd[1])
    if arguments.scale and not 0 < arguments.scale[0] < arguments.scale[1]:
        parser.error("--scale needs 0 < N1 < N2")
    if arguments.compare_clients and not arguments.scale:
        parser.error("--compare-clients runs with --scale")
    FULL_VIEWERS = arguments.full_viewers
    result = asyncio.run(asyncio.wait_for(main(arguments), timeout=arguments.timeout))
    details = ("forward", "janus", "mediarelay", "forward_plain")
    for key in details:
        if key in result:
            print(key, json.dumps(result[key]))
    print(json.dumps({k: v for k, v in result.items() if k not in details}))

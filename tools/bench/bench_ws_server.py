"""WebSocket server benchmark of issue 8: aioloom vs aiohttp vs the websockets server.

One client for every server: the ``websockets`` package, in this process, pinned to
its own CPU; each server is a fresh process pinned to the other CPU
(tools/bench/_server_apps/ws_app.py: the same WebSocketResponse echo handler for
aioloom and aiohttp, and the websockets package's own echo server). No compression
(the client does not offer it) and no keep-alive pings.

Workloads, each on a fresh server after a warm-up on the same connection:
  32B    20,000 text messages of 32 bytes, up to 100 in flight
  16KiB  20,000 text messages of 16 KiB, up to 100 in flight
  1MiB   one 1 MiB binary message echoed, then the next (sequential round trips)
The client limits the message rate, so the comparison is the server's CPU time
(utime + stime from /proc/<pid>/stat) per echoed message; for 1 MiB also the median
wall-clock round trip. Frameworks are interleaved in every round; cells are medians.

Targets (issue 8): CPU/message <= aiohttp's on 32B and <= 1.2x aiohttp's on 16KiB,
below the websockets server on both; 1 MiB round trip <= aiohttp's.

Usage:
    hatch run bench:python tools/bench/bench_ws_server.py [--quick] [--loop asyncio|uvloop|both]
        [--workload 32B,16KiB,1MiB] [--framework aioloom,aiohttp,websockets]
        [--rounds N] [--messages N] [--json OUT] [--check]

Everything listens on 127.0.0.1 only; every server is stopped on exit, Ctrl+C or
error (and exits by itself if this script dies).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from _procs import ServerProcess, cpu_seconds, default_cpus
from websockets.asyncio.client import ClientConnection, connect

HERE = Path(__file__).resolve().parent

FRAMEWORKS = ("aioloom", "aiohttp", "websockets")
LOOPS = ("asyncio", "uvloop")
WORKLOADS = ("32B", "16KiB", "1MiB")
WINDOW = 100  # messages in flight
PAYLOADS: dict[str, str | bytes] = {
    "32B": "0123456789abcdef" * 2,
    "16KiB": "0123456789abcdef" * 1024,
    "1MiB": os.urandom(1024 * 1024),
}
MAX_SIZE = 16 * 1024 * 1024
RUN_TIMEOUT = 300.0  # no workload may take longer than this

# Targets of issue 8 for aioloom: CPU per message against aiohttp's.
MAX_CPU_RATIO = {"32B": 1.0, "16KiB": 1.2}


# -- processes (the same helpers as bench_server.py: each bench is one standalone file) --


@contextlib.contextmanager
def server(
    framework: str, loop: str, cpu: int | None, notes: dict[str, str]
) -> Iterator[ServerProcess]:
    proc = ServerProcess("_server_apps.ws_app", framework, loop, cpu)
    try:
        yield proc
    finally:
        proc.stop()
        err = proc.stderr_text().strip()
        proc.close()
        if err and proc.name not in notes:
            notes[proc.name] = err[-2000:]


def _terminate_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


# -- the client ------------------------------------------------------------------------


async def echo_many(ws: ClientConnection, payload: str | bytes, count: int) -> None:
    """Send ``count`` messages with up to WINDOW unanswered; check every echo."""
    credits = asyncio.Semaphore(WINDOW)

    async def send() -> None:
        for _ in range(count):
            await credits.acquire()
            await ws.send(payload)

    async def receive() -> None:
        for _ in range(count):
            if await ws.recv() != payload:
                raise RuntimeError("the server echoed something else")
            credits.release()

    async with asyncio.TaskGroup() as tg:
        tg.create_task(send())
        tg.create_task(receive())


async def round_trip(ws: ClientConnection, payload: str | bytes) -> float:
    start = time.perf_counter()
    await ws.send(payload)
    if await ws.recv() != payload:
        raise RuntimeError("the server echoed something else")
    return time.perf_counter() - start


@dataclass
class Sample:
    loop: str
    workload: str
    framework: str
    round: int
    count: int  # messages (or round trips) measured
    cpu_us: float  # server CPU per message (or per round trip)
    rate: float  # messages/s (or round trips/s)
    rt_ms: float | None = None  # median round trip, 1MiB only


async def measure_once(
    framework: str,
    loop: str,
    workload: str,
    rnd: int,
    args: argparse.Namespace,
    notes: dict[str, str],
) -> Sample:
    payload = PAYLOADS[workload]
    with server(framework, loop, args.server_cpu, notes) as srv:
        async with (
            asyncio.timeout(RUN_TIMEOUT),
            connect(
                f"ws://127.0.0.1:{srv.port}/ws",
                compression=None,
                max_size=MAX_SIZE,
                ping_interval=None,
                proxy=None,
                open_timeout=30,
                close_timeout=5,
            ) as ws,
        ):
            if workload == "1MiB":
                count = args.round_trips
                await round_trip(ws, payload)  # warm-up
                before = cpu_seconds(srv.pid)
                start = time.perf_counter()
                times = [await round_trip(ws, payload) for _ in range(count)]
                wall = time.perf_counter() - start
                cpu = cpu_seconds(srv.pid) - before
                rt_ms: float | None = statistics.median(times) * 1e3
            else:
                count = args.messages
                await echo_many(ws, payload, max(count // 10, WINDOW))  # warm-up
                before = cpu_seconds(srv.pid)
                start = time.perf_counter()
                await echo_many(ws, payload, count)
                wall = time.perf_counter() - start
                cpu = cpu_seconds(srv.pid) - before
                rt_ms = None
    return Sample(loop, workload, framework, rnd, count, cpu / count * 1e6, count / wall, rt_ms)


def _failed(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


async def run_all(
    args: argparse.Namespace, notes: dict[str, str], failures: dict[str, str]
) -> list[Sample]:
    samples: list[Sample] = []
    total = args.rounds * len(args.loop) * len(args.workload) * len(args.framework)
    done = 0
    for rnd in range(args.rounds):
        order = args.framework if rnd % 2 == 0 else args.framework[::-1]
        for loop in args.loop:
            for workload in args.workload:
                for framework in order:
                    done += 1
                    progress = f"  [{done:3}/{total}] round {rnd + 1} {loop:7} {workload:5}"
                    progress += f" {framework:10}"
                    try:
                        sample = await measure_once(framework, loop, workload, rnd, args, notes)
                    except Exception as exc:  # a broken server fails its cell, not the run
                        failures.setdefault(f"{loop} {workload} {framework}", _failed(exc))
                        print(f"{progress} FAILED: {_failed(exc)}", file=sys.stderr, flush=True)
                        continue
                    samples.append(sample)
                    rt = f" {sample.rt_ms:8.2f} ms/rt" if sample.rt_ms is not None else ""
                    print(
                        f"{progress} {sample.rate:9,.0f}/s {sample.cpu_us:9.1f} us CPU{rt}",
                        file=sys.stderr,
                        flush=True,
                    )
    return samples


# -- results ---------------------------------------------------------------------------


@dataclass
class Cell:
    loop: str
    workload: str
    framework: str
    cpu_us: float
    rate: float
    rt_ms: float | None
    cpu_vs_aiohttp: float | None = None
    cpu_vs_websockets: float | None = None
    rt_vs_aiohttp: float | None = None
    verdict: dict[str, bool] = field(default_factory=dict)


def summarize(samples: list[Sample], args: argparse.Namespace) -> list[Cell]:
    cells: dict[tuple[str, str, str], Cell] = {}
    for loop in args.loop:
        for workload in args.workload:
            for framework in args.framework:
                mine = [
                    s
                    for s in samples
                    if (s.loop, s.workload, s.framework) == (loop, workload, framework)
                ]
                if not mine:
                    continue
                rts = [s.rt_ms for s in mine if s.rt_ms is not None]
                cells[loop, workload, framework] = Cell(
                    loop,
                    workload,
                    framework,
                    statistics.median(s.cpu_us for s in mine),
                    statistics.median(s.rate for s in mine),
                    statistics.median(rts) if rts else None,
                )
    for (loop, workload, framework), cell in cells.items():
        ref = cells.get((loop, workload, "aiohttp"))
        rival = cells.get((loop, workload, "websockets"))
        if ref is not None:
            cell.cpu_vs_aiohttp = cell.cpu_us / ref.cpu_us
            if cell.rt_ms is not None and ref.rt_ms is not None:
                cell.rt_vs_aiohttp = cell.rt_ms / ref.rt_ms
        if rival is not None:
            cell.cpu_vs_websockets = cell.cpu_us / rival.cpu_us
        if framework != "aioloom":
            continue
        if workload in MAX_CPU_RATIO:
            if cell.cpu_vs_aiohttp is not None:
                cell.verdict["cpu_vs_aiohttp"] = cell.cpu_vs_aiohttp <= MAX_CPU_RATIO[workload]
            if cell.cpu_vs_websockets is not None:
                cell.verdict["cpu_vs_websockets"] = cell.cpu_vs_websockets < 1.0
        elif cell.rt_vs_aiohttp is not None:
            cell.verdict["rt_vs_aiohttp"] = cell.rt_vs_aiohttp <= 1.0
    return list(cells.values())


def _ratio(value: float | None, verdict: bool | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" + ("" if verdict is None else (" PASS" if verdict else " MISS"))


def _masking_route() -> str:
    """Which masking route the aioloom servers (same environment) will use."""
    from aioloom.websocket import _mask

    if _mask.accelerated_unmask is None:
        return "pure Python (install aioloom-websocket[speedups] for the C routine)"
    return "the C routine of websockets.speedups (aioloom-websocket[speedups])"


def print_tables(cells: list[Cell], args: argparse.Namespace, client_loop: str) -> None:
    print(
        f"\nWebSocket echo, client: websockets (on {client_loop}, CPU {args.client_cpu}),"
        f" servers on CPU {args.server_cpu}; median of {args.rounds} round(s)"
    )
    print(f"aioloom unmasks large payloads with: {_masking_route()}")
    messages = [c for c in cells if c.workload in MAX_CPU_RATIO]
    if messages:
        print(
            f"{args.messages:,} text messages, up to {WINDOW} in flight. Targets for aioloom:"
            " CPU/msg <= 1.0x aiohttp (32B), <= 1.2x (16KiB), < websockets on both"
        )
        head = (
            f"{'loop':8} {'workload':8} {'server':10} {'msgs/s':>9} {'CPU us/msg':>11}"
            f" {'CPU x aiohttp':>14} {'CPU x websockets':>17}"
        )
        print(head)
        print("-" * len(head))
        previous = None
        for c in messages:
            if previous is not None and (c.loop, c.workload) != previous:
                print()
            previous = (c.loop, c.workload)
            print(
                f"{c.loop:8} {c.workload:8} {c.framework:10} {c.rate:9,.0f} {c.cpu_us:11.1f}"
                f" {_ratio(c.cpu_vs_aiohttp, c.verdict.get('cpu_vs_aiohttp')):>14}"
                f" {_ratio(c.cpu_vs_websockets, c.verdict.get('cpu_vs_websockets')):>17}"
            )
    big = [c for c in cells if c.workload == "1MiB"]
    if big:
        print(
            f"\n1 MiB binary round trips, one at a time, {args.round_trips} per run."
            " Target for aioloom: round trip <= aiohttp's"
        )
        head = (
            f"{'loop':8} {'server':10} {'median rt ms':>13} {'rt x aiohttp':>13}"
            f" {'CPU ms/rt':>10} {'CPU x aiohttp':>14}"
        )
        print(head)
        print("-" * len(head))
        for c in big:
            rt = "" if c.rt_ms is None else f"{c.rt_ms:.2f}"
            print(
                f"{c.loop:8} {c.framework:10} {rt:>13}"
                f" {_ratio(c.rt_vs_aiohttp, c.verdict.get('rt_vs_aiohttp')):>13}"
                f" {c.cpu_us / 1e3:10.2f} {_ratio(c.cpu_vs_aiohttp, None):>14}"
            )


def print_notes(notes: dict[str, str], failures: dict[str, str]) -> None:
    """What the servers wrote on stderr, and the cells that failed: nothing is hidden."""
    for name, err in notes.items():
        print(f"\nstderr of a {name} server (last lines):", file=sys.stderr)
        print("  " + "\n  ".join(err.splitlines()[-15:]), file=sys.stderr)
    if failures:
        print("\nFAILED cells (first error of each):", file=sys.stderr)
        for cell, error in failures.items():
            print(f"  {cell}: {error}", file=sys.stderr)


# -- main ------------------------------------------------------------------------------


def _choices(value: str, allowed: tuple[str, ...]) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in chosen if v not in allowed]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma-separated)")
    return [v for v in allowed if v in chosen]  # canonical order


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="smoke run: 2 rounds, 4,000 messages")
    p.add_argument("--loop", default="both", choices=("asyncio", "uvloop", "both"))
    p.add_argument(
        "--workload",
        type=lambda v: _choices(v, WORKLOADS),
        default=list(WORKLOADS),
        help="comma-separated: 32B,16KiB,1MiB",
    )
    p.add_argument(
        "--framework",
        type=lambda v: _choices(v, FRAMEWORKS),
        default=list(FRAMEWORKS),
        help="comma-separated: aioloom,aiohttp,websockets",
    )
    p.add_argument("--rounds", type=int, help="rounds per cell (default 5, --quick 2)")
    p.add_argument("--messages", type=int, help="messages per run (20,000, --quick 4,000)")
    p.add_argument("--round-trips", type=int, help="1 MiB round trips per run (50, --quick 10)")
    p.add_argument("--server-cpu", type=int, help="CPU for the server (default: first allowed)")
    p.add_argument("--client-cpu", type=int, help="CPU for the client (default: second allowed)")
    p.add_argument("--json", type=Path, help="write samples and medians to this file")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.messages = args.messages or (4_000 if args.quick else 20_000)
    args.round_trips = args.round_trips or (10 if args.quick else 50)
    args.loop = list(LOOPS) if args.loop == "both" else [args.loop]
    default_cpus(args)
    return args


def preflight(args: argparse.Namespace) -> None:
    if args.server_cpu is None or args.client_cpu is None:
        print("warning: fewer than 2 CPUs, server and client are not pinned", file=sys.stderr)
    elif shutil.which("taskset") is None:
        print("warning: taskset not found (util-linux), nothing is pinned", file=sys.stderr)
        args.server_cpu = args.client_cpu = None
    if "aiohttp" in args.framework and importlib.util.find_spec("aiohttp") is None:
        print("aiohttp is not installed: run in the bench env; skipping it", file=sys.stderr)
        args.framework.remove("aiohttp")
    if "uvloop" in args.loop and importlib.util.find_spec("uvloop") is None:
        print("uvloop is not installed: skipping the uvloop rows", file=sys.stderr)
        args.loop.remove("uvloop")
    if not args.loop or not args.framework:
        raise SystemExit("nothing to run")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    preflight(args)
    signal.signal(signal.SIGTERM, _terminate_on_sigterm)  # so `finally` stops servers
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})  # the client is this process
    client_loop = "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    notes: dict[str, str] = {}
    failures: dict[str, str] = {}
    started = time.monotonic()
    try:
        if client_loop == "uvloop":
            import uvloop

            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                samples = runner.run(run_all(args, notes, failures))
        else:
            samples = asyncio.run(run_all(args, notes, failures))
        cells = summarize(samples, args)
        print_tables(cells, args, client_loop)
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    finally:
        print_notes(notes, failures)
    verdicts = [ok for c in cells for ok in c.verdict.values()]
    missed = verdicts.count(False)
    print(
        f"\ntargets: {len(verdicts) - missed}/{len(verdicts)} PASS"
        + (f", {len(failures)} cell(s) FAILED" if failures else "")
        + f" ({time.monotonic() - started:.0f} s)"
    )
    if args.json:
        report: dict[str, Any] = {
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "client_loop": client_loop,
            "samples": [asdict(s) for s in samples],
            "cells": [asdict(c) for c in cells],
            "server_stderr": notes,
            "failures": failures,
        }
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 1 if args.check and (missed or failures) else 0


if __name__ == "__main__":
    sys.exit(main())

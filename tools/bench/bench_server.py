"""HTTP server benchmark of issue 6: aioloom vs aiohttp vs a bare asyncio.Protocol, with wrk.

Each run starts a fresh server process pinned to one CPU (``taskset``), warms it up
with wrk, then runs ``wrk -t1 -c64 -d5s`` pinned to the other CPU while reading the
server's CPU time (utime + stime) from /proc/<pid>/stat before and after. Frameworks
are interleaved in every round (A B C, then C B A, ...) and each cell is the median
over the rounds. CPU time per request is steadier than requests/s on a shared machine.

Workloads (the app is tools/bench/_server_apps/http_app.py, the same code for both
frameworks; 1000 parametrised filler routes /r{i}/{x} are registered before /users):
  plaintext  GET /            "Hello, World!"
  json       GET /json        json_response({"message": "Hello, World!"})
  users      GET /users/{id}  a different id on every request (users.lua)
  echo       POST /echo       1 KiB body, answered back (echo.lua)

Rows: aioloom, aiohttp (C extensions), and "bare" (the ceiling: _server_apps/bare_http.py),
on asyncio and on uvloop. Targets (issue 6): aioloom >= 1.5x aiohttp's req/s and
<= 0.67x its CPU per request on every workload and loop. Then RSS with 1000 idle
keep-alive connections, aioloom vs aiohttp (target: <= aiohttp's).

Usage:
    hatch run bench:python tools/bench/bench_server.py [--quick] [--loop asyncio|uvloop|both]
        [--workload plaintext,json,users,echo] [--framework aioloom,aiohttp,bare]
        [--rounds N] [--duration S] [--no-rss] [--json OUT] [--check]

Needs wrk (``apt-get install wrk``). Everything listens on 127.0.0.1 only; every
server is stopped on exit, Ctrl+C or error (and exits by itself if this script dies).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from _procs import ServerProcess, cpu_seconds, default_cpus, pinned, rss_kib

HERE = Path(__file__).resolve().parent

FRAMEWORKS = ("aioloom", "aiohttp", "bare")
LOOPS = ("asyncio", "uvloop")
APP_MODULE = {
    "aioloom": "_server_apps.http_app",
    "aiohttp": "_server_apps.http_app",
    "bare": "_server_apps.bare_http",
}


@dataclass(frozen=True)
class Workload:
    name: str
    path: str
    script: str | None  # a wrk Lua script in tools/bench
    method: str = "GET"


WORKLOADS = {
    w.name: w
    for w in (
        Workload("plaintext", "/", None),
        Workload("json", "/json", None),
        Workload("users", "/users/1", "users.lua"),
        Workload("echo", "/echo", "echo.lua", "POST"),
    )
}
ECHO_BODY = b"0123456789abcdef" * 64  # the body echo.lua sends
EXPECTED = {
    "plaintext": b"Hello, World!",
    "json": b'{"message": "Hello, World!"}',
    "users": b"1",
    "echo": ECHO_BODY,
}

# Targets of issue 6 for aioloom against aiohttp on the same loop.
MIN_RPS_RATIO = 1.5
MAX_CPU_RATIO = 0.67

RSS_CONNECTIONS = 1000


# -- processes -------------------------------------------------------------------------


@contextlib.contextmanager
def server(
    framework: str, loop: str, cpu: int | None, notes: dict[str, str]
) -> Iterator[ServerProcess]:
    proc = ServerProcess(APP_MODULE[framework], framework, loop, cpu)
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


# -- checks and wrk --------------------------------------------------------------------


def probe(port: int, workload: Workload, framework: str) -> None:
    """One request before measuring: the server must answer this workload correctly.

    The bare ceiling answers "Hello, World!" to every GET (and echoes POST bodies).
    """
    expected = EXPECTED[workload.name]
    if framework == "bare" and workload.method == "GET":
        expected = EXPECTED["plaintext"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = ECHO_BODY if workload.method == "POST" else None
        conn.request(workload.method, workload.path, body=body)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    if resp.status != 200 or data != expected:
        raise RuntimeError(
            f"{workload.name}: {workload.method} {workload.path} answered "
            f"{resp.status} {data[:100]!r}"
        )


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    errors: str  # non-2xx responses and socket errors, "" when none


def run_wrk(port: int, workload: Workload, duration: int, cpu: int | None) -> WrkResult:
    argv = ["wrk", "-t1", "-c64", f"-d{duration}s", "--timeout", "5s"]
    if workload.script:
        argv += ["-s", str(HERE / workload.script)]
    argv.append(f"http://127.0.0.1:{port}{workload.path}")
    out = subprocess.run(
        pinned(cpu, argv), capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if total is None or rps is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    unit = {"ms": 0.001, "s": 1.0, "m": 60.0}[total.group(3)]
    errors = [
        m.group(0)
        for m in re.finditer(r"(Non-2xx or 3xx responses: \d+|Socket errors: [^\n]+)", out)
    ]
    return WrkResult(
        int(total.group(1)), float(total.group(2)) * unit, float(rps.group(1)), "; ".join(errors)
    )


# -- the benchmark ---------------------------------------------------------------------


@dataclass
class Sample:
    loop: str
    workload: str
    framework: str
    round: int
    rps: float
    cpu_us: float  # server CPU per request
    requests: int
    errors: str


@dataclass
class Cell:
    loop: str
    workload: str
    framework: str
    rps: float
    cpu_us: float
    rps_ratio: float | None = None  # vs aiohttp on the same loop
    cpu_ratio: float | None = None
    rps_ceiling: float | None = None  # fraction of the bare protocol's req/s
    cpu_ceiling: float | None = None  # bare CPU / this CPU
    verdict: dict[str, bool] = field(default_factory=dict)


def measure_once(
    framework: str,
    loop: str,
    workload: Workload,
    args: argparse.Namespace,
    notes: dict[str, str],
) -> tuple[float, float, WrkResult]:
    with server(framework, loop, args.server_cpu, notes) as srv:
        probe(srv.port, workload, framework)
        run_wrk(srv.port, workload, args.warmup, args.client_cpu)
        before = cpu_seconds(srv.pid)
        result = run_wrk(srv.port, workload, args.duration, args.client_cpu)
        cpu = cpu_seconds(srv.pid) - before
        if srv.proc.poll() is not None:
            raise RuntimeError(f"{srv.name} exited during the run:\n{srv.stderr_text()}")
    return result.rps, cpu / max(result.requests, 1) * 1e6, result


def _failed(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def run_http(
    args: argparse.Namespace, notes: dict[str, str], failures: dict[str, str]
) -> list[Sample]:
    samples: list[Sample] = []
    total = args.rounds * len(args.loop) * len(args.workload) * len(args.framework)
    done = 0
    for rnd in range(args.rounds):
        order = args.framework if rnd % 2 == 0 else args.framework[::-1]
        for loop in args.loop:
            for name in args.workload:
                for framework in order:
                    done += 1
                    progress = (
                        f"  [{done:3}/{total}] round {rnd + 1} {loop:7} {name:9} {framework:8}"
                    )
                    try:
                        rps, cpu_us, res = measure_once(
                            framework, loop, WORKLOADS[name], args, notes
                        )
                    except Exception as exc:  # a broken server fails its cell, not the run
                        failures.setdefault(f"{loop} {name} {framework}", _failed(exc))
                        print(f"{progress} FAILED: {_failed(exc)}", file=sys.stderr, flush=True)
                        continue
                    samples.append(
                        Sample(loop, name, framework, rnd, rps, cpu_us, res.requests, res.errors)
                    )
                    warn = f"  !! {res.errors}" if res.errors else ""
                    print(
                        f"{progress} {rps:10,.0f} req/s {cpu_us:7.1f} us/req{warn}",
                        file=sys.stderr,
                        flush=True,
                    )
    return samples


def summarize(samples: list[Sample], args: argparse.Namespace) -> list[Cell]:
    cells: dict[tuple[str, str, str], Cell] = {}
    for loop in args.loop:
        for name in args.workload:
            for framework in args.framework:
                mine = [
                    s
                    for s in samples
                    if (s.loop, s.workload, s.framework) == (loop, name, framework)
                ]
                if not mine:
                    continue
                cells[loop, name, framework] = Cell(
                    loop,
                    name,
                    framework,
                    statistics.median(s.rps for s in mine),
                    statistics.median(s.cpu_us for s in mine),
                )
    for (loop, name, _), cell in cells.items():
        ref = cells.get((loop, name, "aiohttp"))
        ceiling = cells.get((loop, name, "bare"))
        if ref is not None and cell.framework != "bare":
            cell.rps_ratio = cell.rps / ref.rps
            cell.cpu_ratio = cell.cpu_us / ref.cpu_us
            if cell.framework == "aioloom":
                cell.verdict = {
                    "rps": cell.rps_ratio >= MIN_RPS_RATIO,
                    "cpu": cell.cpu_ratio <= MAX_CPU_RATIO,
                }
        if ceiling is not None:
            cell.rps_ceiling = cell.rps / ceiling.rps
            cell.cpu_ceiling = ceiling.cpu_us / cell.cpu_us
    return list(cells.values())


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "MISS")


def print_table(cells: list[Cell], args: argparse.Namespace) -> None:
    print(
        f"\nHTTP server: wrk -t1 -c64 -d{args.duration}s after a {args.warmup}s warm-up,"
        f" median of {args.rounds} round(s); server on CPU {args.server_cpu},"
        f" wrk on CPU {args.client_cpu}"
    )
    print(
        f"targets for aioloom: req/s >= {MIN_RPS_RATIO}x aiohttp,"
        f" CPU/request <= {MAX_CPU_RATIO}x aiohttp"
    )
    head = (
        f"{'loop':8} {'workload':10} {'framework':9} {'req/s':>10} {'CPU us/req':>11}"
        f" {'req/s x aiohttp':>16} {'CPU x aiohttp':>14} {'of ceiling req/s':>17}"
        f" {'of ceiling CPU':>15}"
    )
    print(head)
    print("-" * len(head))
    previous = None
    for c in cells:
        if previous is not None and (c.loop, c.workload) != previous:
            print()
        previous = (c.loop, c.workload)
        rps_ratio = "" if c.rps_ratio is None else f"{c.rps_ratio:.2f}"
        cpu_ratio = "" if c.cpu_ratio is None else f"{c.cpu_ratio:.2f}"
        rps_ratio += f" {_mark(c.verdict.get('rps'))}" if c.verdict else ""
        cpu_ratio += f" {_mark(c.verdict.get('cpu'))}" if c.verdict else ""
        rps_ceil = "" if c.rps_ceiling is None else f"{c.rps_ceiling:.2f}"
        cpu_ceil = "" if c.cpu_ceiling is None else f"{c.cpu_ceiling:.2f}"
        print(
            f"{c.loop:8} {c.workload:10} {c.framework:9} {c.rps:10,.0f} {c.cpu_us:11.1f}"
            f" {rps_ratio:>16} {cpu_ratio:>14} {rps_ceil:>17} {cpu_ceil:>15}"
        )


# -- RSS with idle keep-alive connections ----------------------------------------------


def raise_fd_limit(need: int) -> bool:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            return False
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    return True  # the servers we start inherit the raised limit


def _get(sock: socket.socket) -> None:
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while not data.endswith(b"Hello, World!"):
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("the server closed a keep-alive connection")
        data += chunk


def measure_rss(
    framework: str, loop: str, args: argparse.Namespace, notes: dict[str, str]
) -> dict[str, float]:
    socks: list[socket.socket] = []
    try:
        with server(framework, loop, args.server_cpu, notes) as srv:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as warm:
                for _ in range(100):
                    _get(warm)
            time.sleep(0.2)
            idle = rss_kib(srv.pid)
            for _ in range(RSS_CONNECTIONS):
                sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
                socks.append(sock)
                _get(sock)
            time.sleep(0.5)
            loaded = rss_kib(srv.pid)
    finally:
        for sock in socks:
            sock.close()
    return {
        "rss_kib": loaded,
        "idle_rss_kib": idle,
        "per_conn_kib": (loaded - idle) / RSS_CONNECTIONS,
    }


def run_rss(
    args: argparse.Namespace, notes: dict[str, str], failures: dict[str, str]
) -> dict[str, dict[str, float]]:
    frameworks = [f for f in ("aioloom", "aiohttp") if f in args.framework]
    if not frameworks:
        return {}
    if not raise_fd_limit(RSS_CONNECTIONS + 200):
        print("RSS: skipped, the open-files hard limit is below 1200 (ulimit -Hn)")
        return {}
    runs: dict[str, list[dict[str, float]]] = {}
    rounds = max(1, args.rounds // 2)
    for rnd in range(rounds):
        for loop in args.loop:
            for framework in frameworks if rnd % 2 == 0 else frameworks[::-1]:
                try:
                    run = measure_rss(framework, loop, args, notes)
                except Exception as exc:
                    failures.setdefault(f"{loop} rss {framework}", _failed(exc))
                    continue
                runs.setdefault(f"{framework}/{loop}", []).append(run)
    result = {
        key: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for key, rs in runs.items()
    }
    print(
        f"\nRSS with {RSS_CONNECTIONS} idle keep-alive connections"
        f" (each sent one GET /), median of {rounds} run(s); target: aioloom <= aiohttp"
    )
    print(
        f"{'loop':8} {'framework':9} {'idle MiB':>9} {'1000 conns MiB':>15}"
        f" {'KiB/conn':>9} {'x aiohttp':>10}"
    )
    for loop in args.loop:
        ref = result.get(f"aiohttp/{loop}")
        for framework in frameworks:
            r = result.get(f"{framework}/{loop}")
            if r is None:
                print(f"{loop:8} {framework:9} FAILED")
                continue
            ratio = ""
            if ref is not None and framework == "aioloom":
                value = r["rss_kib"] / ref["rss_kib"]
                r["ratio"] = value
                ratio = f"{value:.2f} {_mark(value <= 1.0)}"
            print(
                f"{loop:8} {framework:9} {r['idle_rss_kib'] / 1024:9.1f}"
                f" {r['rss_kib'] / 1024:15.1f} {r['per_conn_kib']:9.1f} {ratio:>10}"
            )
    return result


# -- main ------------------------------------------------------------------------------


def _choices(value: str, allowed: tuple[str, ...]) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in chosen if v not in allowed]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma-separated)")
    return [v for v in allowed if v in chosen]  # canonical order


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="smoke run: 2 rounds of 1 s")
    p.add_argument("--loop", default="both", choices=("asyncio", "uvloop", "both"))
    p.add_argument(
        "--workload",
        type=lambda v: _choices(v, tuple(WORKLOADS)),
        default=list(WORKLOADS),
        help="comma-separated: plaintext,json,users,echo",
    )
    p.add_argument(
        "--framework",
        type=lambda v: _choices(v, FRAMEWORKS),
        default=list(FRAMEWORKS),
        help="comma-separated: aioloom,aiohttp,bare",
    )
    p.add_argument("--rounds", type=int, help="rounds per cell (default 5, --quick 2)")
    p.add_argument("--duration", type=int, help="seconds per measured wrk run (5, --quick 1)")
    p.add_argument("--warmup", type=int, help="seconds of wrk warm-up (2, --quick 1)")
    p.add_argument("--no-rss", action="store_true", help="skip the idle-connections RSS test")
    p.add_argument("--server-cpu", type=int, help="CPU for the server (default: first allowed)")
    p.add_argument("--client-cpu", type=int, help="CPU for wrk (default: second allowed)")
    p.add_argument("--json", type=Path, help="write samples and medians to this file")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.duration = args.duration or (1 if args.quick else 5)
    args.warmup = args.warmup or (1 if args.quick else 2)
    args.loop = list(LOOPS) if args.loop == "both" else [args.loop]
    default_cpus(args)
    return args


def preflight(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    if args.server_cpu is None or args.client_cpu is None:
        print("warning: fewer than 2 CPUs, server and wrk are not pinned", file=sys.stderr)
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


def print_notes(notes: dict[str, str], failures: dict[str, str]) -> None:
    """What the servers wrote on stderr, and the cells that failed: nothing is hidden."""
    for name, err in notes.items():
        print(f"\nstderr of a {name} server (last lines):", file=sys.stderr)
        print("  " + "\n  ".join(err.splitlines()[-15:]), file=sys.stderr)
    if failures:
        print("\nFAILED cells (first error of each):", file=sys.stderr)
        for cell, error in failures.items():
            print(f"  {cell}: {error}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    preflight(args)
    signal.signal(signal.SIGTERM, _terminate_on_sigterm)  # so `finally` stops servers
    notes: dict[str, str] = {}
    failures: dict[str, str] = {}
    started = time.monotonic()
    try:
        samples = run_http(args, notes, failures)
        cells = summarize(samples, args)
        print_table(cells, args)
        rss = {} if args.no_rss else run_rss(args, notes, failures)
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    finally:
        print_notes(notes, failures)
    verdicts = [ok for c in cells for ok in c.verdict.values()]
    verdicts += [r["ratio"] <= 1.0 for r in rss.values() if "ratio" in r]
    missed = verdicts.count(False)
    print(
        f"\ntargets: {len(verdicts) - missed}/{len(verdicts)} PASS"
        + (f", {len(failures)} cell(s) FAILED" if failures else "")
        + f" ({time.monotonic() - started:.0f} s)"
    )
    if args.json:
        report: dict[str, Any] = {
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "samples": [asdict(s) for s in samples],
            "cells": [asdict(c) for c in cells],
            "rss": rss,
            "server_stderr": notes,
            "failures": failures,
        }
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 1 if args.check and (missed or failures) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the Autobahn|Testsuite fuzzingclient cases (via the PyPI package ``kosoku``)
against an echo server built on aioloom.websocket, and print the tally.

    python tools/autobahn/run.py             # all 517 cases (about 10 min here)
    python tools/autobahn/run.py --subset    # at least one case of every section (CI)
    python tools/autobahn/run.py -c 6.4.* -c 7.1.1

The echo server is the tiny raw upgrade server from packages/websocket/tests
(``ws_testutil.serve``) with permessage-deflate enabled and ``max_msg_size``
raised to 32 MiB (section 9 sends 16 MiB messages). It runs in a child
process so that it does not share a GIL with the runner. Sections 9, 12 and 13
run one case at a time: kosoku stops every case after about 20 s.
Exit status: 0 when no case FAILED (OK, NON-STRICT, INFORMATIONAL pass).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import importlib
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "packages" / "websocket" / "tests"

#: At least one case of every section and sub-group kind; runs in well under a minute.
SUBSET = [
    "1.1.1", "1.1.6", "1.1.8", "1.2.8",
    "2.1", "2.5", "2.6", "2.10",
    "3.1", "3.2", "3.4", "3.7",
    "4.1.1", "4.2.5",
    "5.1", "5.6", "5.9", "5.18", "5.19",
    "6.2.3", "6.3.1", "6.4.1", "6.4.3", "6.8.1", "6.12.1", "6.20.1", "6.21.1", "6.22.1",
    "7.1.1", "7.1.5", "7.3.2", "7.5.1", "7.7.1", "7.9.1", "7.13.1",
    "9.1.1", "9.3.1", "9.5.1", "9.7.1",
    "10.1.1",
    "12.1.1", "12.2.10", "12.5.5",
    "13.1.1", "13.2.1", "13.3.1", "13.5.1", "13.7.1",
]  # fmt: skip

#: Sections that must run one case at a time (big payloads, CPU-bound).
SERIAL_PREFIXES = ("9.", "12.", "13.")

SERVER_OPTIONS: dict[str, Any] = {"compress": True, "max_msg_size": 32 * 1024 * 1024}


def _load_testutil() -> Any:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    return importlib.import_module("ws_testutil")


async def serve_forever(port: int) -> None:
    testutil = _load_testutil()
    server = await testutil.serve(testutil.echo_handler, "127.0.0.1", port, **SERVER_OPTIONS)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


def _split(cases: list[str]) -> tuple[list[str], list[str]]:
    serial = [c for c in cases if c.startswith(SERIAL_PREFIXES)]
    return [c for c in cases if c not in serial], serial


async def run_cases(url: str, cases: list[str] | None, parallel: int) -> list[Any]:
    """Run ``cases`` (None: all) against ``url``; returns kosoku CaseResults."""
    kosoku = importlib.import_module("kosoku")  # optional: only this tool needs it
    failure_error, run_fuzzingclient = kosoku.FailureError, kosoku.run_fuzzingclient

    async def run(selection: list[str] | None, exclude: list[str] | None, p: int) -> list[Any]:
        try:
            return list(
                await run_fuzzingclient(url, cases=selection, exclude_cases=exclude, concurrency=p)
            )
        except failure_error as exc:
            return list(exc.results)

    if cases is None:
        globs = [prefix + "*" for prefix in SERIAL_PREFIXES]
        results = await run(None, globs, parallel)
        return results + await run(globs, None, 1)
    fast, serial = _split(cases)
    results = await run(fast, None, parallel) if fast else []
    return results + (await run(serial, None, 1) if serial else [])


def tally(results: list[Any]) -> tuple[collections.Counter[str], list[Any]]:
    counts: collections.Counter[str] = collections.Counter(r.behavior.value for r in results)
    failed = [r for r in results if not r.passed]
    return counts, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", action="store_true", help="the fast CI subset")
    parser.add_argument("-c", "--case", action="append", help="case id or glob (repeatable)")
    parser.add_argument("-p", "--parallel", type=int, default=2, help="parallel cases (1-7, 10)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve_forever(args.serve))
        return 0
    if importlib.util.find_spec("kosoku") is None:
        print("kosoku is not installed: pip install kosoku", file=sys.stderr)
        return 2
    cases: list[str] | None = SUBSET if args.subset else args.case
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH")])))
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.strip().isascii() or not line.strip():
            print("echo server did not start", file=sys.stderr)
            return 2
        url = f"ws://127.0.0.1:{int(line)}"
        started = time.monotonic()
        results = asyncio.run(run_cases(url, cases, args.parallel))
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(10)
    counts, failed = tally(results)
    for r in failed:
        print(
            f"FAILED {r.case_id}: {r.behavior.value}/{r.behavior_close.value} "
            f"{r.duration} ms - {r.result}"
        )
    summary = ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
    print(f"autobahn: {len(results)} cases in {elapsed:.0f}s: {summary}; {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Plumbing shared by the app scripts the server benchmarks start (not a benchmark).

bench_server.py and bench_ws_server.py start each app from tools/bench as
``python -m _server_apps.<script> <framework> <loop>``. The app binds 127.0.0.1 on a
free port, prints ``READY <port>`` on stdout, and serves until it is terminated or
its stdin reaches EOF (the benchmark died), so a server never outlives its benchmark.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Awaitable, Callable

# Backlog for every server: the RSS benchmark opens 1000 connections in a burst.
BACKLOG = 1024


def _exit_when_parent_goes() -> None:
    sys.stdin.buffer.read()  # returns at EOF: the benchmark closed the pipe or died
    os._exit(0)


def announce(port: int) -> None:
    print(f"READY {port}", flush=True)


def serve(start: Callable[[], Awaitable[object]], loop_name: str) -> None:
    """Run ``start()`` (which binds and announces), then serve until stopped."""
    threading.Thread(target=_exit_when_parent_goes, daemon=True).start()

    async def main() -> None:
        keep = await start()  # noqa: F841 -- runners/servers stay referenced while serving
        await asyncio.Event().wait()

    if loop_name == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(main())
    elif loop_name == "asyncio":
        asyncio.run(main())
    else:
        raise SystemExit(f"unknown loop {loop_name!r}")

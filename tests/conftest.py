"""Helpers for cross-package tests that drive real processes and sockets."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parent.parent


def require_tool(name: str) -> str:
    """The path of an external tool; skip without it, except in CI where it must exist."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@pytest.fixture
def curl() -> Callable[..., str]:
    """Run curl (an independent HTTP client) and return its ``-i`` output with LF endings."""
    binary = require_tool("curl")

    def run(*args: str) -> str:
        result = subprocess.run(
            [binary, "-sS", "-i", "--max-time", "10", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.replace("\r\n", "\n")

    return run


class _AppServer:
    """Serve apps on 127.0.0.1 in this event loop; cleaned up by the fixture."""

    def __init__(self) -> None:
        self.runners: list[Any] = []

    require = staticmethod(require_tool)

    async def start(self, app: Any) -> int:
        from aioloom import web

        runner = web.AppRunner(app)
        await runner.setup()
        self.runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])


@pytest_asyncio.fixture
async def serve_app() -> AsyncIterator[_AppServer]:
    server = _AppServer()
    yield server
    for runner in reversed(server.runners):
        await runner.cleanup()


@pytest.fixture
def serve_cli() -> Iterator[Callable[..., int]]:
    """Start ``python -m aioloom.web`` with the given arguments; stop it afterwards."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> int:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "aioloom.web", "-H", "127.0.0.1", "-P", str(port), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        wait_for_port(port, process)
        return port

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

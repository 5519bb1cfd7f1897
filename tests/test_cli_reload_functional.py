"""``python -m aioloom.web --reload``: a changed source file is served by a new process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

APP = """
from aioloom import web


async def answer(request: web.Request) -> web.Response:
    return web.Response(text={text!r} + " " + str(__import__("os").getpid()))


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", answer)
    return app
"""


def _get(socket_path: Path) -> str:
    """The body of ``GET /`` over the Unix socket, or "" when nothing answers."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2)
        try:
            sock.connect(str(socket_path))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n")
            received = b"".join(iter(lambda: sock.recv(4096), b""))
        except OSError:
            return ""
    head, _, body = received.partition(b"\r\n\r\n")
    return body.decode() if head.startswith(b"HTTP/1.1 200 ") else ""


def _answer(socket_path: Path, deadline: float, unlike: str = "") -> str:
    """The first answer other than ``unlike``, polling until ``deadline``."""
    while time.monotonic() < deadline:
        text = _get(socket_path)
        if text and text != unlike:
            return text
        time.sleep(0.05)
    raise TimeoutError(f"no new answer on {socket_path} (last: {unlike!r})")


@pytest.fixture
def reloading(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    (tmp_path / "reload_app.py").write_text(APP.format(text="one"))
    socket_path = tmp_path / "app.sock"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    command = ["-m", "aioloom.web", "--reload", "-U", str(socket_path), "reload_app:create_app"]
    process = subprocess.Popen(
        [sys.executable, *command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the server child too is stopped below, on any outcome
    )
    try:
        yield process, socket_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # as Ctrl+C: watchfiles stops its child
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_reload_serves_the_changed_source(
    reloading: tuple[subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    process, socket_path = reloading
    first = _answer(socket_path, time.monotonic() + 20)
    assert first.startswith("one ")

    (tmp_path / "reload_app.py").write_text(APP.format(text="two"))
    second = _answer(socket_path, time.monotonic() + 20, unlike=first)
    word, pid = second.split()
    assert word == "two"
    assert pid != first.split()[1], "the new source was served by the old process"

    (tmp_path / "notes.txt").write_text("not Python: no restart")
    time.sleep(1.0)  # watchfiles reports a change within step (50 ms) to debounce (1.6 s)
    assert _answer(socket_path, time.monotonic() + 5) == second

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    assert process.stdout is not None
    log = process.stdout.read().decode()
    assert "reload_app.py changed, restarting" in log

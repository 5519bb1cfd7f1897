"""aiohttp-devtools: ``adev runserver`` serves an aiohttp app on aioloom and reloads it.

``python -m aioloom.aiohttp_compat.adev`` is ``adev`` with compat installed in
the parent (the auxiliary livereload app) and in the child process that runs
the application (multiprocessing's "spawn" imports the main module first).
Each test runs in child processes: runserver sets multiprocessing's start
method, once per process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

NOTES = Path(__file__).parent.parent / "aiohttp_app" / "notes.py"

ACCEPTS = f"""
import asyncio
from aioloom.aiohttp_compat import install
install()
from aioloom import web
from aiohttp_devtools.runserver import runserver
from aiohttp_devtools.runserver.config import Config

config = Config(app_path={str(NOTES)!r}, app_factory_name="create_app", main_port=0)
app = asyncio.run(config.load_app(config.import_app_factory()))
assert isinstance(app, web.Application), type(app)
served = runserver(app_path={str(NOTES)!r}, app_factory_name="create_app", main_port=0)
assert isinstance(served["app"], web.Application)
assert issubclass(served["access_log_class"], web.AbstractAccessLogger)
print("accepted")
"""

# An application written for aiohttp only; the test edits VERSION.
APP = """
import os

from aiohttp import web

VERSION = "v1"


async def page(request: web.Request) -> web.Response:
    html = f"<html><body>{VERSION} {os.getpid()}</body></html>"
    return web.Response(text=html, content_type="text/html")


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", page)
    return app
"""

LIVERELOAD = "http://livereload.com/protocols/official-7"


def test_runserver_accepts_the_app_factory() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ACCEPTS], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("accepted")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, process: subprocess.Popen[bytes], until: str, seconds: float = 30) -> str:
    """GET ``url`` until the answer contains ``until``."""
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            text = httpx.get(url, headers={"Connection": "close"}).text
        if until in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"no {until!r} from {url} (last answer {text!r})")


Adev = Callable[..., tuple[subprocess.Popen[bytes], int, int]]


@pytest.fixture
def adev(tmp_path: Path) -> Iterator[Adev]:
    """``start(*options)``: ``python -m aioloom.aiohttp_compat.adev runserver app.py``
    in ``tmp_path``; the process, the app's port and the auxiliary app's port."""
    (tmp_path / "app.py").write_text(APP)
    started: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> tuple[subprocess.Popen[bytes], int, int]:
        port, aux_port = _free_port(), _free_port()
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "aioloom.aiohttp_compat.adev", "runserver", "app.py"),
                *("--port", str(port), "--aux-port", str(aux_port)),
                *("--app-factory", "create_app", *options),
            ],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: the app's process goes with it on failure
        )
        started.append(process)
        return process, port, aux_port

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=20)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)


def test_runserver_serves_and_reloads_the_app(adev: Adev, tmp_path: Path) -> None:
    process, port, aux_port = adev()
    page = _get(f"http://127.0.0.1:{port}/", process, until="v1")
    # The app runs in a process of its own, on aioloom, with the livereload snippet.
    assert page.startswith("<html><body>v1 ")
    served_by = page.split()[1].removesuffix("</body></html>")
    assert int(served_by) != process.pid
    assert f'<script src="http://127.0.0.1:{aux_port}/livereload.js"></script>' in page
    response = httpx.get(f"http://127.0.0.1:{port}/")
    assert (response.headers["Server"], response.headers["Cache-Control"]) == (
        "aioloom",
        "no-cache",
    )
    assert "livereload" in httpx.get(f"http://127.0.0.1:{aux_port}/livereload.js").text

    # A browser's livereload connection to the auxiliary app (aioloom's websockets).
    with connect(f"ws://127.0.0.1:{aux_port}/livereload", open_timeout=10) as browser:
        browser.send(json.dumps({"command": "hello", "protocols": [LIVERELOAD]}))
        assert json.loads(browser.recv(timeout=10))["protocols"] == [LIVERELOAD]
        browser.send(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
        time.sleep(0.2)  # "info" has no answer

        # Edit the app: runserver restarts its process and tells the browser to reload.
        (tmp_path / "app.py").write_text(APP.replace('"v1"', '"v2"'))
        reload = json.loads(browser.recv(timeout=30))
        assert (reload["command"], reload["path"]) == ("reload", "/")
    page = _get(f"http://127.0.0.1:{port}/", process, until="v2")
    assert page.split()[1].removesuffix("</body></html>") != served_by  # a new process

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert b"Restarting dev server" in out + err


def test_runserver_serves_static_files(adev: Adev, tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.html").write_text("<html><body>static</body></html>")
    (tmp_path / "static" / "site.css").write_text("body {}")
    process, _, aux_port = adev("--static", "static")
    css = _get(f"http://127.0.0.1:{aux_port}/static/site.css", process, until="body {}")
    assert css == "body {}"
    index = httpx.get(f"http://127.0.0.1:{aux_port}/static/")
    assert index.text.startswith("<html><body>static</body></html>")
    assert '<script src="/livereload.js"></script>' in index.text
    missing = httpx.get(f"http://127.0.0.1:{aux_port}/static/nope.css")
    assert missing.status_code == 404
    assert "site.css" in missing.text

"""The deployment page's configurations, run for real: nginx in front of the showcase
(``docs/deploy/nginx.conf``) and Gunicorn with ``docs/deploy/gunicorn.conf.py``."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import pytest_asyncio
from websockets.asyncio.client import connect

from aioloom import web

from .conftest import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "docs" / "deploy"


def _load_showcase() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "deploy_showcase", ROOT / "examples" / "showcase" / "app.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHOWCASE = _load_showcase()
STATIC: Path = SHOWCASE.STATIC

PEERS = web.AppKey("peers", list[tuple[str, str]])


def _nginx() -> str:
    # Debian puts nginx in /usr/sbin, which a non-root PATH may lack.
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed")
    return nginx


@web.middleware
async def record_peer(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    """Which upstream connection (nginx's source port) carried which path."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    request.app[PEERS].append((request.path, str(peer[1] if peer else None)))
    return await handler(request)


def _site_config(backend_port: int, listen_port: int) -> str:
    site = (DEPLOY / "nginx.conf").read_text()
    replacements = {
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{backend_port};",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "alias /srv/app/static/;": f"alias {STATIC}/;",
    }
    for old, new in replacements.items():
        assert site.count(old) == 1, f"docs/deploy/nginx.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@pytest_asyncio.fixture
async def behind_nginx(
    serve_app: object, tmp_path: Path
) -> AsyncIterator[tuple[int, web.Application]]:
    """The showcase served on a free port, and nginx with the docs' config in front."""
    nginx = _nginx()
    app = SHOWCASE.create_app()
    app[PEERS] = []
    app.middlewares.append(record_peer)
    backend_port = await serve_app.start(app)  # type: ignore[attr-defined]
    port = free_port()
    (tmp_path / "site.conf").write_text(_site_config(backend_port, port))
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    process = await asyncio.create_subprocess_exec(
        nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            if process.returncode is not None:
                pytest.fail(f"nginx exited: {(tmp_path / 'error.log').read_text()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            await writer.wait_closed()
            break
        yield port, app
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGQUIT)  # graceful: lets open connections finish
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


@pytest.mark.asyncio
async def test_nginx_in_front_with_the_documented_config(
    behind_nginx: tuple[int, web.Application],
) -> None:
    port, app = behind_nginx
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        page = await client.get("/")
        assert page.status_code == 200
        assert "text/html" in page.headers["Content-Type"]
        posted = await client.post("/api/notes", json={"text": "through nginx"})
        assert posted.status_code == 201
        assert posted.json()["text"] == "through nginx"
        notes = (await client.get("/api/notes")).json()["notes"]
        assert notes[-1]["text"] == "through nginx"
        for _ in range(3):
            assert (await client.get("/api/notes")).status_code == 200
        # nginx serves /static/ itself: the bytes of the file, no upstream request.
        script = await client.get("/static/app.js")
        assert script.content == (STATIC / "app.js").read_bytes()
        # proxy_buffering off: server-sent events come through as they are written.
        async with client.stream("GET", "/events", params={"count": "2"}) as events:
            lines = [line async for line in events.aiter_lines() if line.startswith("data: ")]
        assert [json.loads(line[6:])["n"] for line in lines] == [0, 1]

    upstream = app[PEERS]
    assert not any(path.startswith("/static/") for path, _ in upstream)
    plain = [peer for path, peer in upstream if path in {"/", "/api/notes"}]
    assert len(plain) == 6
    # proxy_http_version 1.1, an empty Connection and `keepalive`: one upstream connection.
    assert len(set(plain)) == 1, f"nginx opened a connection per request: {upstream}"

    # The WebSocket upgrade goes through: the chat echoes to its members.
    async with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=10) as ws:
        await ws.send(json.dumps({"name": "ada", "text": "hello via nginx"}))
        said = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert said == {"name": "ada", "text": "hello via nginx"}


def _documented_app() -> str:
    """The application argument in the config's first line, the command to run it."""
    first = (DEPLOY / "gunicorn.conf.py").read_text().splitlines()[0]
    command = shlex.split(first.removeprefix("#"))
    assert command[:3] == ["gunicorn", "-c", "gunicorn.conf.py"], first
    return command[3]


def test_gunicorn_with_the_documented_config() -> None:
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
    if gunicorn is None:
        pytest.fail("gunicorn is a test dependency (hatch.toml)")
    port = free_port()
    process = subprocess.Popen(
        [gunicorn, "-c", str(DEPLOY / "gunicorn.conf.py"), _documented_app()],
        cwd=ROOT,
        env={**os.environ, "BIND": f"127.0.0.1:{port}", "WORKERS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            assert client.get("/").status_code == 200
            notes = client.get("/api/notes")
            assert notes.json()["notes"][0]["text"] == "Welcome to aioloom"
        process.send_signal(signal.SIGTERM)  # graceful stop, as systemd and docker do
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err.decode()
    # accesslog = "-" with the config's format: '%a %t "%r" %s %b %Tf'
    assert '"GET /api/notes HTTP/1.1" 200 ' in out.decode()
    assert "Using worker: aioloom.web.GunicornWebWorker" in err.decode()

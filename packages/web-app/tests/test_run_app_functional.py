"""run_app and runners in real processes and sockets: graceful shutdown, signals,
context variables, several hosts, TLS, Unix and socket sites, access logs."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aioloom import web


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Script:
    """A Python script run in a subprocess, read line by line."""

    def __init__(self, tmp_path: Path, code: str, *args: str) -> None:
        path = tmp_path / "app_script.py"
        path.write_text(textwrap.dedent(code))
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(path), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, marker: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"exited before {marker!r}: {self.stderr()}")
            self.lines.append(line.rstrip("\n"))
            if marker in line:
                return
        raise AssertionError(f"no {marker!r} within {timeout}s; got {self.lines}")

    def finish(self, timeout: float = 20) -> tuple[int, list[str]]:
        out, _ = self.process.communicate(timeout=timeout)
        self.lines.extend(out.splitlines())
        return self.process.returncode, self.lines

    def stderr(self) -> str:
        self.process.kill()
        _, err = self.process.communicate()
        return err

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


@pytest.fixture
def script(tmp_path: Path) -> Iterator[type[Script]]:
    made: list[Script] = []

    class Tracked(Script):
        def __init__(self, code: str, *args: str) -> None:
            super().__init__(tmp_path, code, *args)
            made.append(self)

    yield Tracked  # type: ignore[misc]
    for item in made:
        item.stop()


GRACEFUL_APP = """
    import asyncio, sys
    from aioloom import web

    async def slow(request):
        print("handler started", flush=True)
        await asyncio.sleep(float(request.query.get("t", "1")))
        return web.Response(text="slow done")

    async def on_shutdown(app):
        print("on_shutdown", flush=True)

    async def on_cleanup(app):
        print("on_cleanup", flush=True)

    app = web.Application()
    app.router.add_get("/slow", slow)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]),
                shutdown_timeout=float(sys.argv[2]), print=lambda s: print("ready", flush=True))
    print("exited", flush=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown_completes_the_request_in_flight(script, signum: int) -> None:
    port = free_port()
    app = script(GRACEFUL_APP, str(port), "10")
    app.wait_for("ready")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /slow?t=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        app.wait_for("handler started")
        app.process.send_signal(signum)
        time.sleep(0.3)
        with pytest.raises(ConnectionRefusedError):  # step 1: no longer listening
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close\r\n" in data
    assert data.endswith(b"slow done")
    code, lines = app.finish()
    assert code == 0
    assert lines[-3:] == ["on_shutdown", "on_cleanup", "exited"]


def test_shutdown_timeout_cancels_handlers_that_take_too_long(script) -> None:
    port = free_port()
    app = script(GRACEFUL_APP, str(port), "0.5")
    app.wait_for("ready")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /slow?t=60 HTTP/1.1\r\nHost: x\r\n\r\n")
        app.wait_for("handler started")
        started = time.monotonic()
        app.process.send_signal(signal.SIGTERM)
        assert sock.recv(65536) == b""  # closed without an answer
    code, lines = app.finish()
    assert time.monotonic() - started < 15
    assert code == 0
    assert lines[-3:] == ["on_shutdown", "on_cleanup", "exited"]


CONTEXTVARS_DOCS_EXAMPLE = """
    import sys
    from contextvars import ContextVar

    from aioloom import web

    VAR = ContextVar('VAR', default='default')


    async def coro():
        return VAR.get()


    async def handler(request):
        var = VAR.get()
        VAR.set('handler')
        ret = await coro()
        return web.Response(text='\\n'.join([var,
                                             ret]))


    async def on_startup(app):
        print('on_startup', VAR.get())
        VAR.set('on_startup')


    async def on_cleanup(app):
        print('on_cleanup', VAR.get())
        VAR.set('on_cleanup')


    async def init():
        print('init', VAR.get())
        VAR.set('init')
        app = web.Application()
        app.router.add_get('/', handler)

        app.on_startup.append(on_startup)
        app.on_cleanup.append(on_cleanup)
        return app


    web.run_app(init(), host='127.0.0.1', port=int(sys.argv[1]), print=lambda s: print('ready'))
    print('done', VAR.get())
"""


def test_contextvars_docs_example(script) -> None:
    port = free_port()
    app = script(CONTEXTVARS_DOCS_EXAMPLE, str(port))
    app.wait_for("ready")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        # Two requests on one connection: the first one's VAR.set is invisible to the second.
        assert client.get("/").text == "on_startup\nhandler"
        assert client.get("/").text == "on_startup\nhandler"
    app.process.send_signal(signal.SIGINT)
    code, lines = app.finish()
    assert code == 0
    assert lines == [
        "init default",
        "on_startup init",
        "ready",
        "on_cleanup on_startup",
        "done default",
    ]


def test_run_app_accepts_a_coroutine_and_several_hosts(script) -> None:
    port = free_port()
    app = script(
        """
        import sys
        from aioloom import web

        async def hello(request):
            return web.Response(text="hi")

        async def make():
            app = web.Application()
            app.router.add_get("/", hello)
            return app

        web.run_app(make(), host=["127.0.0.1", "127.0.0.2"], port=int(sys.argv[1]))
        """,
        str(port),
    )
    app.wait_for("Running on")
    assert "http://127.0.0.1:" in app.lines[-1]
    assert "http://127.0.0.2:" in app.lines[-1]
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "hi"
    assert httpx.get(f"http://127.0.0.2:{port}/").text == "hi"
    app.process.send_signal(signal.SIGTERM)
    assert app.finish()[0] == 0


@pytest.mark.asyncio
async def test_tls_site_with_a_self_signed_certificate() -> None:
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.scheme} {request.secure} {request.url.scheme}")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = runner.addresses[0][1]
    assert site.name.startswith("https://127.0.0.1:")
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    try:
        async with httpx.AsyncClient(verify=client_context) as client:
            response = await client.get(f"https://127.0.0.1:{port}/")
        assert response.text == "https True https"
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_unix_and_sock_sites(tmp_path: Path) -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="over " + request.path)

    app = web.Application()
    app.router.add_get("/{where}", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    path = str(tmp_path / "s.sock")
    await web.UnixSite(runner, path).start()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock_site = web.SockSite(runner, sock)
    await sock_site.start()
    try:
        transport = httpx.AsyncHTTPTransport(uds=path)
        async with httpx.AsyncClient(transport=transport) as client:
            assert (await client.get("http://unix/unix")).text == "over /unix"
        async with httpx.AsyncClient() as client:
            assert (await client.get(sock_site.name + "/sock")).text == "over /sock"
        assert {site.name for site in runner.sites} == {f"http://unix:{path}:", sock_site.name}
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_access_log_format_and_custom_class(caplog: pytest.LogCaptureFixture) -> None:
    async def hello(request: web.Request) -> web.Response:
        response = web.Response(text="12345")
        response.headers["X-Out"] = "out"
        return response

    lines: list[str] = []

    class Recorder(web.AbstractAccessLogger):
        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            lines.append(f"{request.method} {request.path} {response.status} {time >= 0}")

    for kwargs in (
        {"access_log_format": '%a "%r" %s %b %{User-Agent}i %{X-Out}o %Tf %%'},
        {"access_log_class": Recorder},
        {"access_log": None},
    ):
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, **kwargs)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="aioloom.access"):
            async with httpx.AsyncClient(headers={"User-Agent": "agent/1"}) as client:
                await client.get(f"http://127.0.0.1:{runner.addresses[0][1]}/?q=1")
            await runner.cleanup()
        records = [r.getMessage() for r in caplog.records if r.name == "aioloom.access"]
        if "access_log_format" in kwargs:
            [line] = records
            assert line.startswith('127.0.0.1 "GET /?q=1 HTTP/1.1" 200 ')
            assert line.endswith(" %")
            assert " agent/1 out " in line
        else:
            assert records == []
    assert lines == ["GET / 200 True"]


def test_cli_help_and_unix_path(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aioloom.web", "--help"], capture_output=True, text=True, check=True
    )
    for flag in ("-H", "-P", "-U", "entry-func"):
        assert flag in result.stdout
    module = tmp_path / "cli_target.py"
    module.write_text(
        "from aioloom import web\n"
        "ARGV = web.AppKey('argv', list)\n"
        "async def hello(request):\n"
        "    return web.Response(text='argv=' + ','.join(request.app[ARGV]))\n"
        "def make(argv):\n"
        "    app = web.Application()\n"
        "    app[ARGV] = argv\n"
        "    app.router.add_get('/', hello)\n"
        "    return app\n"
    )
    path = str(tmp_path / "cli.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "aioloom.web", "-U", path, "cli_target:make", "--flag", "x"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(transport=httpx.HTTPTransport(uds=path)) as client:
            assert client.get("http://unix/").text == "argv=--flag,x"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_gunicorn_worker_serves_with_two_workers(tmp_path: Path) -> None:
    pytest.importorskip("gunicorn")
    (tmp_path / "gapp.py").write_text(
        "import os\n"
        "from aioloom import web\n"
        "async def pid(request):\n"
        "    return web.Response(text=str(os.getpid()))\n"
        "app = web.Application()\n"
        "app.router.add_get('/', pid)\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gapp:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "aioloom.web.GunicornWebWorker",
            "--graceful-timeout",
            "5",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        pids: set[str] = set()
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                with httpx.Client() as client:
                    response = client.get(
                        f"http://127.0.0.1:{port}/", headers={"Connection": "close"}
                    )
                assert response.status_code == 200
                pids.add(response.text)
            except httpx.TransportError:
                time.sleep(0.1)
        assert pids, "gunicorn never answered"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert b"Booting worker" in err
    assert err.count(b"Booting worker") == 2


def test_uvloop_runs_the_app() -> None:
    uvloop = pytest.importorskip("uvloop")

    async def main() -> str:
        async def hello(request: web.Request) -> web.Response:
            return web.Response(text=type(asyncio.get_running_loop()).__module__)

        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"http://127.0.0.1:{runner.addresses[0][1]}/")).text
        finally:
            await runner.cleanup()

    assert uvloop.run(main()).startswith("uvloop")

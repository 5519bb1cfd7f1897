"""The ways in: the CLI, the Gunicorn worker, and the pytest plugin with an app's own suite."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

APP = Path(__file__).parent / "aiohttp_app"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            return httpx.get(url, headers={"Connection": "close"})
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    _, err = process.communicate()
    raise AssertionError(f"the server never answered:\n{err.decode()}")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(APP)}


def test_the_cli_serves_an_aiohttp_factory(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "aioloom.aiohttp_compat"),
            *("-H", "127.0.0.1", "-P", str(port), "notes:create_app"),
        ],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/", process)
        assert response.text == "1 notes"
        note = httpx.get(f"http://127.0.0.1:{port}/notes/hello")
        assert note.json() == {"name": "hello", "text": "world"}
        missing = httpx.get(f"http://127.0.0.1:{port}/notes/nope")
        assert (missing.status_code, missing.text) == (404, "no note nope")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_without_compat_the_plain_cli_refuses_the_aiohttp_app(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aioloom.web", "notes:create_app"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "not an aioloom.web.Application" in result.stderr


def test_the_gunicorn_worker_installs_compat_before_the_app(tmp_path: Path) -> None:
    pytest.importorskip("gunicorn")
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "notes:gunicorn_app"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "5"),
            *("--worker-class", "aioloom.aiohttp_compat.GunicornWebWorker"),
        ],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/", process)
        assert response.text == "1 notes"
        served_by = response.headers["X-Served-By"]
        assert served_by.startswith("notes/")
        assert served_by != f"notes/{process.pid}"  # a worker answered, not the arbiter
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert err.count(b"Booting worker") == 2


def test_an_app_s_pytest_aiohttp_suite_runs_unchanged(pytester: pytest.Pytester) -> None:
    shutil.copy(APP / "notes.py", pytester.path / "notes.py")
    shutil.copy(APP / "notes_tests.py", pytester.path / "test_notes.py")
    pytester.makeini(
        "[pytest]\n"
        "asyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\n"
        "addopts = -p aioloom.aiohttp_compat.pytest_plugin\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)


def test_the_plugin_installs_before_conftests_import_aiohttp_web(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest("from aiohttp import web\nAPP_CLASS = web.Application\n")
    pytester.makepyfile(
        "from aioloom import web as aioloom_web\n"
        "from conftest import APP_CLASS\n"
        "import aiohttp.test_utils\n"
        "from aioloom import testing\n"
        "def test_conftest_saw_aioloom():\n"
        "    assert APP_CLASS is aioloom_web.Application\n"
        "    assert aiohttp.test_utils.TestClient is testing.TestClient\n"
    )
    result = pytester.runpytest_subprocess(
        "-p", "aioloom.aiohttp_compat.pytest_plugin", "-p", "no:cacheprovider", "-q"
    )
    result.assert_outcomes(passed=1)


def test_a_suite_s_own_aiohttp_client_cls(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import pytest\n"
        "from aiohttp import web\n"
        "from aiohttp.test_utils import TestClient\n"
        "class NotesClient(TestClient):\n"
        "    closed = 0\n"
        "    async def text_of(self, path):\n"
        "        return await (await self.get(path)).text()\n"
        "    async def close(self):\n"
        "        NotesClient.closed += 1\n"
        "        await super().close()\n"
        "@pytest.fixture\n"
        "def aiohttp_client_cls():\n"
        "    return NotesClient\n"
        "def make_app():\n"
        "    async def hello(request):\n"
        "        return web.Response(text='hello')\n"
        "    app = web.Application()\n"
        "    app.router.add_get('/', hello)\n"
        "    return app\n"
    )
    pytester.makepyfile(
        "from conftest import NotesClient, make_app\n"
        "async def test_the_client_is_the_suite_s(aiohttp_client, aiohttp_server):\n"
        "    client = await aiohttp_client(make_app())\n"
        "    assert isinstance(client, NotesClient)\n"
        "    assert await client.text_of('/') == 'hello'\n"
        "    other = await aiohttp_client(make_app)  # a factory\n"
        "    assert await other.text_of('/') == 'hello'\n"
        "    server = await aiohttp_server(make_app())\n"
        "    third = await aiohttp_client(server)\n"
        "    assert await third.text_of('/') == 'hello'\n"
        "def test_each_client_was_closed():\n"
        "    assert NotesClient.closed == 3\n"
    )
    pytester.makeini(
        "[pytest]\n"
        "asyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\n"
        "addopts = -p aioloom.aiohttp_compat.pytest_plugin\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)

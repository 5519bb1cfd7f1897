"""A 50 MiB upload keeps the server's memory flat (its own /proc accounting, not timing).

The server runs in a subprocess (``web.run_app``), so the numbers are that
process's alone: VmRSS before the upload, VmHWM (the peak) after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc"),
]

MiB = 1024 * 1024
UPLOAD_SIZE = 50 * MiB
MAX_GROWTH = 10 * MiB

SERVER = """
import hashlib
import socket
import sys

from aioloom import web


async def upload(request):
    data = await request.post()
    field = data["file"]
    sha = hashlib.sha256()
    size = 0
    while chunk := field.file.read(256 * 1024):
        sha.update(chunk)
        size += len(chunk)
    return web.json_response({"name": data["name"], "size": size, "sha256": sha.hexdigest()})


async def ping(request):
    return web.Response(text="pong")


app = web.Application(client_max_size=64 * 1024 * 1024)
app.router.add_post("/upload", upload)
app.router.add_get("/ping", ping)
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
print(sock.getsockname()[1], flush=True)
web.run_app(app, sock=sock, print=None, access_log=None)
"""


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, int]]:
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield process.pid, port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def payload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "big.bin"
    block = os.urandom(MiB)
    with path.open("wb") as file:
        for index in range(UPLOAD_SIZE // MiB):
            file.write(bytes([index]) + block[1:])
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


async def warm_up(http: httpx.AsyncClient) -> None:
    """Exercise the whole path once, so imports and first allocations are not counted."""
    for _ in range(3):
        response = await http.post(
            "/upload", data={"name": "warm"}, files={"file": ("w.bin", os.urandom(2 * MiB))}
        )
        assert response.status_code == 200


async def test_50_MiB_upload_with_httpx_keeps_rss_flat(
    server: tuple[int, int], payload: Path
) -> None:
    pid, port = server
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        await warm_up(http)
        before = memory_kib(pid)
        with payload.open("rb") as file:
            response = await http.post(
                "/upload", data={"name": "big"}, files={"file": ("big.bin", file)}
            )
        after = memory_kib(pid)
    assert response.status_code == 200
    assert response.json() == {"name": "big", "size": UPLOAD_SIZE, "sha256": sha256(payload)}
    growth = (after["VmHWM"] - before["VmRSS"]) * 1024
    assert growth < MAX_GROWTH, (before, after)


async def test_50_MiB_upload_with_curl_keeps_rss_flat(
    server: tuple[int, int], payload: Path
) -> None:
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is required in CI")
        pytest.skip("curl is not installed")
    pid, port = server
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        await warm_up(http)
    before = memory_kib(pid)
    process = await asyncio.create_subprocess_exec(
        curl,
        "-sS",
        "-F",
        "name=big",
        "-F",
        f"file=@{payload}",
        f"http://127.0.0.1:{port}/upload",
        stdout=subprocess.PIPE,
    )
    out, _ = await process.communicate()
    after = memory_kib(pid)
    assert process.returncode == 0
    assert json.loads(out) == {"name": "big", "size": UPLOAD_SIZE, "sha256": sha256(payload)}
    growth = (after["VmHWM"] - before["VmRSS"]) * 1024
    assert growth < MAX_GROWTH, (before, after)

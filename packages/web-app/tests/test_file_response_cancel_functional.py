"""Cancelling ``request.task`` while a FileResponse streams: the connection closes.

aiohttp closes the connection (its client then sees a ClientPayloadError); it must
not stay open and silent with the body half sent.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from aioloom import web
from aioloom.web.files import _sendfile

from .conftest import ServeFactory

SIZE = 16 * 1024 * 1024


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.bin"
    with path.open("wb") as f:
        for i in range(SIZE // 65536):
            f.write(bytes([i % 251]) * 65536)
    return path


def make_app(path: Path, tasks: asyncio.Queue[asyncio.Task[object]]) -> web.Application:
    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.task is not None
        tasks.put_nowait(request.task)
        # A small send buffer: the file cannot all be in the kernel when we cancel.
        request.transport.get_extra_info("socket").setsockopt(  # type: ignore[union-attr]
            socket.SOL_SOCKET, socket.SO_SNDBUF, 4096
        )
        return web.FileResponse(path)

    app = web.Application()
    app.router.add_get("/", handler)
    return app


@pytest.mark.both_loops
@pytest.mark.asyncio
@pytest.mark.parametrize("sendfile", [True, False], ids=["sendfile", "chunks"])
async def test_cancelled_task_closes_the_connection_mid_file(
    serve: ServeFactory, huge: Path, sendfile: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sendfile, "_NOSENDFILE", not sendfile)  # (uvloop: chunks anyway)
    tasks: asyncio.Queue[asyncio.Task[object]] = asyncio.Queue()
    server = await serve(make_app(huge, tasks))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(10):
        while b"\r\n\r\n" not in conn.received:
            conn.received += await conn.reader.read(65536)
    assert conn.received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"Content-Length: {SIZE}\r\n".encode() in conn.received
    (await tasks.get()).cancel()

    # What was in flight may still arrive, then the end of the connection: promptly,
    # not after the keep-alive timeout.
    received = len(conn.received.partition(b"\r\n\r\n")[2])
    async with asyncio.timeout(5):
        while chunk := await conn.reader.read(1024 * 1024):
            received += len(chunk)
    assert received < SIZE


@pytest.mark.asyncio
async def test_aiohttp_client_sees_a_payload_error(serve: ServeFactory, huge: Path) -> None:
    tasks: asyncio.Queue[asyncio.Task[object]] = asyncio.Queue()
    server = await serve(make_app(huge, tasks))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/") as response,
    ):
        assert response.status == 200
        (await tasks.get()).cancel()
        received = 0

        async def read_to_the_end() -> None:
            nonlocal received
            async with asyncio.timeout(5):
                while chunk := await response.content.read(65536):
                    received += len(chunk)

        with pytest.raises(aiohttp.ClientPayloadError):
            await read_to_the_end()
        assert received < SIZE

"""Streamed (chunked) responses over a real socket: piece by piece, with back-pressure."""

from __future__ import annotations

import asyncio

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

pytestmark = pytest.mark.asyncio

MiB = 1024 * 1024


def dechunk(body: bytes) -> bytes:
    out = bytearray()
    position = 0
    while True:
        line_end = body.index(b"\r\n", position)
        size = int(body[position:line_end], 16)
        start = line_end + 2
        if size == 0:
            assert body[start:] == b"\r\n"
            return bytes(out)
        out += body[start : start + size]
        assert body[start + size : start + size + 2] == b"\r\n"
        position = start + size + 2


@pytest.mark.both_loops
async def test_chunks_leave_as_they_are_written(aioloom_client: AioloomClient) -> None:
    proceed = asyncio.Event()

    async def pieces(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"hello")
        async with asyncio.timeout(10):
            await proceed.wait()  # the client has "hello" before the next write
        await response.write(b", world")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/", pieces)
    client = await aioloom_client(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        async with asyncio.timeout(10):
            while not data.endswith(b"5\r\nhello\r\n"):
                chunk = await reader.read(65536)
                assert chunk, data
                data += chunk
            assert b"Transfer-Encoding: chunked" in data
            proceed.set()
            data += await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    assert data.endswith(b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")


@pytest.mark.both_loops
async def test_slow_reader_makes_write_wait_instead_of_buffering(
    aioloom_client: AioloomClient,
) -> None:
    total = 50 * MiB
    piece = b"x" * (64 * 1024)
    progress = {"written": 0, "max_buffer": 0, "done": False}

    async def flood(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        transport = request.transport
        assert transport is not None
        while progress["written"] < total:
            await response.write(piece)
            progress["written"] += len(piece)
            progress["max_buffer"] = max(progress["max_buffer"], transport.get_write_buffer_size())
        await response.write_eof()
        progress["done"] = True
        return response

    app = web.Application()
    app.router.add_get("/", flood)
    client = await aioloom_client(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port, limit=64 * 1024)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        # Do not read: the client's buffers and the kernel's fill up, then the
        # server's transport, then write() must block.
        last = -1
        async with asyncio.timeout(20):
            while progress["written"] != last:
                last = progress["written"]
                await asyncio.sleep(0.3)
        assert not progress["done"]
        assert progress["written"] < 24 * MiB, progress  # kernel buffers, not 50 MiB
        assert progress["max_buffer"] <= 2 * 64 * 1024 + len(piece), progress
        # Now read everything: the handler resumes and finishes.
        async with asyncio.timeout(60):
            data = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert progress["done"]
    assert len(dechunk(body)) == total


async def test_write_after_the_client_left_raises(aioloom_client: AioloomClient) -> None:
    outcome: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            async with asyncio.timeout(10):
                while True:
                    await response.write(b"tick\n" * 1000)
                    await asyncio.sleep(0.005)
        except (ConnectionError, TimeoutError) as exc:
            outcome.set_result(exc)
            raise
        return response

    app = web.Application()
    app.router.add_get("/", endless)
    client = await aioloom_client(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await reader.read(100)
    writer.close()
    await writer.wait_closed()
    async with asyncio.timeout(15):
        assert isinstance(await outcome, ConnectionError)

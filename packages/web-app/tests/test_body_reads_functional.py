"""Whole-body reads larger than the stream's buffer: reading must not stall.

The body stream pauses the socket when its buffer passes the high-water mark;
a read that waited for the end without consuming would then wait forever.
Bodies here are many times the buffer, sent by httpx over a real socket.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest

from aioloom import web

from .conftest import ServeFactory

BODY = bytes(range(256)) * 12_000  # about 3 MB, far above the 128 KiB high-water mark


def _answer(data: bytes) -> web.Response:
    return web.Response(text=f"{len(data)} {hashlib.sha256(data).hexdigest()}")


async def _read_all(request: web.Request) -> web.Response:
    return _answer(await request.content.read())


async def _read_exactly(request: web.Request) -> web.Response:
    first = await request.content.readexactly(1_000_000)
    rest = await request.content.readexactly(len(BODY) - 1_000_000)
    return _answer(first + rest)


async def _read_cached(request: web.Request) -> web.Response:
    await request.read()
    return _answer(await request.read())


@pytest.mark.asyncio
@pytest.mark.both_loops
@pytest.mark.parametrize("handler", [_read_all, _read_exactly, _read_cached])
@pytest.mark.parametrize("chunked", [False, True])
async def test_a_large_body_is_read_whole(
    serve: ServeFactory, handler: web.Handler, chunked: bool
) -> None:
    app = web.Application(client_max_size=len(BODY) + 1)
    app.router.add_post("/", handler)
    server = await serve(app, read_bufsize=2**16)

    async def pieces() -> AsyncIterator[bytes]:  # no Content-Length: chunked coding
        for start in range(0, len(BODY), 100_000):
            yield BODY[start : start + 100_000]

    url = f"http://127.0.0.1:{server.port}/"
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(url, content=pieces() if chunked else BODY)
    assert response.status_code == 200
    assert response.text == f"{len(BODY)} {hashlib.sha256(BODY).hexdigest()}"


@pytest.mark.asyncio
async def test_readexactly_past_the_end_reports_what_came(serve: ServeFactory) -> None:
    got: list[tuple[bytes, int | None]] = []

    async def handler(request: web.Request) -> web.Response:
        try:
            await request.content.readexactly(len(BODY) + 10)
        except Exception as exc:
            got.append((getattr(exc, "partial", b""), getattr(exc, "expected", None)))
            return web.Response(text=type(exc).__name__)
        return web.Response(text="no error")

    app = web.Application(client_max_size=len(BODY) + 1)
    app.router.add_post("/", handler)
    server = await serve(app)
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"http://127.0.0.1:{server.port}/", content=BODY)
    assert response.text == "IncompleteReadError"
    assert got == [(BODY, len(BODY) + 10)]

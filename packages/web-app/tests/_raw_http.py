"""Raw HTTP/1.1 exchanges for the response-body tests: send bytes, parse what comes back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from multidict import CIMultiDict

from aioloom import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def one_route_app(handler: Handler, **kwargs: Any) -> web.Application:
    app = web.Application(**kwargs)
    app.router.add_route("*", "/", handler)
    return app


def dechunk(data: bytes) -> bytes:
    body = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert data == b"\r\n", data
            return body
        body += data[:size]
        assert data[size : size + 2] == b"\r\n"
        data = data[size + 2 :]


async def exchange(port: int, request: bytes) -> tuple[bytes, CIMultiDict[str], bytes]:
    """Send one request (closing the connection after), read all: status line, headers, body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers: CIMultiDict[str] = CIMultiDict()
    for line in lines:
        name, _, value = line.decode("latin-1").partition(": ")
        headers.add(name, value)
    if headers.get("Transfer-Encoding") == "chunked":
        body = dechunk(body)
    elif "Content-Length" in headers and not request.startswith(b"HEAD"):
        assert len(body) == int(headers["Content-Length"]), (headers, body)
    return status, headers, body


async def get(
    port: int, method: str = "GET", version: str = "1.1"
) -> tuple[bytes, CIMultiDict[str], bytes]:
    return await exchange(
        port, f"{method} / HTTP/{version}\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )

"""Response bodies that stream: async iterables, multipart parts, payload objects.

Framing is checked on the raw bytes; bodies are also read by aiohttp's client.
"""

from __future__ import annotations

import asyncio
import io
import os
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aioloom import web

from ._raw_http import dechunk, get, one_route_app
from .conftest import ServeFactory

pytestmark = pytest.mark.asyncio


# -- async iterables ---------------------------------------------------------------------


async def test_async_generator_is_sent_chunked_as_it_yields(serve: ServeFactory) -> None:
    finished = asyncio.Event()

    async def stream() -> AsyncIterator[bytes]:
        try:
            for i in range(3):
                yield f"part {i};".encode()
        finally:
            finished.set()

    async def handler(request: web.Request) -> web.Response:
        response = web.Response(body=stream())
        assert response.content_length is None
        with pytest.raises(TypeError):
            _ = response.text  # a stream cannot be read back
        return response

    server = await serve(one_route_app(handler))
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, chunks = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert b"Content-Type: application/octet-stream" in head
    assert chunks == b"7\r\npart 0;\r\n7\r\npart 1;\r\n7\r\npart 2;\r\n0\r\n\r\n"
    assert finished.is_set()
    # HTTP/1.0 cannot chunk: the body ends when the connection does.
    _, headers, body = await get(server.port, version="1.0")
    assert "Transfer-Encoding" not in headers
    assert "Content-Length" not in headers
    assert body == b"part 0;part 1;part 2;"


async def test_async_iterable_with_declared_length(serve: ServeFactory) -> None:
    async def stream(parts: list[bytes]) -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    async def handler(request: web.Request) -> web.Response:
        parts = [b"abc", b"defgh"] if request.query["n"] == "long" else [b"ab"]
        return web.Response(body=stream(parts), headers={"Content-Length": "4"})

    server = await serve(one_route_app(handler))
    connection = await server.connect()
    request = b"GET /?n=long HTTP/1.1\r\nHost: x\r\n\r\n"
    await connection.send(request + request)  # the second one proves the framing held
    for _ in range(2):
        head, _, body = (await connection.read_response()).partition(b"\r\n\r\n")
        assert b"Content-Length: 4\r\n" in head
        assert body == b"abcd"  # cut to the declared length
    # Shorter than declared: the response cannot be completed, the connection closes.
    connection = await server.connect()
    await connection.send(b"GET /?n=short HTTP/1.1\r\nHost: x\r\n\r\n")
    data = await connection.read_until_closed()
    assert data.startswith(b"HTTP/1.1 200 OK")
    assert data.endswith(b"\r\n\r\nab")


async def test_async_iterable_of_text_is_an_error_not_a_hang(serve: ServeFactory) -> None:
    async def stream() -> AsyncIterator[Any]:
        yield "text, not bytes"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=stream())

    server = await serve(one_route_app(handler))
    connection = await server.connect()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    # The head waits for the first body bytes: nothing went out, the connection closes
    # (no 200 promising a body that cannot come, no text sent as if it were bytes).
    assert await connection.read_until_closed() == b""


# -- multipart: a part streamed through, a MultipartWriter --------------------------------


async def test_a_part_is_streamed_through_before_the_upload_ends(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        return web.Response(body=part)

    server = await serve(one_route_app(handler, client_max_size=2))
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary=B\r\n\r\n"
    )
    first = (
        b'--B\r\nContent-Disposition: form-data; name="up"; filename="r\xc3\xa9sum\xc3\xa9.txt"\r\n'
        b"\r\n" + b"x" * 200_000
    )
    connection = await server.connect()
    await connection.send(head + b"%x\r\n%b\r\n" % (len(first), first))
    # The response has started while the rest of the upload is still to come.
    async with asyncio.timeout(10):
        while b"x" * 1000 not in connection.received:
            connection.received += await connection.reader.read(65536)
    response_head = connection.received.partition(b"\r\n\r\n")[0].decode()
    assert "Content-Type: application/octet-stream" in response_head
    assert "Transfer-Encoding: chunked" in response_head
    assert 'attachment; name="up"' in response_head
    assert "filename*=utf-8''r%C3%A9sum%C3%A9.txt" in response_head
    rest = b"y" * 1000 + b"\r\n--B--\r\n"
    await connection.send(b"%x\r\n%b\r\n0\r\n\r\n" % (len(rest), rest))
    async with asyncio.timeout(10):
        while not connection.received.endswith(b"\r\n0\r\n\r\n"):
            connection.received += await connection.reader.read(65536)
    body = dechunk(connection.received.partition(b"\r\n\r\n")[2])
    assert body == b"x" * 200_000 + b"y" * 1000


async def test_a_base64_part_is_decoded_on_the_way(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        part = await (await request.multipart()).next()
        return web.Response(body=part)

    server = await serve(one_route_app(handler))
    payload = os.urandom(100_000)
    form = aiohttp.MultipartWriter("mixed", boundary="b")
    form.append(payload, {"Content-Transfer-Encoding": "base64"})  # (aiohttp encodes it)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{server.port}/", data=form) as response,
    ):
        assert await response.read() == payload
        assert "Content-Disposition" not in response.headers  # the part had no name


async def test_multipart_writer_body(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        with web.MultipartWriter("mixed", boundary="bnd") as multipart:
            multipart.append("first")
            multipart.append(io.BytesIO(b"\x00second"))
        return web.Response(body=multipart)

    server = await serve(one_route_app(handler))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/") as response,
    ):
        assert response.headers["Content-Type"] == "multipart/mixed; boundary=bnd"
        assert "Content-Length" in response.headers
        reader = aiohttp.MultipartReader.from_response(response)
        assert await (await reader.next()).read() == b"first"  # type: ignore[union-attr]
        assert await (await reader.next()).read() == b"\x00second"  # type: ignore[union-attr]


# -- payload objects ------------------------------------------------------------------------


async def test_aiohttp_payloads_work_as_bodies(serve: ServeFactory, tmp_path: Path) -> None:
    path = tmp_path / "conftest.py"
    path.write_bytes(b"print('hi')\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        @aiohttp.streamer
        async def legacy(writer: Any, count: int) -> None:
            for i in range(count):
                await writer.write(b"%d," % i)

    async def handler(request: web.Request) -> web.Response:
        kind = request.query["kind"]
        if kind == "file":
            payload = aiohttp.get_payload(path.open("rb"))
            payload.set_content_disposition("inline", filename="test.txt")
            return web.Response(body=payload, headers={"content-type": "text/binary"})
        if kind == "streamer":
            return web.Response(body=legacy(3))
        return web.Response(body=aiohttp.payload.BytesPayload(b"answer", headers={"X-Test": "1"}))

    server = await serve(one_route_app(handler))
    url = f"http://127.0.0.1:{server.port}/"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, params={"kind": "file"}) as response:
            assert response.headers["Content-Type"] == "text/binary"
            assert response.headers["Content-Disposition"] == 'inline; filename="test.txt"'
            assert response.headers["Content-Length"] == str(path.stat().st_size)
            assert await response.read() == path.read_bytes()
        async with session.get(url, params={"kind": "streamer"}) as response:
            assert await response.read() == b"0,1,2,"
        async with session.get(url, params={"kind": "bytes"}) as response:
            assert response.headers["X-Test"] == "1"
            assert await response.read() == b"answer"


async def test_own_payload_class_and_get_payload(serve: ServeFactory) -> None:
    class Countdown(web.BasePayload):
        def __init__(self, n: int) -> None:
            super().__init__(content_type="text/csv")
            self._n = n
            self.closed = False

        async def write(self, writer: web.PayloadWriter) -> None:
            for i in range(self._n, 0, -1):
                await writer.write(b"%d\n" % i)

        async def close(self) -> None:
            self.closed = True

    payloads: list[Countdown] = []

    async def handler(request: web.Request) -> web.Response:
        payloads.append(Countdown(3))
        assert web.get_payload(payloads[-1]) is payloads[-1]
        assert isinstance(payloads[-1], web.Payload)
        return web.Response(body=payloads[-1])

    server = await serve(one_route_app(handler))
    _, headers, body = await get(server.port)
    assert headers["Content-Type"] == "text/csv"
    assert body == b"3\n2\n1\n"
    assert payloads[0].closed
    with pytest.raises(ValueError, match="Unsupported body type"):
        web.Response(body=12)


async def test_text_of_payload_bodies() -> None:
    assert web.Response(body=io.BytesIO(b"test")).text == "test"
    assert web.Response(body=io.BufferedReader(io.BytesIO(b"test"))).text == "test"  # type: ignore[arg-type]
    assert web.Response(body=io.StringIO("test")).text == "test"
    assert web.Response(body=io.TextIOWrapper(io.BytesIO(b"test"))).text == "test"
    assert web.Response(body=web.StringPayload("тест", encoding="koi8-r")).text == "тест"
    response = web.Response(body=io.BytesIO(b"x"))
    response.body = b"plain again"  # back to bytes (and to the one-write path)
    assert response.body == b"plain again"
    assert response._sends_whole


async def test_a_stream_cut_short_is_closed_at_once() -> None:
    events: list[str] = []

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            events.append("closed")

    class GoneClient:
        async def write(self, data: bytes, /) -> None:
            raise ConnectionResetError

    generator = stream()  # (held here: only an explicit close can run its finally now)
    payload = web.AsyncIterablePayload(generator)
    with pytest.raises(ConnectionResetError):
        await payload.write(GoneClient())
    assert events == []
    await payload.close()
    assert events == ["closed"]


async def test_an_endless_stream_stops_when_the_client_goes(serve: ServeFactory) -> None:
    stopped = asyncio.Event()

    async def ticks() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"tick\n"
                await asyncio.sleep(0.01)
        finally:
            stopped.set()

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=ticks(), content_type="text/event-stream")

    server = await serve(one_route_app(handler))
    connection = await server.connect()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(10):
        while connection.received.count(b"tick") < 3:
            connection.received += await connection.reader.read(65536)
    await connection.close()
    await asyncio.wait_for(stopped.wait(), 5)

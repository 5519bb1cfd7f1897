"""Response bodies of every kind over a real socket: text, buffers, files, streams, parts.

Framing is checked on the raw bytes; bodies are also read by aiohttp's client.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDict

from aioloom import web

from .conftest import ServeFactory

pytestmark = pytest.mark.asyncio

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _app(handler: Handler, **kwargs: Any) -> web.Application:
    app = web.Application(**kwargs)
    app.router.add_route("*", "/", handler)
    return app


def _dechunk(data: bytes) -> bytes:
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


async def _exchange(port: int, request: bytes) -> tuple[bytes, CIMultiDict[str], bytes]:
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
        body = _dechunk(body)
    elif "Content-Length" in headers and not request.startswith(b"HEAD"):
        assert len(body) == int(headers["Content-Length"]), (headers, body)
    return status, headers, body


async def _get(
    port: int, method: str = "GET", version: str = "1.1"
) -> tuple[bytes, CIMultiDict[str], bytes]:
    return await _exchange(
        port, f"{method} / HTTP/{version}\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )


# -- text and bytes-likes: kept whole, sent in one write ---------------------------------


@pytest.mark.parametrize(
    ("kwargs", "content_type", "wire"),
    [
        ({"body": "héllo"}, "text/plain; charset=utf-8", "héllo".encode()),
        ({"body": "héllo", "content_type": "text/html"}, "text/html", "héllo".encode()),
        (
            {"body": "текст", "headers": {"Content-Type": "text/html; charset=koi8-r"}},
            "text/html; charset=koi8-r",
            "текст".encode("koi8-r"),
        ),
        (
            {"body": "текст", "charset": "koi8-r"},
            "text/plain; charset=koi8-r",
            "текст".encode("koi8-r"),
        ),
        ({"body": memoryview(b"view")}, "application/octet-stream", b"view"),
        ({"body": bytearray(b"array")}, "application/octet-stream", b"array"),
    ],
)
async def test_text_and_bytes_likes(
    serve: ServeFactory, kwargs: dict[str, Any], content_type: str, wire: bytes
) -> None:
    async def handler(request: web.Request) -> web.Response:
        response = web.Response(**kwargs)
        assert response.body == wire  # kept as bytes
        assert response.content_length == len(wire)
        return response

    server = await serve(_app(handler))
    status, headers, body = await _get(server.port)
    assert status == b"HTTP/1.1 200 OK"
    assert headers["Content-Type"] == content_type
    assert headers["Content-Length"] == str(len(wire))
    assert body == wire


# -- file objects and io buffers ----------------------------------------------------------


class _CountingFile(io.FileIO):
    """A real file that records the size of every read and the thread it ran in."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), "rb")
        self.reads: list[tuple[int, int]] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append((-1 if size is None else size, threading.get_ident()))
        return super().read(size)


async def test_binary_file_is_streamed_in_chunks_off_the_loop(
    serve: ServeFactory, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    data = os.urandom(300_000)
    path.write_bytes(data)
    files: list[_CountingFile] = []

    async def handler(request: web.Request) -> web.Response:
        files.append(_CountingFile(path))
        return web.Response(body=files[0])

    server = await serve(_app(handler))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/") as response,
    ):
        assert response.headers["Content-Type"] == "application/pdf"  # from the name
        assert response.headers["Content-Length"] == "300000"
        assert response.headers["Content-Disposition"] == 'attachment; filename="report.pdf"'
        assert await response.read() == data
    (file,) = files
    assert len(file.reads) > 4  # in chunks ...
    assert all(0 < size <= 64 * 1024 for size, _ in file.reads)  # ... never whole
    assert threading.get_ident() not in {thread for _, thread in file.reads}  # off the loop
    assert file.closed  # once sent


async def test_file_from_its_position_with_explicit_type_and_head(
    serve: ServeFactory, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789")
    opened: list[io.BufferedReader] = []

    async def handler(request: web.Request) -> web.Response:
        file = path.open("rb")
        file.seek(4)
        opened.append(file)
        return web.Response(body=file, headers={"Content-Type": "text/binary"})

    server = await serve(_app(handler))
    _, headers, body = await _get(server.port)
    assert headers["Content-Type"] == "text/binary"
    assert (headers["Content-Length"], body) == ("6", b"456789")
    _, headers, body = await _get(server.port, "HEAD")
    assert (headers["Content-Length"], body) == ("6", b"")  # the GET's length, no body
    assert all(file.closed for file in opened)  # HEAD too


async def test_in_memory_buffers(serve: ServeFactory) -> None:
    buffers: dict[str, io.IOBase] = {}

    async def handler(request: web.Request) -> web.Response:
        kind = request.query["kind"]
        if kind == "bytesio":
            buffers[kind] = buffer = io.BytesIO(b"skip:bytes!")
            buffer.seek(5)
            return web.Response(body=buffer)
        if kind == "stringio":
            buffers[kind] = io.StringIO("strings é")
            return web.Response(body=buffers[kind])
        buffers[kind] = io.TextIOWrapper(io.BytesIO("wrapped é".encode()), encoding="utf-8")
        return web.Response(
            body=buffers[kind], headers={"Content-Type": "text/html; charset=latin-1"}
        )

    server = await serve(_app(handler))
    request = "GET /?kind={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    _, headers, body = await _exchange(server.port, request.format("bytesio").encode())
    assert (headers["Content-Type"], headers["Content-Length"], body) == (
        "application/octet-stream",
        "6",
        b"bytes!",
    )
    assert "Content-Disposition" not in headers  # no file name
    _, headers, body = await _exchange(server.port, request.format("stringio").encode())
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Transfer-Encoding"] == "chunked"  # encoded as read: size unknown
    assert body == "strings é".encode()
    _, headers, body = await _exchange(server.port, request.format("wrapper").encode())
    assert headers["Content-Type"] == "text/html; charset=latin-1"
    assert body == "wrapped é".encode("latin-1")  # in the charset the response declares
    assert not buffers["bytesio"].closed  # in-memory buffers are left to the caller
    assert not buffers["stringio"].closed
    assert buffers["wrapper"].closed


async def test_text_file_newlines_and_utf16_bom(serve: ServeFactory, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line one\r\nline two\r\n" * 5000)  # read as text: \n

    async def handler(request: web.Request) -> web.Response:
        if request.query.get("utf16"):
            return web.Response(
                body=io.StringIO("ab" * 40000), charset="utf-16", content_type="text/plain"
            )
        return web.Response(body=path.open(encoding="ascii"))

    server = await serve(_app(handler))
    _, headers, body = await _get(server.port)
    # A Content-Length of the file's size would be wrong by 10000 bytes.
    assert "Content-Length" not in headers
    assert headers["Transfer-Encoding"] == "chunked"
    assert body == b"line one\nline two\n" * 5000
    assert headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    _, headers, body = await _exchange(
        server.port, b"GET /?utf16=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert body.decode("utf-16") == "ab" * 40000  # one byte-order mark, not one per chunk
    assert body.count(b"\xff\xfe") == 1


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

    server = await serve(_app(handler))
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
    _, headers, body = await _get(server.port, version="1.0")
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

    server = await serve(_app(handler))
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

    server = await serve(_app(handler))
    connection = await server.connect()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    # The head waits for the first body bytes: nothing went out, the connection closes
    # (no 200 promising a body that cannot come, no text sent as if it were bytes).
    assert await connection.read_until_closed() == b""


async def test_compressed_stream_and_file(serve: ServeFactory, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"compress me " * 20000)

    async def handler(request: web.Request) -> web.Response:
        response = web.Response(body=path.open("rb"))
        response.enable_compression()
        return response

    server = await serve(_app(handler))
    _, headers, body = await _exchange(
        server.port,
        b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
    )
    assert headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in headers
    assert gzip.decompress(body) == path.read_bytes()


# -- multipart: a part streamed through, a MultipartWriter --------------------------------


async def test_a_part_is_streamed_through_before_the_upload_ends(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        return web.Response(body=part)

    server = await serve(_app(handler, client_max_size=2))
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
    body = _dechunk(connection.received.partition(b"\r\n\r\n")[2])
    assert body == b"x" * 200_000 + b"y" * 1000


async def test_a_base64_part_is_decoded_on_the_way(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        part = await (await request.multipart()).next()
        return web.Response(body=part)

    server = await serve(_app(handler))
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

    server = await serve(_app(handler))
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

    server = await serve(_app(handler))
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

    server = await serve(_app(handler))
    _, headers, body = await _get(server.port)
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


async def test_a_pipe_is_sent_chunked(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        read_end, write_end = os.pipe()
        os.write(write_end, b"through a pipe")
        os.close(write_end)
        return web.Response(body=os.fdopen(read_end, "rb"))  # (closed once sent)

    server = await serve(_app(handler))
    _, headers, body = await _get(server.port)
    assert headers["Transfer-Encoding"] == "chunked"  # its size is unknown
    assert body == b"through a pipe"


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

    server = await serve(_app(handler))
    connection = await server.connect()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(10):
        while connection.received.count(b"tick") < 3:
            connection.received += await connection.reader.read(65536)
    await connection.close()
    await asyncio.wait_for(stopped.wait(), 5)

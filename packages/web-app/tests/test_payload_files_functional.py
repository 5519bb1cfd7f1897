"""Response bodies from text, bytes-likes, files and io buffers, over a real socket.

Framing is checked on the raw bytes; bodies are also read by aiohttp's client.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import threading
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aioloom import web

from ._raw_http import exchange, get, one_route_app
from .conftest import ServeFactory

pytestmark = pytest.mark.asyncio


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

    server = await serve(one_route_app(handler))
    status, headers, body = await get(server.port)
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
        self.closed_once_sent = asyncio.Event()

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append((-1 if size is None else size, threading.get_ident()))
        return super().read(size)

    def close(self) -> None:
        super().close()
        self.closed_once_sent.set()


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

    server = await serve(one_route_app(handler))
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
    # Closed once sent (the client may have the whole body a moment before).
    await asyncio.wait_for(file.closed_once_sent.wait(), 5)


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

    server = await serve(one_route_app(handler))
    _, headers, body = await get(server.port)
    assert headers["Content-Type"] == "text/binary"
    assert (headers["Content-Length"], body) == ("6", b"456789")
    _, headers, body = await get(server.port, "HEAD")
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

    server = await serve(one_route_app(handler))
    request = "GET /?kind={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    _, headers, body = await exchange(server.port, request.format("bytesio").encode())
    assert (headers["Content-Type"], headers["Content-Length"], body) == (
        "application/octet-stream",
        "6",
        b"bytes!",
    )
    assert "Content-Disposition" not in headers  # no file name
    _, headers, body = await exchange(server.port, request.format("stringio").encode())
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Transfer-Encoding"] == "chunked"  # encoded as read: size unknown
    assert body == "strings é".encode()
    _, headers, body = await exchange(server.port, request.format("wrapper").encode())
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

    server = await serve(one_route_app(handler))
    _, headers, body = await get(server.port)
    # A Content-Length of the file's size would be wrong by 10000 bytes.
    assert "Content-Length" not in headers
    assert headers["Transfer-Encoding"] == "chunked"
    assert body == b"line one\nline two\n" * 5000
    assert headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    _, headers, body = await exchange(
        server.port, b"GET /?utf16=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert body.decode("utf-16") == "ab" * 40000  # one byte-order mark, not one per chunk
    assert body.count(b"\xff\xfe") == 1


async def test_compressed_stream_and_file(serve: ServeFactory, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"compress me " * 20000)

    async def handler(request: web.Request) -> web.Response:
        response = web.Response(body=path.open("rb"))
        response.enable_compression()
        return response

    server = await serve(one_route_app(handler))
    _, headers, body = await exchange(
        server.port,
        b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
    )
    assert headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in headers
    assert gzip.decompress(body) == path.read_bytes()


async def test_a_pipe_is_sent_chunked(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        read_end, write_end = os.pipe()
        os.write(write_end, b"through a pipe")
        os.close(write_end)
        return web.Response(body=os.fdopen(read_end, "rb"))  # (closed once sent)

    server = await serve(one_route_app(handler))
    _, headers, body = await get(server.port)
    assert headers["Transfer-Encoding"] == "chunked"  # its size is unknown
    assert body == b"through a pipe"

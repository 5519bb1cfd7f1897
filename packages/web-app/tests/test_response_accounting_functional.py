"""What a response says about its body: body, text, content_length, Content-Type, charset.

As aiohttp 3.14 reports them before sending, and as they go out on a real socket.
"""

from __future__ import annotations

import asyncio
import json
import warnings
import zlib
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from aioloom import web

from .conftest import ServeFactory

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _app(handler: Handler) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/", handler)
    return app


async def _raw(port: int, method: str = "GET", target: str = "/") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return data


# -- before sending: what aiohttp reports ------------------------------------------------


def test_body_text_and_length_before_sending() -> None:
    empty = web.Response()
    assert empty.body is None
    assert empty.text is None
    assert empty.content_length == 0
    assert "Content-Length" not in empty.headers
    typed = web.Response(content_type="application/json")
    assert typed.content_length == 0
    assert dict(typed.headers) == {"Content-Type": "application/json"}
    text = web.Response(text="test text")
    assert text.content_length == 9
    assert text.body == b"test text"
    assert web.Response(body=b"answer").content_length == 6
    chunked = web.Response(body=b"answer")
    chunked.enable_chunked_encoding()
    assert chunked.content_length is None
    with pytest.raises(RuntimeError, match="set automatically"):
        web.Response().content_length = 1
    assert web.HTTPNoContent().body is None
    assert web.HTTPNotModified().body is None
    assert web.HTTPOk().body == b"200: OK"


def test_text_keeps_the_declared_charset() -> None:
    koi8 = web.Response(text="текст", headers={"Content-Type": "text/html; charset=koi8-r"})
    assert koi8.body == "текст".encode("koi8-r")
    assert (koi8.content_type, koi8.charset) == ("text/html", "koi8-r")
    assert koi8.text == "текст"
    html = web.Response(content_type="text/html")
    html.text = "é"
    assert html.headers["Content-Type"] == "text/html; charset=utf-8"
    assert html.body == "é".encode()
    unnamed = web.Response(text="x", headers={"Content-Type": "text/html"})
    assert unnamed.headers["Content-Type"] == "text/html; charset=utf-8"  # as aiohttp adds it
    binary = web.Response(body=b"\x00", headers={"Content-Type": "application/octet-stream"})
    binary.text = "now text"
    assert binary.headers["Content-Type"] == "text/plain; charset=utf-8"


# -- on the wire: Content-Type only with a body -------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [201, 204, 304, 404])
async def test_no_content_type_without_a_body(serve: ServeFactory, status: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status)

    server = await serve(_app(handler))
    head = (await _raw(server.port)).partition(b"\r\n\r\n")[0]
    assert b"Content-Type" not in head
    assert b"Transfer-Encoding" not in head


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [101, 103, 204, 304])
async def test_bodiless_statuses_send_no_body_type_or_framing(
    serve: ServeFactory, status: int
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.query.get("stream"):
            return web.StreamResponse(status=status)
        return web.Response(status=status, body=b"should not get to client")

    server = await serve(_app(handler))
    for target in ("/", "/?stream=1"):
        head, _, body = (await _raw(server.port, target=target)).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 %d " % status)
        for name in (b"Content-Type", b"Content-Length", b"Transfer-Encoding"):
            assert name not in head
        assert body == b""


@pytest.mark.asyncio
async def test_head_of_an_empty_body_and_of_a_declared_length(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.query.get("declared"):  # a HEAD handler telling the GET's length
            return web.Response(headers={"Content-Length": "1234"})
        return web.Response()

    server = await serve(_app(handler))
    head = await _raw(server.port, "HEAD")
    assert b"Content-Length" not in head  # 0 would misstate the GET's length
    head = await _raw(server.port, "HEAD", "/?declared=1")
    assert b"Content-Length: 1234\r\n" in head
    assert head.endswith(b"\r\n\r\n")
    assert b"Content-Length: 0\r\n" in await _raw(server.port)  # GET: the real length


@pytest.mark.asyncio
async def test_charset_on_the_wire(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.query.get("koi8"):
            return web.Response(text="текст", headers={"Content-Type": "text/html; charset=koi8-r"})
        response = web.Response(content_type="text/html")
        response.text = "héllo"
        return response

    server = await serve(_app(handler))
    url = f"http://127.0.0.1:{server.port}/"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert await response.text() == "héllo"
        async with session.get(url, params={"koi8": "1"}) as response:
            assert await response.read() == "текст".encode("koi8-r")
            assert await response.text() == "текст"


# -- json_bytes_response, HTTP exceptions with a body -------------------------------------


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@pytest.mark.asyncio
async def test_json_bytes_response(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_bytes_response({"a": [1, 2]}, dumps=_dumps, status=201)

    server = await serve(_app(handler))
    data = await _raw(server.port)
    assert b"Content-Type: application/json\r\n" in data
    assert data.endswith(b'\r\n\r\n{"a":[1,2]}')
    assert web.json_bytes_response(dumps=_dumps, body=b'"x"').body == b'"x"'
    custom = web.json_bytes_response(1, dumps=_dumps, content_type="application/vnd.api+json")
    assert custom.content_type == "application/vnd.api+json"
    with pytest.raises(ValueError, match="only one of data or body"):
        web.json_bytes_response("x", dumps=_dumps, body=b"y")


@pytest.mark.asyncio
async def test_http_exception_with_a_str_body(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            raise web.HTTPUnauthorized(body="login first")

    with pytest.warns(DeprecationWarning, match="body argument is deprecated"):
        exc = web.HTTPUnauthorized(body="text")
    assert (exc.status, exc.body, exc.text) == (401, b"text", "text")
    server = await serve(_app(handler))
    data = await _raw(server.port)
    assert data.startswith(b"HTTP/1.1 401 Unauthorized\r\n")
    assert b"Content-Type: text/plain; charset=utf-8\r\n" in data
    assert data.endswith(b"\r\n\r\nlogin first")


# -- StreamResponse knobs aiohttp 3.14 has ------------------------------------------------


@pytest.mark.asyncio
async def test_output_length_chunk_size_and_strategy(serve: ServeFactory) -> None:
    lengths: list[int] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        with pytest.warns(DeprecationWarning, match="Chunk size"):
            response.enable_chunked_encoding(chunk_size=1024)
        if request.query.get("strategy"):
            response.enable_compression(
                web.ContentCoding.deflate, strategy=int(request.query["strategy"])
            )
        with (
            pytest.raises(RuntimeError, match="writer"),
            pytest.warns(DeprecationWarning, match="output_length"),
        ):
            _ = response.output_length
        await response.prepare(request)
        await response.write(b"abc " * 1000)
        with pytest.warns(DeprecationWarning, match="output_length is deprecated"):
            lengths.append(response.output_length)
        return response

    server = await serve(_app(handler))
    assert (await _raw(server.port)).endswith(b"0\r\n\r\n")
    assert lengths == [4000]
    sizes = []
    for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_HUFFMAN_ONLY):
        async with (
            aiohttp.ClientSession(auto_decompress=False) as session,
            session.get(f"http://127.0.0.1:{server.port}/?strategy={strategy}") as response,
        ):
            compressed = await response.read()
        assert zlib.decompress(compressed) == b"abc " * 1000
        sizes.append(len(compressed))
    # Huffman-only finds no repeats: the strategy reached the compressor.
    assert sizes[1] > 2 * sizes[0]


def test_enable_compression_with_a_bool_as_aiohttp() -> None:
    response = web.StreamResponse()
    with pytest.warns(DeprecationWarning, match="boolean for force"):
        response.enable_compression(False)
    assert response._compression_force == web.ContentCoding.identity
    with pytest.warns(DeprecationWarning, match="boolean for force"):
        response.enable_compression(True)
    assert response._compression_force == web.ContentCoding.deflate

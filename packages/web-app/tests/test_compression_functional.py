"""Response compression: negotiation, whole bodies, streamed bodies, decoded by httpx and curl."""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
import subprocess
import threading
import zlib
from collections.abc import Callable

import pytest

from aioloom import web
from aioloom.testing import AioloomClient
from aioloom.web.http import _compression
from aioloom.web.http._compression import negotiate, parse_accept_encoding

pytestmark = pytest.mark.asyncio

TEXT = "".join(f"line {i}: the quick brown fox jumps over the lazy dog\n" for i in range(2000))


def curl_path() -> str:
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is required in CI")
        pytest.skip("curl is not installed")
    return curl


def curl_features(curl: str) -> str:
    return subprocess.run([curl, "-V"], capture_output=True, text=True, check=True).stdout.lower()


def make_app(**compression: object) -> web.Application:
    async def whole(request: web.Request) -> web.Response:
        response = web.Response(text=TEXT, headers={"Vary": "Cookie"})
        response.enable_compression(**compression)  # type: ignore[arg-type]
        return response

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "text/plain"
        response.enable_compression(**compression)  # type: ignore[arg-type]
        await response.prepare(request)
        for start in range(0, len(TEXT), 10_000):
            await response.write(TEXT[start : start + 10_000].encode())
        await response.write_eof()
        return response

    async def empty(request: web.Request) -> web.Response:
        response = web.Response(status=204)
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/whole", whole)
    app.router.add_get("/streamed", streamed)
    app.router.add_get("/empty", empty)
    return app


# -- negotiation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", {"gzip": 1.0}),
        ("gzip;q=0.5, deflate;q=0", {"gzip": 0.5, "deflate": 0.0}),
        ("GZip ; Q=0.25", {"gzip": 0.25}),
        ("br;q=1.0, *;q=0.1", {"br": 1.0, "*": 0.1}),
        ("gzip;q=2, deflate;q=abc, br;q=0.1234", {}),  # q out of range / malformed: skipped
        ("gzip;q=\u0661", {}),  # non-ASCII digit
        ("", {}),
        (", ,gzip,", {"gzip": 1.0}),
    ],
)
async def test_parse_accept_encoding(header: str, expected: dict[str, float]) -> None:
    assert parse_accept_encoding(header) == expected


@pytest.mark.parametrize(
    ("header", "offered", "chosen"),
    [
        ("gzip, deflate", ("gzip", "deflate"), "gzip"),
        ("deflate, gzip", ("gzip", "deflate"), "gzip"),  # a tie: the server's order
        ("gzip;q=0.5, deflate", ("gzip", "deflate"), "deflate"),
        ("gzip;q=0", ("gzip", "deflate"), None),
        ("*", ("gzip", "deflate"), "gzip"),
        ("*;q=0, deflate", ("gzip", "deflate"), "deflate"),
        ("identity", ("gzip", "deflate"), None),
        ("br", ("gzip", "deflate"), None),  # nothing we can do
        (None, ("gzip",), None),
        ("x-gzip-ish", ("gzip",), None),  # no substring matching
    ],
)
async def test_negotiate(header: str | None, offered: tuple[str, ...], chosen: str | None) -> None:
    assert negotiate(header, offered) == chosen


async def test_unknown_forced_coding_is_rejected_at_once() -> None:
    response = web.Response(text="x")
    with pytest.raises(ValueError, match="unsupported content coding"):
        response.enable_compression(force="compress")
    response.enable_compression(force=web.ContentCoding.identity)


# -- whole bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coding", "decode"),
    [("gzip", gzip.decompress), ("deflate", zlib.decompress)],
)
async def test_response_body_compressed_with_content_length(
    aioloom_client: AioloomClient, coding: str, decode: Callable[[bytes], bytes]
) -> None:
    client = await aioloom_client(make_app)
    async with client.http.stream("GET", "/whole", headers={"Accept-Encoding": coding}) as resp:
        raw = b"".join([chunk async for chunk in resp.aiter_raw()])
    assert resp.headers["Content-Encoding"] == coding
    assert resp.headers["Vary"] == "Cookie, Accept-Encoding"
    assert resp.headers["Content-Length"] == str(len(raw))
    assert "Transfer-Encoding" not in resp.headers
    assert len(raw) < len(TEXT) // 10
    assert decode(raw) == TEXT.encode()
    # And httpx decodes it by itself.
    response = await client.get("/whole", headers={"Accept-Encoding": coding})
    assert await response.text() == TEXT


async def test_identity_when_nothing_acceptable(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    for accept in ("identity", "br;q=0, gzip;q=0, deflate;q=0", "unknown", ""):
        response = await client.get("/whole", headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers, accept
        assert response.headers["Vary"] == "Cookie, Accept-Encoding"  # it still varies
        assert response.headers["Content-Length"] == str(len(TEXT))
        assert await response.text() == TEXT


async def test_q_values_pick_the_coding(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.get("/whole", headers={"Accept-Encoding": "gzip;q=0.2, deflate;q=0.9"})
    assert response.headers["Content-Encoding"] == "deflate"
    assert await response.text() == TEXT


async def test_forced_coding_ignores_accept_encoding(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(lambda: make_app(force=web.ContentCoding.gzip))
    async with client.http.stream("GET", "/whole", headers={"Accept-Encoding": "identity"}) as r:
        raw = b"".join([chunk async for chunk in r.aiter_raw()])
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Cookie"  # nothing was negotiated
    assert gzip.decompress(raw) == TEXT.encode()


async def test_no_compression_without_a_body(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.get("/empty", headers={"Accept-Encoding": "gzip"})
    assert response.status == 204
    assert "Content-Encoding" not in response.headers


async def test_head_says_what_get_would(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    get = await client.get("/whole", headers={"Accept-Encoding": "gzip"})
    head = await client.head("/whole", headers={"Accept-Encoding": "gzip"})
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == get.httpx_response.headers["Content-Length"]
    assert await head.read() == b""


async def test_large_bodies_are_compressed_off_the_event_loop(
    aioloom_client: AioloomClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = _compression.make_compressor

    class Spy:
        def __init__(self, coding: str, strategy: int | None = None) -> None:
            self._inner = real(coding, strategy)

        def compress(self, data: bytes) -> bytes:
            threads.append(threading.get_ident())
            return self._inner.compress(data)

        def flush(self) -> bytes:
            return self._inner.flush()

        def finish(self) -> bytes:
            return self._inner.finish()

    monkeypatch.setattr(_compression, "make_compressor", Spy)

    async def sized(request: web.Request) -> web.Response:
        response = web.Response(body=b"z" * int(request.match_info["size"]))
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/{size}", sized)
    client = await aioloom_client(app)
    loop_thread = threading.get_ident()
    big = _compression.EXECUTOR_THRESHOLD * 4
    response = await client.get(f"/{big}", headers={"Accept-Encoding": "gzip"})
    assert await response.read() == b"z" * big
    assert threads[-1] != loop_thread
    response = await client.get("/100", headers={"Accept-Encoding": "gzip"})
    assert await response.read() == b"z" * 100
    assert threads[-1] == loop_thread  # small: not worth a thread hop


# -- streamed bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_stream_response_compressed_chunk_by_chunk(
    aioloom_client: AioloomClient, coding: str
) -> None:
    client = await aioloom_client(make_app)
    response = await client.get("/streamed", headers={"Accept-Encoding": coding})
    assert response.headers["Content-Encoding"] == coding
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert await response.text() == TEXT


async def test_every_write_reaches_the_client_compressed(aioloom_client: AioloomClient) -> None:
    proceed = asyncio.Event()

    async def ticks(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_compression()
        await response.prepare(request)
        await response.write(b"first piece\n")
        async with asyncio.timeout(10):
            await proceed.wait()  # the client must see the first piece before this
        await response.write(b"second piece\n")
        return response

    app = web.Application()
    app.router.add_get("/", ticks)
    client = await aioloom_client(app)
    received = b""
    async with client.http.stream("GET", "/", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        async for piece in response.aiter_bytes():
            received += piece
            if received == b"first piece\n":
                proceed.set()
    assert received == b"first piece\nsecond piece\n"


async def test_compressed_stream_to_an_http_1_0_client(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"GET /streamed HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
    async with asyncio.timeout(10):
        data = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head
    assert b"Transfer-Encoding" not in head  # HTTP/1.0: the close ends the body
    assert gzip.decompress(body) == TEXT.encode()


# -- br and zstd, when their libraries are installed ---------------------------------------------


async def test_brotli_round_trip(aioloom_client: AioloomClient) -> None:
    brotli = pytest.importorskip("brotli")
    assert "br" in _compression.available_codings()
    client = await aioloom_client(make_app)
    for path in ("/whole", "/streamed"):
        async with client.http.stream("GET", path, headers={"Accept-Encoding": "br"}) as resp:
            raw = b"".join([chunk async for chunk in resp.aiter_raw()])
        assert resp.headers["Content-Encoding"] == "br"
        assert brotli.decompress(raw) == TEXT.encode()
        response = await client.get(path, headers={"Accept-Encoding": "br"})
        assert await response.text() == TEXT  # httpx decodes br with brotli installed
    # On a tie aiohttp's codings win (it makes no other): br only when ranked higher.
    response = await client.get("/whole", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    response = await client.get("/whole", headers={"Accept-Encoding": "gzip;q=0.5, br"})
    assert response.headers["Content-Encoding"] == "br"


async def test_zstd_round_trip(aioloom_client: AioloomClient) -> None:
    zstandard = pytest.importorskip("zstandard")
    assert "zstd" in _compression.available_codings()
    client = await aioloom_client(make_app)
    for path in ("/whole", "/streamed"):
        async with client.http.stream("GET", path, headers={"Accept-Encoding": "zstd"}) as resp:
            raw = b"".join([chunk async for chunk in resp.aiter_raw()])
        assert resp.headers["Content-Encoding"] == "zstd"
        decoded = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
        assert decoded == TEXT.encode()
        response = await client.get(path, headers={"Accept-Encoding": "zstd"})
        assert await response.text() == TEXT


async def test_unavailable_codings_are_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compression, "_FACTORIES", {"gzip": _compression._FACTORIES["gzip"]})
    assert negotiate("br, zstd, gzip;q=0.1") == "gzip"
    assert negotiate("br, zstd") is None
    with pytest.raises(ValueError, match="unsupported"):
        web.Response().enable_compression(force="br")


# -- curl --compressed ------------------------------------------------------------------------


async def test_curl_compressed_round_trips(aioloom_client: AioloomClient) -> None:
    curl = curl_path()
    features = curl_features(curl)
    client = await aioloom_client(make_app)
    codings = ["gzip", "deflate"]
    if "brotli" in features and "br" in _compression.available_codings():
        codings.append("br")
    if "zstd" in features and "zstd" in _compression.available_codings():
        codings.append("zstd")
    for path in ("/whole", "/streamed"):
        for coding in codings:
            process = await asyncio.create_subprocess_exec(
                curl,
                "-sS",
                "--compressed",
                "-H",
                f"Accept-Encoding: {coding}",
                "-D",
                "-",
                client.make_url(path),
                stdout=subprocess.PIPE,
            )
            out, _ = await process.communicate()
            assert process.returncode == 0
            head, _, body = out.partition(b"\r\n\r\n")
            assert f"Content-Encoding: {coding}".encode() in head
            assert body == TEXT.encode(), (path, coding)


async def test_head_of_a_compressed_stream_sends_no_body(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(
        b"HEAD /streamed HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"
        b"GET /whole HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    )
    async with asyncio.timeout(10):
        data = await reader.read()
    writer.close()
    await writer.wait_closed()
    first, _, rest = data.partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in first
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n")  # nothing between the two responses
    assert rest.endswith(TEXT.encode())

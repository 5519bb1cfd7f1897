"""What a request knows of its connection, over real sockets: ``request.writer`` and
``request.protocol`` (a custom Expect handler's 100 Continue), ``request.host``
without a Host header, absolute-form targets, and malformed forms from ``post()``.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import httpx
import pytest

from aioloom import web

from .conftest import ServeFactory

pytestmark = pytest.mark.asyncio


async def _introspect(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "host": request.host,
            "url": str(request.url),
            "rel_url": str(request.rel_url),
            "path_qs": request.path_qs,
            "raw_path": request.raw_path,
            "scheme": request.scheme,
        }
    )


def _json_body(response: bytes) -> dict[str, str]:
    result: dict[str, str] = json.loads(response.partition(b"\r\n\r\n")[2])
    return result


# -- request.writer and request.protocol ------------------------------------------------------


def _expect_app(seen: list[str]) -> web.Application:
    async def expect_handler(request: web.Request) -> web.StreamResponse | None:
        # aiohttp's documented way for a custom expect handler to let the body come.
        if request.headers.get("X-Token") != "secret":
            raise web.HTTPForbidden()
        seen.append(type(request.protocol).__name__)
        assert request.protocol.transport is request.transport
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None

    async def upload(request: web.Request) -> web.Response:
        return web.Response(text=f"got {len(await request.read())} bytes")

    app = web.Application()
    app.router.add_post("/upload", upload, expect_handler=expect_handler)
    return app


async def test_custom_expect_handler_sends_100_continue_through_request_writer(
    serve: ServeFactory,
) -> None:
    seen: list[str] = []
    server = await serve(_expect_app(seen))
    conn = await server.connect()
    await conn.send(
        b"POST /upload HTTP/1.1\r\nHost: x\r\nX-Token: secret\r\nContent-Length: 5\r\n"
        b"Expect: 100-continue\r\n\r\n"
    )
    # The client holds its body back until the interim answer arrives.
    async with asyncio.timeout(5):
        while b"\r\n\r\n" not in conn.received:
            conn.received += await conn.reader.read(1024)
    assert conn.received == b"HTTP/1.1 100 Continue\r\n\r\n"
    conn.received = b""
    await conn.send(b"hello")
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\ngot 5 bytes")
    assert seen == ["RequestHandler"]

    # The same connection carries the next request: the 100 was not taken for the answer.
    await conn.send(
        b"POST /upload HTTP/1.1\r\nHost: x\r\nX-Token: secret\r\nContent-Length: 1\r\n\r\n!"
    )
    assert (await conn.read_response()).endswith(b"got 1 bytes")


async def test_custom_expect_handler_with_aiohttp_client(serve: ServeFactory) -> None:
    seen: list[str] = []
    server = await serve(_expect_app(seen))
    url = f"http://127.0.0.1:{server.port}/upload"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url, data=b"x" * 100_000, expect100=True, headers={"X-Token": "secret"}
        ) as response:
            assert response.status == 200
            assert await response.text() == "got 100000 bytes"
        async with session.post(url, data=b"x", expect100=True) as response:
            assert response.status == 403  # refused before the body was sent
    assert seen == ["RequestHandler"]


async def test_request_writer_is_the_responses_writer(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        early = request.writer
        response = web.StreamResponse()
        assert await response.prepare(request) is early
        await response.write(b"streamed")
        return response

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{server.port}/")
    assert response.text == "streamed"


# -- request.host without Host, absolute-form targets -----------------------------------------


async def test_host_without_a_host_header_is_the_local_address(serve: ServeFactory) -> None:
    app = web.Application()
    app.router.add_get("/{tail:.*}", _introspect)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(b"GET /p?q=1 HTTP/1.0\r\n\r\n")
    info = _json_body(await conn.read_until_closed())
    # As aiohttp: the address only, never the port (nor a DNS name).
    assert info["host"] == "127.0.0.1"
    assert info["url"] == "http://127.0.0.1/p?q=1"
    conn = await server.connect()
    await conn.send(b"GET /p HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n")
    assert _json_body(await conn.read_until_closed())["host"] == ""  # an empty Host is kept


async def test_host_of_an_ipv6_socket_is_bracketed() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    app = web.Application()
    app.router.add_get("/{tail:.*}", _introspect)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "::1", 0)
        try:
            await site.start()
        except OSError:
            pytest.skip("cannot bind ::1")
        port = runner.addresses[0][1]
        reader, writer = await asyncio.open_connection("::1", port)
        writer.write(b"GET /v6 HTTP/1.0\r\n\r\n")
        info = _json_body(await asyncio.wait_for(reader.read(), 10))
        writer.close()
        assert info["host"] == "[::1]"
        assert info["url"] == "http://[::1]/v6"
    finally:
        await runner.cleanup()


async def test_host_of_a_unix_socket_is_its_path(tmp_path: Path) -> None:
    app = web.Application()
    app.router.add_get("/{tail:.*}", _introspect)
    runner = web.AppRunner(app)
    await runner.setup()
    path = str(tmp_path / "app.sock")
    try:
        await web.UnixSite(runner, path).start()
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write(b"GET /u HTTP/1.0\r\n\r\n")
        info = _json_body(await asyncio.wait_for(reader.read(), 10))
        writer.close()
        assert info["host"] == path
    finally:
        await runner.cleanup()


async def test_absolute_form_target_names_the_host(serve: ServeFactory) -> None:
    app = web.Application()
    app.router.add_get("/{tail:.*}", _introspect)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(
        b"GET https://example.com:81/p/a%2Fb?x=1 HTTP/1.1\r\n"
        b"Host: other\r\nConnection: close\r\n\r\n"
    )
    # As aiohttp (and RFC 9112 §3.2.2): the target's host wins over Host; the scheme
    # is the connection's, whatever the target claims.
    assert _json_body(await conn.read_until_closed()) == {
        "host": "example.com",
        "url": "http://example.com:81/p/a%2Fb?x=1",
        "rel_url": "/p/a%2Fb?x=1",
        "path_qs": "/p/a%2Fb?x=1",
        "raw_path": "https://example.com:81/p/a%2Fb?x=1",
        "scheme": "http",
    }


# -- post() on a malformed form ---------------------------------------------------------------

MISSING_NAME = b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--\r\n"
MANY_HEADERS = (
    b'--b\r\nContent-Disposition: form-data; name="a"\r\n'
    + b"".join(b"X-%d: a\r\n" % i for i in range(130))
    + b"\r\n1\r\n--b--\r\n"
)
LONG_HEADER = (
    b'--b\r\nContent-Disposition: form-data; name="a"\r\n'
    + b"t" * 9000
    + b": v\r\n\r\n1\r\n--b--\r\n"
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (MISSING_NAME, "Multipart field missing name."),
        (MANY_HEADERS, "Too many headers received"),
        (LONG_HEADER, "Got more than 8190 bytes when reading"),
        (b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nno end", "before the closing"),
    ],
)
async def test_malformed_multipart_form_raises_value_error_and_is_400_uncaught(
    serve: ServeFactory, body: bytes, message: str
) -> None:
    caught: list[str] = []

    async def catching(request: web.Request) -> web.Response:
        try:
            await request.post()
        except ValueError as exc:  # what aiohttp raises for these (or BadHttpMessage)
            caught.append(str(exc))
            return web.Response(text="handled", status=422)
        return web.Response(text="parsed")

    async def letting_through(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text="parsed")

    app = web.Application()
    app.router.add_post("/catch", catching)
    app.router.add_post("/through", letting_through)
    server = await serve(app)
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        response = await client.post("/catch", content=body, headers=headers)
        assert (response.status_code, response.text) == (422, "handled")
        assert message in caught[0]
        response = await client.post("/through", content=body, headers=headers)
        assert response.status_code == 400
        assert message in response.text

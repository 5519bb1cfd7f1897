"""The vertical slice over a real socket: routing, responses, errors, keep-alive."""

from __future__ import annotations

import asyncio

import pytest

from aioloom import web
from aioloom.testing import AioloomClient


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


async def greet(request: web.Request) -> web.Response:
    return web.Response(text=f"Hello, {request.match_info['name']}")


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read(), content_type="application/octet-stream")


async def boom(request: web.Request) -> web.Response:
    raise ZeroDivisionError("handler bug")


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_route("POST", "/echo", echo)
    app.router.add_get("/boom/now", boom)
    app.router.add_get("/{name}", greet)
    return app


@pytest.mark.asyncio
async def test_get_and_variables(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.get("/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert await response.text() == "Hello, world"
    assert await (await client.get("/ada")).text() == "Hello, ada"


@pytest.mark.asyncio
async def test_not_found_and_method_not_allowed(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app())
    assert (await client.get("/a/b/c")).status == 404
    response = await client.request("PUT", "/")
    assert response.status == 405
    assert response.headers["Allow"] == "GET,HEAD"


@pytest.mark.asyncio
async def test_head_has_no_body(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.head("/")
    assert response.status == 200
    assert response.headers["Content-Length"] == "12"
    assert await response.read() == b""


@pytest.mark.asyncio
async def test_request_body_is_read(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.post("/echo", content=b"x" * 100_000)
    assert await response.read() == b"x" * 100_000


@pytest.mark.asyncio
async def test_handler_exception_becomes_500(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aioloom_client(make_app)
    response = await client.get("/boom/now")
    assert response.status == 500
    assert "handler bug" not in await response.text()
    assert "ZeroDivisionError: handler bug" in caplog.text


@pytest.mark.asyncio
async def test_pipelined_requests_are_answered_in_order(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"".join(f"GET /n{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for i in range(50)))
    await writer.drain()
    data = b""
    while data.count(b"HTTP/1.1 200 OK") < 50:
        chunk = await asyncio.wait_for(reader.read(65536), 10)
        assert chunk, "connection closed early"
        data += chunk
    bodies = [part.split(b"\r\n\r\n", 1)[1] for part in data.split(b"HTTP/1.1 ")[1:]]
    assert bodies == [f"Hello, n{i}".encode() for i in range(50)]
    writer.close()
    await writer.wait_closed()


@pytest.mark.asyncio
async def test_malformed_request_gets_400_and_close(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 10)
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: close" in data
    writer.close()
    await writer.wait_closed()

"""The connection knobs of aiohttp's docs: accepted with their meaning, checked at setup."""

from __future__ import annotations

import gzip
import logging
import socket

import pytest

from aioloom import web


async def _socket_option(request: web.Request) -> web.Response:
    sock = request.transport.get_extra_info("socket")  # type: ignore[union-attr]
    return web.Response(text=str(sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)))


def _app(handler: web.Handler, **kwargs: object) -> web.Application:
    app = web.Application(**kwargs)  # type: ignore[arg-type]
    app.router.add_route("*", "/", handler)
    return app


@pytest.mark.asyncio
async def test_the_issue_knob_in_handler_args_serves(serve) -> None:
    # It used to be rejected per connection: every accepted connection was dropped.
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="served")

    server = await serve(_app(hello, handler_args={"timeout_ceil_threshold": 1}))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).endswith(b"served")


@pytest.mark.asyncio
@pytest.mark.parametrize(("kwargs", "expected"), [({}, b"1"), ({"tcp_keepalive": False}, b"0")])
async def test_tcp_keepalive(serve, kwargs: dict[str, object], expected: bytes) -> None:
    server = await serve(_app(_socket_option), **kwargs)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).endswith(expected)


@pytest.mark.asyncio
@pytest.mark.parametrize("auto_decompress", [True, False])
async def test_auto_decompress(serve, auto_decompress: bool) -> None:
    async def body(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    server = await serve(_app(body), auto_decompress=auto_decompress)
    packed = gzip.compress(b"plain text")
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(packed)}\r\n\r\n".encode()
        + packed
    )
    response = await conn.read_response()
    assert response.endswith(b"plain text" if auto_decompress else packed)


@pytest.mark.asyncio
async def test_logger_receives_the_servers_errors(serve, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("boom")

    mine = logging.getLogger("my.app.server")
    server = await serve(_app(broken), logger=mine)
    conn = await server.connect()
    with caplog.at_level(logging.ERROR, logger="my.app.server"):
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await conn.read_response()).startswith(b"HTTP/1.1 500")
    assert [r.name for r in caplog.records if "boom" in str(r.exc_info)] == ["my.app.server"]


def test_long_timeouts_are_rounded_up_to_whole_seconds() -> None:
    from aioloom.web.server._connection import Connection

    connection = Connection.__new__(Connection)
    connection._timeout_ceil_threshold = 5.0
    assert connection._when(100.2, 10.0) == 111
    assert connection._when(100.2, 2.0) == pytest.approx(102.2)
    connection._timeout_ceil_threshold = 0.0
    assert connection._when(100.2, 0.5) == 101


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"handler_args": {"max_line_lenght": 100}}, TypeError, "'max_line_lenght'"),
        ({"runner": {"lingering_tim": 1}}, TypeError, "'lingering_tim'"),
        ({"runner": {"keepalive_timeout": -1}}, ValueError, "keepalive_timeout must be"),
        ({"runner": {"max_headers": "10"}}, ValueError, "max_headers must be"),
        ({"runner": {"tcp_keepalive": 1}}, ValueError, "tcp_keepalive must be True or False"),
        ({"runner": {"logger": "aioloom"}}, ValueError, "logger must be a logger"),
        ({"runner": {"timeout_ceil_threshold": "soon"}}, ValueError, "timeout_ceil_threshold"),
    ],
)
async def test_a_bad_knob_fails_at_setup_before_anything_listens(
    kwargs: dict[str, dict[str, object]], error: type[Exception], message: str
) -> None:
    started: list[str] = []

    async def on_startup(app: web.Application) -> None:
        started.append("startup")

    app = web.Application(handler_args=kwargs.get("handler_args"))
    app.on_startup.append(on_startup)
    runner = web.AppRunner(app, **kwargs.get("runner", {}))  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        await runner.setup()
    assert runner.addresses == []
    assert started == []  # on_startup did not run for a server that cannot start


@pytest.mark.asyncio
async def test_web_server_checks_its_keywords_when_made() -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response()

    with pytest.raises(TypeError, match="unexpected keyword argument 'max_field'"):
        web.Server(handler, max_field=10)
    web.Server(handler, max_field_size=10, read_bufsize=1024, lingering_time=0.5)


@pytest.mark.asyncio
@pytest.mark.parametrize(("value", "expected"), [(2, 2.0), (None, 5.0), ("2", 2.0)])
async def test_timeout_ceil_threshold_is_read_as_aiohttp_reads_it(
    value: object, expected: float
) -> None:
    app = web.Application(handler_args={"timeout_ceil_threshold": value})
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server()._timeout_ceil_threshold == expected
    finally:
        await runner.cleanup()

"""The connection protocol over a real socket: keep-alive, pipelining, Expect,
flow control, disconnects, deadlines and limits."""

from __future__ import annotations

import asyncio
import gc

import pytest

from aioloom import web

# Every test here runs on asyncio's loop and on uvloop.
pytestmark = [pytest.mark.asyncio, pytest.mark.both_loops]


def app_with(*routes: tuple[str, str, web.Handler], **app_kwargs: object) -> web.Application:
    app = web.Application(**app_kwargs)  # type: ignore[arg-type]
    for method, path, handler in routes:
        if method == "GET":
            app.router.add_get(path, handler)
        else:
            app.router.add_route(method, path, handler)
    return app


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read())


# -- keep-alive and HTTP versions -----------------------------------------------------


async def test_http11_keeps_the_connection_open(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    for _ in range(3):
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        response = await conn.read_response()
        assert response.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Connection: close" not in response
    await conn.close()


async def test_http10_closes_unless_keep_alive_is_asked(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.0\r\n\r\n")
    data = await conn.read_until_closed()
    assert data.startswith(b"HTTP/1.0 200 OK\r\n")
    assert data.endswith(b"hello")
    await conn.close()

    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    response = await conn.read_response()
    assert b"\r\nConnection: keep-alive\r\n" in response
    await conn.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert (await conn.read_response()).endswith(b"hello")
    await conn.close()


async def test_connection_close_is_honoured(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = await conn.read_until_closed()
    assert b"\r\nConnection: close\r\n" in data
    assert data.endswith(b"hello")
    await conn.close()


async def test_head_gets_headers_but_no_body(serve) -> None:
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"streamed")
        return response

    server = await serve(app_with(("GET", "/", hello), ("GET", "/stream", stream)))
    conn = await server.connect()
    await conn.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await asyncio.wait_for(conn.reader.readuntil(b"\r\n\r\n"), 5)
    assert b"Content-Length: 5\r\n" in head
    await conn.send(b"HEAD /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    rest = await conn.read_until_closed()
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n")
    assert rest.endswith(b"\r\n\r\n")  # nothing after the head


async def test_streamed_response_is_chunked(serve) -> None:
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for part in (b"one", b"two", b"three"):
            await response.write(part)
        await response.write_eof()
        return response

    server = await serve(app_with(("GET", "/", stream)))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = await conn.read_until_closed()
    assert b"Transfer-Encoding: chunked\r\n" in data
    assert data.endswith(b"\r\n\r\n3\r\none\r\n3\r\ntwo\r\n5\r\nthree\r\n0\r\n\r\n")


# -- pipelining ---------------------------------------------------------------------


async def test_pipelined_requests_are_answered_in_order(serve) -> None:
    async def slow_first(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        await asyncio.sleep(0.05 if n == 0 else 0)
        return web.Response(text=str(n))

    server = await serve(app_with(("GET", "/{n}", slow_first)))
    conn = await server.connect()
    await conn.send(b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(20)))
    bodies = [(await conn.read_response()).rpartition(b"\r\n\r\n")[2] for _ in range(20)]
    assert bodies == [str(i).encode() for i in range(20)]
    await conn.close()


async def test_GHSA_4fvr_rgm6_gqmc_pipeline_queue_is_bounded(serve) -> None:
    depths: list[int] = []

    async def record(request: web.Request) -> web.Response:
        protocol = request.transport.get_protocol()  # type: ignore[union-attr]
        depths.append(len(protocol._queue))
        await asyncio.sleep(0)
        return web.Response(text="k")

    count = 3000
    server = await serve(app_with(("GET", "/", record)), max_pipelined_requests=8)
    conn = await server.connect()
    conn.writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * count)
    answered = 0
    async with asyncio.timeout(60):
        while answered < count:
            chunk = await conn.reader.read(1 << 16)
            assert chunk
            answered += chunk.count(b"HTTP/1.1 200 OK")
    assert len(depths) == count
    # One socket read may complete a few extra requests past the mark before reading pauses.
    assert max(depths) <= 8 + 64 * 1024 // 27
    await conn.close()


# -- request bodies ----------------------------------------------------------------


async def test_request_body_streams_with_flow_control(serve) -> None:
    release = asyncio.Event()
    seen: dict[str, int] = {}

    async def lazy(request: web.Request) -> web.Response:
        await release.wait()
        seen["buffered"] = request.content._size
        total = 0
        async for chunk in request.content.iter_any():
            total += len(chunk)
        return web.Response(text=str(total))

    server = await serve(app_with(("POST", "/", lazy)))
    conn = await server.connect()
    size = 16 * 1024 * 1024
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
    block = b"x" * (1 << 20)
    sender = asyncio.create_task(conn.send(block * 16))
    await asyncio.sleep(0.5)
    assert not sender.done(), "the server should have stopped reading"
    release.set()
    await sender
    response = await conn.read_response()
    assert response.endswith(str(size).encode())
    assert seen["buffered"] <= 4 * 65536 + 256 * 1024
    await conn.close()


async def test_GHSA_g84x_mcqj_x9qq_many_tiny_chunks(serve) -> None:
    server = await serve(app_with(("POST", "/", echo)))
    conn = await server.connect()
    pieces = 20_000
    body = b"1\r\na\r\n" * pieces + b"0\r\n\r\n"
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    response = await conn.read_response(timeout=30)
    assert response.endswith(b"a" * pieces)
    await conn.close()


async def test_unread_body_does_not_desync_the_next_request(serve) -> None:
    server = await serve(app_with(("POST", "/", hello), ("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nGET /x HTTP"
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert (await conn.read_response()).startswith(b"HTTP/1.1 200 OK")
    assert (await conn.read_response()).startswith(b"HTTP/1.1 200 OK")
    await conn.close()


# -- Expect: 100-continue -------------------------------------------------------------


async def test_expect_100_continue_default(serve) -> None:
    server = await serve(app_with(("POST", "/", echo)))
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
    )
    interim = await asyncio.wait_for(conn.reader.readuntil(b"\r\n\r\n"), 5)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    await conn.send(b"data")
    assert (await conn.read_response()).endswith(b"\r\n\r\ndata")
    await conn.close()


async def test_unknown_expectation_gets_417(serve) -> None:
    server = await serve(app_with(("POST", "/", echo)))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: teapot\r\n\r\n")
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 417 Expectation Failed\r\n")
    assert b"Unknown Expect: teapot" in response


@pytest.mark.parametrize(
    ("outcome", "status", "handler_called"),
    [("none", b"200", True), ("response", b"401", False), ("raise", b"403", False)],
)
async def test_route_expect_handler(
    serve, outcome: str, status: bytes, handler_called: bool
) -> None:
    called: list[bool] = []

    async def handler(request: web.Request) -> web.Response:
        called.append(True)
        return web.Response(text="ok")

    async def check(request: web.Request) -> web.StreamResponse | None:
        if outcome == "response":
            return web.Response(status=401, text="no")
        if outcome == "raise":
            raise web.HTTPForbidden()
        request.writer_continue = True  # type: ignore[attr-defined]
        return None

    app = web.Application()
    app.router.add_post("/", handler, expect_handler=check)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n"
    )
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 " + status)
    assert bool(called) is handler_called
    await conn.close()


# -- disconnects ---------------------------------------------------------------------


async def test_read_after_peer_left_raises_connection_reset(serve) -> None:
    outcome: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    async def reader(request: web.Request) -> web.Response:
        try:
            await request.read()
        except BaseException as exc:
            outcome.set_result(exc)
            raise
        outcome.set_result(None)
        return web.Response()

    server = await serve(app_with(("POST", "/", reader)))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial")
    await asyncio.sleep(0.1)
    await conn.close()
    exc = await asyncio.wait_for(outcome, 5)
    assert isinstance(exc, ConnectionResetError)


async def test_handler_cancellation_cancels_on_disconnect(serve) -> None:
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def forever(request: web.Request) -> web.Response:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            outcome.set_result("cancelled")
            raise
        return web.Response()

    server = await serve(app_with(("GET", "/", forever)), handler_cancellation=True)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await asyncio.sleep(0.1)
    await conn.close()
    assert await asyncio.wait_for(outcome, 5) == "cancelled"


async def test_without_handler_cancellation_the_handler_finishes(serve) -> None:
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        response = web.StreamResponse()
        try:
            await response.prepare(request)
            await response.write(b"x" * 100)
            await response.write_eof()
        except ConnectionResetError:
            outcome.set_result("reset")
            raise
        outcome.set_result("written")
        return response

    server = await serve(app_with(("GET", "/", slow)))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await asyncio.sleep(0.05)
    await conn.close()
    assert await asyncio.wait_for(outcome, 5) == "reset"


# -- deadlines and limits -------------------------------------------------------------


async def test_slow_header_gets_408(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)), read_header_timeout=0.3)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
    data = await conn.read_until_closed(timeout=5)
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n")


async def test_idle_keep_alive_connection_is_closed(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)), keepalive_timeout=0.2)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.read_response()
    assert await conn.read_until_closed(timeout=5) == b""


@pytest.mark.parametrize(
    ("handler_args", "request_bytes", "status"),
    [
        ({"max_line_size": 100}, b"GET /" + b"a" * 200 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (
            {"max_field_size": 100},
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 200 + b"\r\n\r\n",
            b"400",
        ),
        (
            {"max_headers": 3},
            b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(5)) + b"\r\n",
            b"400",
        ),
    ],
)
async def test_limits_from_handler_args(serve, handler_args, request_bytes, status) -> None:
    server = await serve(app_with(("GET", "/", hello), handler_args=handler_args))
    conn = await server.connect()
    await conn.send(request_bytes)
    data = await conn.read_until_closed()
    assert data.startswith(b"HTTP/1.1 " + status)
    assert b"Connection: close" in data


async def test_malformed_request_is_answered_after_earlier_pipelined_ones(serve) -> None:
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost : x\r\n\r\n")
    first = await conn.read_response()
    assert first.startswith(b"HTTP/1.1 200 OK")
    rest = await conn.read_until_closed()
    assert rest.startswith(b"HTTP/1.1 400 Bad Request\r\n")


# -- the low-level server ------------------------------------------------------------


async def test_low_level_server_serves_raw_handlers(serve) -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text=f"{request.method} {request.path}")

    server = await serve(web.Server(handler))
    conn = await server.connect()
    await conn.send(b"DELETE /thing HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await conn.read_response()).endswith(b"DELETE /thing")
    await conn.close()


async def test_a_declined_upgrade_keeps_the_connection_for_what_follows(serve) -> None:
    # As aiohttp: a plain answer declines the upgrade; the bytes after the head are
    # HTTP again, so a request pipelined behind it is answered on the same connection.
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    first = await conn.read_response()
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close" not in first
    assert (await conn.read_response()).startswith(b"HTTP/1.1 200 OK\r\n")
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # and later ones too
    assert (await conn.read_response()).startswith(b"HTTP/1.1 200 OK\r\n")
    await conn.close()


@pytest.mark.parametrize(
    ("junk", "status"),
    [(b"\x16\x03\x01 tls?\r\n\r\n", b"400 Bad Request"), (b"z" * 200_000, b"414 URI Too Long")],
)
async def test_junk_after_a_declined_upgrade_gets_a_4xx(serve, junk: bytes, status: bytes) -> None:
    server = await serve(app_with(("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" + junk
    )
    assert (await conn.read_response()).startswith(b"HTTP/1.1 200 OK\r\n")
    rest = await conn.read_until_closed()
    assert rest.startswith(b"HTTP/1.1 " + status + b"\r\n")
    assert all(not p.busy for p in server.runner.server.connections)  # type: ignore[union-attr]


async def test_an_answered_connect_closes_and_buffers_nothing(serve) -> None:
    async def connect(request: web.Request) -> web.Response:
        return web.Response(status=405)

    server = await serve(app_with(("CONNECT", "/", connect), ("GET", "/", hello)))
    conn = await server.connect()
    await conn.send(b"CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n" + b"z" * 200_000)
    data = await conn.read_until_closed()
    assert data.split(b"\r\n")[0].startswith(b"HTTP/1.1 ")
    assert b"Connection: close\r\n" in data
    assert all(not p.busy for p in server.runner.server.connections)  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_answered_requests_leave_no_cycles_for_the_collector(serve) -> None:
    # Reference counting frees a request and its response as soon as they are
    # answered; a cycle between them would wait for the cycle collector.
    @web.middleware
    async def cloning(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        if request.path == "/clone":
            request = request.clone(remote="10.0.0.1")
        return await handler(request)

    async def whole(request: web.Request) -> web.Response:
        return web.Response(text="whole")

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"streamed")
        await response.write_eof()
        return response

    app = web.Application(middlewares=[cloning])
    app.router.add_get("/", whole)
    app.router.add_get("/clone", whole)
    app.router.add_get("/stream", streamed)
    server = await serve(app)
    connection = await server.connect()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in ["/", "/clone", "/stream"] * 3:
            await connection.send(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            end = b"\r\n0\r\n\r\n" if path == "/stream" else b"whole"
            while end not in connection.received:
                connection.received += await connection.reader.read(65536)
            connection.received = b""
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, web.BaseRequest | web.StreamResponse)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []


async def test_a_loop_task_factory_makes_the_handler_tasks(serve) -> None:
    loop = asyncio.get_running_loop()
    made: list[asyncio.Task[object]] = []

    def factory(loop: asyncio.AbstractEventLoop, coro, **kwargs):  # type: ignore[no-untyped-def]
        task = asyncio.Task(coro, loop=loop, **kwargs)
        made.append(task)
        return task

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=str(asyncio.current_task() in made))

    previous = loop.get_task_factory()
    loop.set_task_factory(factory)
    try:
        server = await serve(app_with(("GET", "/", handler)))
        conn = await server.connect()
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await conn.read_response()).endswith(b"\r\n\r\nTrue")
    finally:
        loop.set_task_factory(previous)


@pytest.mark.parametrize(
    ("handler_args", "kept"), [({}, b"4096"), ({"max_remembered_head_size": 0}, b"0")]
)
async def test_remembered_head_size_from_handler_args(serve, handler_args, kept) -> None:
    async def limit(request: web.Request) -> web.Response:
        parser = request._connection._parser  # type: ignore[attr-defined]
        return web.Response(text=str(parser._limits.max_remembered_head_size))

    server = await serve(app_with(("GET", "/", limit), handler_args=handler_args))
    conn = await server.connect()
    for _ in range(2):  # the same request twice: with or without reuse, the same answer
        await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n")
        assert (await conn.read_response()).endswith(b"\r\n\r\n" + kept)

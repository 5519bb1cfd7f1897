"""Bodies that go wrong and answers that come early, over a real socket.

A malformed or undecodable body reaches its reader as ``RequestPayloadError``
(400 when uncaught), and no response promises keep-alive on a connection the
server then closes.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from aioloom import web

pytestmark = [pytest.mark.asyncio, pytest.mark.both_loops]


def _app(handler: web.Handler, method: str = "POST", **kwargs: object) -> web.Application:
    app = web.Application(**kwargs)  # type: ignore[arg-type]
    app.router.add_route(method, "/", handler)
    app.router.add_get("/next", lambda request: _hello())
    return app


async def _hello() -> web.Response:
    return web.Response(text="next")


def _status(response: bytes) -> bytes:
    return response.split(b"\r\n", 1)[0]


async def _reader(seen: list[BaseException]) -> web.Handler:
    async def read(request: web.Request) -> web.Response:
        try:
            await request.read()
        except BaseException as exc:
            seen.append(exc)
            raise
        return web.Response(text="read")

    return read


@pytest.mark.parametrize("split", [False, True])
async def test_a_bad_chunk_size_raises_request_payload_error_and_answers_400(
    serve, split: bool
) -> None:
    seen: list[BaseException] = []
    server = await serve(_app(await _reader(seen)))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    if split:  # the handler is already waiting in read() when the bad bytes come
        await conn.send(b"4\r\ntest\r\n")
        await asyncio.sleep(0.05)
    await conn.send(b"zz\r\n")
    response = await conn.read_response(timeout=5)
    assert _status(response) == b"HTTP/1.1 400 Bad Request"
    assert b"Connection: close\r\n" in response
    assert b"malformed request body" in response
    assert await conn.read_until_closed(timeout=5) == b""
    assert len(seen) == 1
    assert isinstance(seen[0], web.RequestPayloadError)
    started = time.monotonic()
    await server.runner.cleanup()
    assert time.monotonic() - started < 2


async def test_an_undecodable_gzip_body_raises_in_the_reader(serve) -> None:
    # aiohttp's own test: the handler catches the error and answers 200.
    async def handler(request: web.Request) -> web.Response:
        with pytest.raises(web.RequestPayloadError):
            await request.content.read()
        return web.Response(text="caught")

    server = await serve(_app(handler))
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\ntest"
    )
    response = await conn.read_response(timeout=5)
    assert _status(response) == b"HTTP/1.1 200 OK"
    assert response.endswith(b"caught")
    # The body was broken: the answer says the connection ends, and it does.
    assert b"Connection: close\r\n" in response
    assert await conn.read_until_closed(timeout=5) == b""


async def test_every_body_reader_hears_of_the_error(serve) -> None:
    outcomes: dict[str, str] = {}

    async def handler(request: web.Request) -> web.Response:
        how = request.query["how"]
        try:
            if how == "read":
                await request.read()
            elif how == "text":
                await request.text()
            elif how == "json":
                await request.json()
            elif how == "post":
                await request.post()
            elif how == "multipart":
                reader = await request.multipart()
                part = await reader.next()
                while part is not None:
                    await part.read()  # type: ignore[union-attr]
                    part = await reader.next()
            else:
                async for _ in request.content.iter_any():
                    pass
        except web.RequestPayloadError:
            outcomes[how] = "RequestPayloadError"
        return web.Response(text=how)

    server = await serve(_app(handler))
    for how in ("read", "text", "json", "post", "multipart", "iter_any"):
        conn = await server.connect()
        ctype = (
            b"multipart/form-data; boundary=b"
            if how == "multipart"
            else b"application/x-www-form-urlencoded"
        )
        await conn.send(
            b"POST /?how="
            + how.encode()
            + b" HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + ctype
            + b"\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n--b\r\nnot-a-size\r\n"
        )
        response = await conn.read_response(timeout=5)
        assert _status(response) == b"HTTP/1.1 200 OK", how
        await conn.close()
    assert outcomes == dict.fromkeys(
        ("read", "text", "json", "post", "multipart", "iter_any"), "RequestPayloadError"
    )


async def test_an_early_answer_to_a_body_still_coming_says_connection_close(serve) -> None:
    async def refuse(request: web.Request) -> web.Response:
        raise web.HTTPUnauthorized()

    server = await serve(_app(refuse))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n" + b"a" * 1000)
    response = await conn.read_response(timeout=5)
    assert _status(response) == b"HTTP/1.1 401 Unauthorized"
    assert b"Connection: close\r\n" in response
    # The client may go on sending what it started: it is not reset before it reads.
    await conn.send(b"a" * 299_000)
    assert await conn.read_until_closed(timeout=15) == b""


async def test_an_early_answer_to_a_body_already_here_keeps_the_connection(serve) -> None:
    async def ignore(request: web.Request) -> web.Response:
        return web.Response(text="ignored the body")

    server = await serve(_app(ignore))
    conn = await server.connect()
    await conn.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    first = await conn.read_response(timeout=5)
    assert _status(first) == b"HTTP/1.1 200 OK"
    assert b"Connection: close" not in first
    assert (await conn.read_response(timeout=5)).endswith(b"next")
    await conn.close()


async def test_a_streamed_answer_drains_the_unread_body_and_keeps_the_connection(serve) -> None:
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)  # keep-alive promised: the body is not read
        await response.write(b"streamed")
        return response

    server = await serve(_app(stream))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + b"a" * 10)
    await asyncio.sleep(0.1)  # the handler answers before the rest arrives
    await conn.send(b"a" * 199_990 + b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(10):
        while b"next" not in conn.received:
            chunk = await conn.reader.read(65536)
            assert chunk, conn.received
            conn.received += chunk
    assert b"Connection: close" not in conn.received
    assert b"streamed" in conn.received
    await conn.close()


async def test_the_drain_is_bounded_in_bytes(serve) -> None:
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        return response

    server = await serve(
        _app(stream, handler_args={"lingering_bytes": 50_000}),
    )
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    await asyncio.sleep(0.1)
    for _ in range(20):
        try:
            await conn.send(b"2710\r\n" + b"a" * 10_000 + b"\r\n")
        except ConnectionError:
            break
    data = await conn.read_until_closed(timeout=10)
    assert data.startswith(b"HTTP/1.1 200 OK")


async def test_413_then_the_next_request_with_a_real_client(serve) -> None:
    # The symptom of the early answer that promised keep-alive: a client reusing the
    # connection lost its next request about one time in five.
    async def upload(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    server = await serve(_app(upload, client_max_size=1000))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        for _ in range(20):
            big = await client.post("/", content=b"x" * 200_000)
            assert big.status_code == 413
            assert (await client.get("/next")).text == "next"

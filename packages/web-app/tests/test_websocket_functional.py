"""WebSocketResponse against an independent client: the `websockets` package."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from aioloom import web

# Every test here runs on asyncio's loop and on uvloop.
pytestmark = [pytest.mark.asyncio, pytest.mark.both_loops]

SOCKETS = web.AppKey("sockets", list)


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(protocols=("chat", "superchat"))
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == web.WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close(code=4001, message=b"bye")
            else:
                await ws.send_str(msg.data + "/answer")
        elif msg.type == web.WSMsgType.BINARY:
            await ws.send_bytes(msg.data[::-1])
    return ws


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/ws", echo)
    return app


async def test_text_binary_and_subprotocol(serve) -> None:
    server = await serve(make_app())
    uri = f"ws://127.0.0.1:{server.port}/ws"
    async with websockets.connect(uri, subprotocols=["superchat"]) as client:
        assert client.subprotocol == "superchat"
        await client.send("hello")
        assert await client.recv() == "hello/answer"
        await client.send(b"\x01\x02\x03")
        assert await client.recv() == b"\x03\x02\x01"
        await client.send(["frag", "mented"])  # a fragmented message
        assert await client.recv() == "fragmented/answer"


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_large_messages_with_and_without_compression(serve, compression) -> None:
    server = await serve(make_app())
    uri = f"ws://127.0.0.1:{server.port}/ws"
    async with websockets.connect(uri, compression=compression, max_size=2**22) as client:
        payload = "abc" * 300_000
        await client.send(payload)
        assert await client.recv() == payload + "/answer"
        assert (
            "permessage-deflate" in (client.response.headers.get("Sec-WebSocket-Extensions") or "")
        ) is (compression == "deflate")


async def test_server_close_code_reaches_the_client(serve) -> None:
    server = await serve(make_app())
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws") as client:
        await client.send("close")
        with pytest.raises(ConnectionClosed) as closed:
            await client.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4001
    assert closed.value.rcvd.reason == "bye"


async def test_bad_handshakes_get_http_errors(serve) -> None:
    server = await serve(make_app())
    conn = await server.connect()
    await conn.send(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n"
    )
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 400 ")
    assert b"Sec-WebSocket-Key" in response

    conn = await server.connect()
    await conn.send(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"
    )
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 426 ")
    assert b"\r\nSec-WebSocket-Version: 13\r\n" in response


async def test_on_response_prepare_fires_for_the_handshake(serve) -> None:
    app = make_app()
    seen: list[int] = []

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        seen.append(response.status)
        response.headers["X-Prepared"] = "yes"

    app.on_response_prepare.append(on_prepare)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws") as client:
        assert client.response.headers["X-Prepared"] == "yes"
    assert seen == [101]


async def test_concurrent_receive_is_refused_and_close_from_another_task_wakes_the_reader(
    serve,
) -> None:
    events: list[str] = []
    ready = asyncio.Event()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        request.app[SOCKETS].append(ws)
        reader = asyncio.ensure_future(ws.receive())
        await asyncio.sleep(0)
        try:
            await ws.receive()
        except RuntimeError:
            events.append("second receive refused")
        ready.set()
        message = await reader
        events.append(f"reader woke with {message.type.name}")
        return ws

    async def logout(request: web.Request) -> web.Response:
        # The FAQ's logout: another task closes the user's websockets.
        for ws in request.app[SOCKETS]:
            await ws.close(code=web.WSCloseCode.GOING_AWAY, message=b"logged out")
        return web.Response(text="logged out")

    app = web.Application()
    app[SOCKETS] = []
    app.router.add_get("/ws", handler)
    app.router.add_post("/logout", logout)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws") as client:
        await asyncio.wait_for(ready.wait(), 5)
        conn = await server.connect()
        await conn.send(b"POST /logout HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        assert (await conn.read_response()).endswith(b"logged out")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(client.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001
    await asyncio.sleep(0.1)
    assert events[0] == "second receive refused"
    assert events[1].startswith("reader woke with CLOS")


async def test_on_shutdown_closes_sockets_with_going_away(serve) -> None:
    app = web.Application()
    app[SOCKETS] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        request.app[SOCKETS].append(ws)
        async for _ in ws:
            pass
        return ws

    async def on_shutdown(app: web.Application) -> None:  # the docs' example
        for ws in set(app[SOCKETS]):
            await ws.close(code=web.WSCloseCode.GOING_AWAY, message=b"Server shutdown")

    app.router.add_get("/ws", handler)
    app.on_shutdown.append(on_shutdown)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws") as client:
        await client.send("hi")
        await asyncio.sleep(0.1)
        cleanup = asyncio.create_task(server.runner.cleanup())
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(client.recv(), 5)
        await asyncio.wait_for(cleanup, 10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001
    assert closed.value.rcvd.reason == "Server shutdown"


async def test_json_and_receive_helpers(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        assert ws.can_prepare(request)
        await ws.prepare(request)
        data = await ws.receive_json()
        await ws.send_json({"got": data})
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/") as client:
        await client.send(json.dumps([1, 2]))
        assert json.loads(await client.recv()) == {"got": [1, 2]}


async def test_plain_get_to_a_websocket_route_is_refused(serve) -> None:
    server = await serve(make_app())
    with pytest.raises(InvalidStatus):
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/nope"):
            pass


class CountingWebSocketResponse(web.WebSocketResponse):
    """Overrides receive(): ``async for`` must go through it (the general path)."""

    received = 0

    async def receive(self, timeout: float | None = None) -> web.WSMessage:
        msg = await super().receive(timeout)
        CountingWebSocketResponse.received += 1
        return msg


@pytest.mark.parametrize("cls", [web.WebSocketResponse, CountingWebSocketResponse])
async def test_iteration_and_sends_direct_and_through_an_override(serve, cls) -> None:
    # The plain class iterates on the WebSocket's receive core and writes through
    # its synchronous halves; a subclass overriding receive() takes the general
    # path. Both answer a burst (corked answers), a lone message and a large one
    # (written apart from its header) alike, and close alike.
    done: list[int | None] = []
    CountingWebSocketResponse.received = 0

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = cls()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                await ws.send_str(msg.data.upper())
            elif msg.type == web.WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        done.append(ws.close_code)
        return ws

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    big = bytes(range(256)) * 1024  # 256 KiB
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/", max_size=2**20) as client:
        for i in range(20):
            await client.send(f"m{i}")
        assert [await client.recv() for _ in range(20)] == [f"M{i}" for i in range(20)]
        await client.send(big)
        assert await client.recv() == big
        await client.send("last")
        assert await client.recv() == "LAST"
    for _ in range(100):
        if done:
            break
        await asyncio.sleep(0.01)
    assert done == [1000]
    if cls is CountingWebSocketResponse:
        assert CountingWebSocketResponse.received == 23  # 22 messages and the close

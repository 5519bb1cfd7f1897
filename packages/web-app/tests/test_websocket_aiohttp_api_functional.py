"""WebSocketResponse's aiohttp 3.14 API over a real socket, with the `websockets`
package as the client: the lower-case message types, ``decode_text=False``,
``send_frame``, ``send_json_bytes``, ``writer_limit``, refusals as
``web.HTTPBadRequest``, a POST handshake, and ``set_status`` before ``prepare``."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from aioloom import web

pytestmark = pytest.mark.asyncio

RESULTS = web.AppKey("results", list)

UPGRADE = (
    b"Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
)


def app_with(handler: Any, method: str = "GET") -> web.Application:
    app = web.Application()
    app[RESULTS] = []
    app.router.add_route(method, "/", handler)
    return app


async def test_lower_case_message_types_in_a_handler(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == web.WSMsgType.text:
                await ws.send_str(msg.data + "/text")
            elif msg.type == web.WSMsgType.binary:
                await ws.send_str("binary")
        return ws

    server = await serve(app_with(handler))
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/") as client:
        await client.send("a")
        assert await client.recv() == "a/text"
        await client.send(b"b")
        assert await client.recv() == "binary"


async def test_decode_text_false_gives_bytes_to_receive_str_json_and_iteration(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse[Literal[False]]:
        ws: web.WebSocketResponse[Literal[False]] = web.WebSocketResponse(decode_text=False)
        await ws.prepare(request)
        got: list[Any] = [await ws.receive_str()]
        got.append(await ws.receive_json(loads=lambda data: json.loads(data)))
        async for msg in ws:
            got.append((msg.type, msg.data))
            await ws.send_bytes(msg.data)
        request.app[RESULTS].append(got)
        return ws

    app = app_with(handler)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/") as client:
        await client.send("h\u00e9")
        await client.send('{"k": 1}')
        await client.send("third")
        assert await client.recv() == b"third"
    await asyncio.sleep(0.1)
    assert app[RESULTS] == [["h\u00e9".encode(), {"k": 1}, (web.WSMsgType.TEXT, b"third")]]


async def test_decode_text_false_closes_invalid_utf8_with_1007(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(decode_text=False)
        await ws.prepare(request)
        request.app[RESULTS].append((await ws.receive()).type)
        return ws

    app = app_with(handler)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\n" + UPGRADE + b"Sec-WebSocket-Version: 13\r\n\r\n")
    # A masked TEXT frame (key 0) holding \xff, which is never UTF-8.
    await conn.send(b"\x81\x81\x00\x00\x00\x00\xff")
    data = await conn.read_until_closed()
    assert data.startswith(b"HTTP/1.1 101 ")
    assert b"\x88\x02\x03\xef" in data  # Close, code 1007
    assert app[RESULTS] == [web.WSMsgType.ERROR]


async def test_send_frame_and_send_json_bytes(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        await ws.send_frame(b"frame text", web.WSMsgType.TEXT)
        await ws.send_frame(b"\x00\x01", web.WSMsgType.BINARY)
        await ws.send_json_bytes({"a": [1, 2]}, dumps=lambda obj: json.dumps(obj).encode())
        with pytest.raises(ValueError, match="close"):
            await ws.send_frame(b"", web.WSMsgType.CLOSE)
        await ws.close()
        return ws

    server = await serve(app_with(handler))
    for compression in ("deflate", None):
        uri = f"ws://127.0.0.1:{server.port}/"
        async with websockets.connect(uri, compression=compression) as client:
            assert await client.recv() == "frame text"
            assert await client.recv() == b"\x00\x01"
            assert json.loads(await client.recv()) == {"a": [1, 2]}
            with pytest.raises(ConnectionClosed):
                await client.recv()


async def test_writer_limit_lets_sends_run_past_a_paused_transport(serve) -> None:
    # A client that does not read: the server's transport pauses. With a large
    # writer_limit the handler's sends do not wait; with aiohttp's default they do.
    async def handler(request: web.Request) -> web.WebSocketResponse:
        limit = int(request.query["limit"])
        ws = web.WebSocketResponse(writer_limit=limit, compress=False)
        await ws.prepare(request)
        sent = 0
        try:
            async with asyncio.timeout(1):
                for _ in range(256):
                    await ws.send_bytes(b"x" * 65536)
                    sent += 1
        except TimeoutError:
            pass
        request.app[RESULTS].append((limit, sent))
        return ws

    app = app_with(handler)
    server = await serve(app)
    for limit in (2**18, 2**25):
        conn = await server.connect()
        await conn.send(
            b"GET /?limit=%d HTTP/1.1\r\n" % limit + UPGRADE + b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        for _ in range(200):
            if len(app[RESULTS]) == (1 if limit == 2**18 else 2):
                break
            await asyncio.sleep(0.02)
        await conn.close()
    [(default, default_sent), (large, large_sent)] = app[RESULTS]
    assert (default, large) == (2**18, 2**25)
    assert default_sent < 256  # waited for the transport that asked to pause
    assert large_sent == 256  # 16 MiB written without waiting: under the 32 MiB limit


async def test_refusals_are_http_bad_request(serve) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        try:
            await ws.prepare(request)
        except web.HTTPBadRequest as exc:  # as aiohttp code catches it
            request.app[RESULTS].append(exc.status)
            raise
        return ws

    app = app_with(handler)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # no Upgrade at all
    assert (await conn.read_response()).startswith(b"HTTP/1.1 400 ")
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\n" + UPGRADE + b"Sec-WebSocket-Version: 8\r\n\r\n")
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 426 ")  # RFC 6455 4.4, still an HTTPBadRequest
    assert b"\r\nSec-WebSocket-Version: 13\r\n" in response
    assert app[RESULTS] == [400, 426]


async def test_a_post_handshake_is_accepted_as_aiohttp_accepts_it(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=0.1)  # the raw client never answers the Close
        await ws.prepare(request)
        await ws.send_str("posted")
        await ws.close()
        return ws

    server = await serve(app_with(handler, "POST"))
    conn = await server.connect()
    await conn.send(b"POST / HTTP/1.1\r\n" + UPGRADE + b"Sec-WebSocket-Version: 13\r\n\r\n")
    data = await conn.read_until_closed()
    assert data.startswith(b"HTTP/1.1 101 ")
    assert b"\x81\x06posted" in data


async def test_set_status_before_prepare_still_switches_protocols(serve) -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        ws.set_status(200, "Fine")
        await ws.prepare(request)
        request.app[RESULTS].append((ws.status, ws.reason))
        await ws.send_str("open")
        await ws.close()
        return ws

    app = app_with(handler)
    server = await serve(app)
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/") as client:
        assert await client.recv() == "open"
    assert app[RESULTS] == [(101, "Switching Protocols")]


async def test_not_started_calls_raise_runtime_error() -> None:
    ws = web.WebSocketResponse()
    with pytest.raises(RuntimeError):
        await ws.send_frame(b"x", web.WSMsgType.TEXT)
    with pytest.raises(RuntimeError):
        await ws.send_json_bytes({}, dumps=lambda obj: json.dumps(obj).encode())
    with pytest.raises(RuntimeError):
        await ws.close(drain=False)

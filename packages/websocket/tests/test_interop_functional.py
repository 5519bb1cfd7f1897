"""Interop over real sockets with the independent ``websockets`` package, both directions."""

import asyncio
from typing import Any

import pytest
import websockets
from websockets.asyncio.server import ServerConnection
from ws_testutil import echo_handler, running_server

from aioloom.websocket import (
    WebSocket,
    WSCloseCode,
    WSMsgType,
    WSServerHandshakeError,
    connect,
)

pytestmark = pytest.mark.asyncio

PAYLOADS: list[Any] = ["", "hello", "ünïcødé ☃" * 1000, b"", b"\x00\xff" * 40000]


async def _ws_echo(conn: ServerConnection) -> None:
    async for message in conn:
        if message == "fragments please":
            await conn.send(["frag", "mented", " text"])
        elif message == "close 4001":
            await conn.close(4001, "as asked")
        else:
            await conn.send(message)


async def _ws_server(compression: str | None) -> Any:
    return websockets.serve(_ws_echo, "127.0.0.1", 0, compression=compression, max_size=2**24)


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_our_client_against_websockets_server(compression: str | None) -> None:
    async with await _ws_server(compression) as server:
        port = server.sockets[0].getsockname()[1]
        ws = await connect(f"ws://127.0.0.1:{port}/path?q=1")
        assert ws.compress is (compression is not None)
        for payload in PAYLOADS:
            if isinstance(payload, str):
                await ws.send_str(payload)
                assert await ws.receive_str() == payload
            else:
                await ws.send_bytes(payload)
                assert await ws.receive_bytes() == payload
        await ws.send_str("fragments please")
        assert await ws.receive_str() == "fragmented text"
        await ws.send_frame(b"we ", WSMsgType.TEXT, fin=False)
        await ws.send_frame(b"fragment", WSMsgType.CONTINUATION)
        assert await ws.receive_str() == "we fragment"
        await ws.ping(b"are you there")
        assert await ws.close(code=WSCloseCode.GOING_AWAY, message="bye") is True
        assert ws.close_code == WSCloseCode.GOING_AWAY  # websockets echoes the code


async def test_our_client_sees_server_close_code() -> None:
    async with await _ws_server("deflate") as server:
        port = server.sockets[0].getsockname()[1]
        ws = await connect(f"ws://127.0.0.1:{port}/")
        await ws.send_str("close 4001")
        msg = await ws.receive()
        assert msg.type is WSMsgType.CLOSE
        assert (msg.data, msg.extra) == (4001, "as asked")
        assert ws.close_code == 4001
        assert ws.closed


async def test_our_client_subprotocol_and_refusal() -> None:
    async def handler(conn: ServerConnection) -> None:
        await conn.send(conn.subprotocol or "none")

    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat"]) as server:
        port = server.sockets[0].getsockname()[1]
        ws = await connect(f"ws://127.0.0.1:{port}/", protocols=("other", "chat"))
        assert ws.protocol == "chat"
        assert await ws.receive_str() == "chat"
        await ws.close()

    async def reject(conn: ServerConnection, request: Any) -> Any:
        return conn.respond(403, "no\n")

    async with websockets.serve(handler, "127.0.0.1", 0, process_request=reject) as server:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(WSServerHandshakeError) as info:
            await connect(f"ws://127.0.0.1:{port}/")
        assert info.value.status == 403


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_websockets_client_against_our_server(compression: str | None) -> None:
    async with running_server() as url:
        client = await websockets.connect(url, compression=compression, max_size=2**24)
        agreed = client.response.headers.get("Sec-WebSocket-Extensions")
        assert (agreed is not None) is (compression is not None)
        for payload in PAYLOADS:
            await client.send(payload)
            assert await client.recv() == payload
        await client.send(["frag", "mented"])
        assert await client.recv() == "fragmented"
        await client.send([b"a", b"b", b"c"])
        assert await client.recv() == b"abc"
        pong = await client.ping(b"x")
        await asyncio.wait_for(pong, 5)
        await client.close()
        assert client.close_code == 1000


@pytest.mark.parametrize("code", [1000, 1001, 3000, 4999])
async def test_websockets_client_close_codes(code: int) -> None:
    seen: list[tuple[int | None, Any]] = []

    async def handler(ws: WebSocket) -> None:
        msg = await ws.receive()
        seen.append((ws.close_code, msg.extra))

    async with running_server(handler) as url:
        async with websockets.connect(url) as client:
            await client.close(code, "reason")
            assert client.close_code == code or client.close_code == 1000
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
    assert seen == [(code, "reason")]


async def test_our_server_closes_with_code_websockets_sees_it() -> None:
    async def handler(ws: WebSocket) -> None:
        await ws.receive()
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message="policy")

    async with running_server(handler) as url, websockets.connect(url) as client:
        await client.send("hi")
        with pytest.raises(websockets.ConnectionClosed) as info:
            await client.recv()
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1008
        assert info.value.rcvd.reason == "policy"


async def test_our_server_refuses_bad_version_with_426() -> None:
    async with running_server() as url:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"
        )
        head = await reader.read(1000)
        writer.close()
        await writer.wait_closed()
    assert head.startswith(b"HTTP/1.1 426")
    assert b"Sec-WebSocket-Version: 13" in head


async def test_our_client_against_our_server_with_subprotocol() -> None:
    async with running_server(echo_handler, protocols=("v2", "v1")) as url:
        ws = await connect(url, protocols=("v1",), compress=9)
        assert ws.protocol == "v1"
        assert ws.connection.deflate is not None
        assert ws.connection.deflate.server_max_window_bits == 9
        await ws.send_str("x" * 100000)
        assert await ws.receive_str() == "x" * 100000
        await ws.close()
        assert ws.close_code == 1000

"""connect() against raw asyncio servers that answer the handshake badly, over sockets."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from aioloom.websocket import WSServerHandshakeError, accept_token, connect

pytestmark = pytest.mark.asyncio


@asynccontextmanager
async def raw_server(answer: bytes | None) -> AsyncIterator[str]:
    """Replies ``answer`` (None: the right 101 plus a text frame) after the request head."""

    handlers: list[asyncio.Task[object]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            handlers.append(task)
        head = await reader.readuntil(b"\r\n\r\n")
        if answer is None:
            key = next(
                line.split(b":", 1)[1].strip().decode()
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            writer.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept_token(key).encode()
                + b"\r\n\r\n\x81\x05early"  # a frame in the same segment as the head
            )
        else:
            writer.write(answer)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.close()
        await server.wait_closed()
        await asyncio.gather(*handlers, return_exceptions=True)


async def test_frame_in_same_segment_as_101_is_read() -> None:
    async with raw_server(None) as url:
        ws = await connect(url, compress=0)
        assert await ws.receive_str() == "early"
        msg = await ws.receive()
        assert ws.close_code == 1006  # the server dropped TCP without a Close frame
        assert msg.type.name == "CLOSED"


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (b"garbage\r\n\r\n", "status line"),
        (b"HTTP/1.1 101 OK\r\nbad header\r\n\r\n", "header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "Expected HTTP 101"),
        (b"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n", "Accept"),
        (b"HTTP/1.1 101 OK\r\n", "closed during the handshake"),
    ],
)
async def test_bad_handshake_answers(answer: bytes, match: str) -> None:
    async with raw_server(answer) as url:
        with pytest.raises(WSServerHandshakeError, match=match):
            await connect(url)


async def test_bad_urls() -> None:
    with pytest.raises(ValueError, match="scheme"):
        await connect("http://127.0.0.1/")
    with pytest.raises(ValueError, match="no host"):
        await connect("ws:///path")

"""Test helpers for aioloom.websocket (also used by tools/autobahn/run.py).

- ``frame()``: hand-made frames (any bits, any mask, any length encoding).
- ``SansIOPair``: a client and a server ``Connection`` wired together, no I/O.
- ``memory_pair()``: a client and a server ``WebSocket`` over in-memory transports.
- ``serve()``: a tiny raw asyncio server doing a minimal HTTP/1.1 upgrade itself and
  handing the connection to our asyncio layer (web-app's integration comes later).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from aioloom.websocket import (
    Connection,
    HandshakeError,
    WebSocket,
    WSMessage,
    WSMsgType,
    apply_mask,
    server_handshake,
)
from aioloom.websocket._ws_protocol import WebSocketProtocol

__all__ = ["SansIOPair", "frame", "memory_pair", "serve", "echo_handler", "MemoryTransport"]


def frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = b"\x01\x02\x03\x04",
    length_form: int | None = None,
    length: int | None = None,
) -> bytes:
    """Build any frame, valid or not. ``length_form`` 7/16/64 forces an encoding."""
    size = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    bit = 0x80 if mask is not None else 0
    form = length_form or (7 if size < 126 else 16 if size < 65536 else 64)
    if form == 7:
        head = bytes((b0, bit | size))
    elif form == 16:
        head = struct.pack("!BBH", b0, bit | 126, size)
    else:
        head = struct.pack("!BBQ", b0, bit | 127, size)
    if mask is not None:
        return head + mask + apply_mask(mask, payload)
    return head + payload


class SansIOPair:
    """Two sans-IO connections; ``c2s``/``s2c`` move bytes and return what was read."""

    def __init__(self, **kwargs: Any) -> None:
        self.client = Connection(is_client=True, **kwargs)
        self.server = Connection(is_client=False, **kwargs)

    def c2s(self, data: bytes) -> list[WSMessage]:
        return self.server.receive_data(data)

    def s2c(self, data: bytes) -> list[WSMessage]:
        return self.client.receive_data(data)


class MemoryTransport:
    """An in-memory transport: writes reach the peer's ``feed_data`` on the next loop turn."""

    def __init__(self) -> None:
        self.peer: WebSocket | None = None
        self.owner: WebSocket | None = None
        self.closing = False
        self.written: list[bytes] = []
        self.reading_paused = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        if self.closing:
            raise RuntimeError("write after close")
        self.written.append(data)
        peer = self.peer
        if peer is not None:
            asyncio.get_running_loop().call_soon(peer.feed_data, data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        if self.closing:
            return
        self.closing = True
        loop = asyncio.get_running_loop()
        if self.peer is not None:
            loop.call_soon(self.peer.feed_eof)
        if self.owner is not None:
            loop.call_soon(self.owner.connection_lost, None)

    def abort(self) -> None:
        self.aborted = True
        self.close()

    def pause_reading(self) -> None:
        self.reading_paused = True

    def resume_reading(self) -> None:
        self.reading_paused = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


def memory_pair(
    *, deflate: Any = None, max_msg_size: int = 4 * 1024 * 1024, **kwargs: Any
) -> tuple[WebSocket, WebSocket, MemoryTransport, MemoryTransport]:
    """(client, server, client transport, server transport), connected in memory."""
    ct, st = MemoryTransport(), MemoryTransport()
    client = WebSocket(
        ct, Connection(is_client=True, deflate=deflate, max_msg_size=max_msg_size), **kwargs
    )
    server = WebSocket(
        st, Connection(is_client=False, deflate=deflate, max_msg_size=max_msg_size), **kwargs
    )
    ct.owner, ct.peer = client, server
    st.owner, st.peer = server, client
    return client, server, ct, st


Handler = Callable[[WebSocket], Awaitable[None]]


async def echo_handler(ws: WebSocket) -> None:
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type is WSMsgType.BINARY:
            await ws.send_bytes(msg.data)


def _parse_request(head: bytes) -> tuple[str, tuple[int, int], dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, _target, version = lines[0].split(" ")
    major, minor = version.removeprefix("HTTP/").split(".")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return method, (int(major), int(minor)), headers


class _LowerHeaders:
    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def get(self, key: str, /) -> str | None:
        return self._headers.get(key.lower())


async def _serve_one(proto: WebSocketProtocol, handler: Handler, options: dict[str, Any]) -> None:
    transport = proto.transport
    if transport is None:
        return
    while b"\r\n\r\n" not in proto.buffer:
        if proto.eof or len(proto.buffer) > 65536:
            transport.close()
            return
        proto.head_received.clear()
        await proto.head_received.wait()
    end = proto.buffer.index(b"\r\n\r\n")
    head = bytes(proto.buffer[:end])
    del proto.buffer[: end + 4]
    method, version, headers = _parse_request(head)
    try:
        accepted = server_handshake(
            method,
            _LowerHeaders(headers),
            protocols=options.get("protocols", ()),
            compress=options.get("compress", True),
            origins=options.get("origins"),
            http_version=version,
        )
    except HandshakeError as exc:
        body = str(exc).encode()
        lines = [f"HTTP/1.1 {exc.status} Refused", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in exc.headers]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        transport.close()
        return
    lines = ["HTTP/1.1 101 Switching Protocols"] + [f"{k}: {v}" for k, v in accepted.headers]
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    ws = WebSocket(
        transport,
        Connection(
            is_client=False,
            deflate=accepted.deflate,
            max_msg_size=options.get("max_msg_size", 4 * 1024 * 1024),
        ),
        protocol=accepted.protocol,
        **options.get("ws_kwargs", {}),
    )
    proto.attach(ws)
    try:
        await handler(ws)
    finally:
        await ws.close()


async def serve(
    handler: Handler = echo_handler, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> asyncio.Server:
    """Start the tiny upgrade server; ``server.sockets[0].getsockname()[1]`` is the port."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    def factory() -> WebSocketProtocol:
        proto = WebSocketProtocol()

        def start() -> None:
            task = loop.create_task(_serve_one(proto, handler, options))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        loop.call_soon(start)
        return proto

    server = await loop.create_server(factory, host, port)
    server_close = server.close

    def close() -> None:
        server_close()
        for task in list(tasks):
            task.cancel()

    server.close = close  # type: ignore[method-assign]
    return server


@contextlib.asynccontextmanager
async def running_server(handler: Handler = echo_handler, **options: Any) -> Any:
    """``async with running_server() as url:`` a ws:// URL to our tiny server."""
    server = await serve(handler, **options)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.close()
        await server.wait_closed()


def random_payload(size: int) -> bytes:
    return os.urandom(size)

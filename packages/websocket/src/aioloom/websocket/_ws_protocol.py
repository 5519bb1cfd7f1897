"""``WebSocketProtocol``: an ``asyncio.Protocol`` for a transport that carries only a
WebSocket (a client, a test server), holding the handshake's bytes until it is done."""

from __future__ import annotations

import asyncio

from ._websocket import WebSocket

__all__ = ["WebSocketProtocol"]


class WebSocketProtocol(asyncio.Protocol):
    """Adapter for a transport that carries only the WebSocket (a client, a test server).

    Set ``websocket`` once the handshake is done; until then bytes are kept in
    ``buffer`` for the handshake code to read.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.websocket: WebSocket | None = None
        self.buffer = bytearray()
        self.head_received = asyncio.Event()
        self.eof = False
        self.write_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):
            self.transport = transport

    def data_received(self, data: bytes) -> None:
        ws = self.websocket
        if ws is not None:
            ws.feed_data(data)
            return
        self.buffer += data
        if b"\r\n\r\n" in self.buffer or len(self.buffer) > 65536:
            self.head_received.set()

    def eof_received(self) -> bool | None:
        self.eof = True
        ws = self.websocket
        if ws is not None:
            ws.feed_eof()
        else:
            self.head_received.set()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        ws = self.websocket
        if ws is not None:
            ws.connection_lost(exc)
        else:
            self.head_received.set()

    def attach(self, websocket: WebSocket) -> None:
        """Hand the connection to ``websocket``, with any bytes read past the handshake."""
        self.websocket = websocket
        if self.write_paused:
            websocket.pause_writing()
        rest = bytes(self.buffer)
        self.buffer.clear()
        if rest:
            websocket.feed_data(rest)
        if self.eof:
            websocket.feed_eof()

    def pause_writing(self) -> None:
        self.write_paused = True
        if self.websocket is not None:
            self.websocket.pause_writing()

    def resume_writing(self) -> None:
        self.write_paused = False
        if self.websocket is not None:
            self.websocket.resume_writing()

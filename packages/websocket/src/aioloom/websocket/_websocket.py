"""The asyncio layer: one WebSocket over an existing transport, aiohttp's semantics.

Whoever owns the transport (web-app's HTTP connection protocol after the 101,
or ``WebSocketProtocol`` below) feeds it: ``feed_data``, ``feed_eof``,
``connection_lost``, ``pause_writing``/``resume_writing``. Parsing happens in
``feed_data``; pings are answered there (autoping), everything else is queued
for ``receive()`` in arrival order, so an echo loop answers messages in order
and the close handshake follows the last echo. Small frames written while
received messages still wait are corked into one write (see ``_cork``).

States: open -> closing (peer's Close consumed by ``receive``) and/or closed
(our Close sent, or the connection is gone).

The class is built in layers, one module each: ``_ws_output.FrameOutput`` (the
state, frame writes and corking, flow control), ``_ws_send.Sender`` (sending,
closing, heartbeat) and ``WebSocket`` here (receiving). ``WebSocketProtocol``
(``_ws_protocol``) adapts a transport that carries only the WebSocket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Final

from ._connection import Connection
from ._errors import WebSocketError
from ._protocols import TransportLike
from ._types import WSCloseCode, WSMessage, WSMsgType
from ._ws_send import Sender

__all__ = ["WebSocket", "WS_CLOSED_MESSAGE", "WS_CLOSING_MESSAGE"]

WS_CLOSED_MESSAGE: Final = WSMessage(WSMsgType.CLOSED, None, None)
WS_CLOSING_MESSAGE: Final = WSMessage(WSMsgType.CLOSING, None, None)

_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY
_PING = WSMsgType.PING
_PONG = WSMsgType.PONG
_CLOSE = WSMsgType.CLOSE
_ERROR = WSMsgType.ERROR
_CLOSING = WSMsgType.CLOSING
_CLOSED = WSMsgType.CLOSED
_CLOSED_READS_BEFORE_ERROR = 5


class WebSocket(Sender):
    """A WebSocket endpoint (either role) on a transport, after the opening handshake."""

    _direct_receive = True  # False in subclasses that override receive()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._direct_receive = cls.receive is WebSocket.receive

    # -- properties ---------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once our Close was sent or the connection is gone."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        return self._close_code

    @property
    def protocol(self) -> str | None:
        """The negotiated subprotocol (aiohttp's ``ws_protocol``)."""
        return self._protocol

    ws_protocol = protocol

    @property
    def compress(self) -> bool:
        """Whether permessage-deflate was negotiated."""
        return self._conn.deflate is not None

    @property
    def connection(self) -> Connection:
        """The sans-IO connection underneath."""
        return self._conn

    @property
    def transport(self) -> TransportLike:
        return self._transport

    def exception(self) -> BaseException | None:
        return self._exception

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    # -- fed by the transport's owner ----------------------------------------

    def feed_data(self, data: bytes) -> None:
        """Bytes read from the transport."""
        if self._heartbeat is not None:
            self._last_received = self._loop.time()
        messages = self._feed(data)
        if not messages:
            return
        queue = self._queue
        for msg in messages:
            kind = msg[0]
            if kind is _TEXT or kind is _BINARY:
                self._queued_bytes += len(msg[1])
            elif kind is _PING:
                if self._autoping:
                    if not self._closed and not self._transport.is_closing():
                        self._write(self._conn.send_pong(msg[1]))
                    continue
            elif kind is _PONG:
                if self._autoping:
                    continue
            elif kind is _CLOSE:
                self._peer_close_code = msg[1]
                if not self._peer_close.done():
                    self._peer_close.set_result(None)
            else:  # ERROR: the rest of the input is ignored; stop reading it for good
                self._read_failed = True
                self._pause_reading()
                if not self._peer_close.done():
                    self._peer_close.set_result(None)
            queue.append(msg)
        if self._queued_bytes > self._read_limit:
            self._pause_reading()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def feed_eof(self) -> None:
        """The peer closed its side of the TCP connection."""
        self._eof = True
        if not self._peer_close.done():
            self._peer_close.set_result(None)
        self._wake_reader()

    def connection_lost(self, exc: BaseException | None) -> None:
        """The transport is closed."""
        if exc is not None and self._exception is None:
            self._exception = exc
        self._cancel_heartbeat()
        self._corked.clear()  # nowhere to go
        self.feed_eof()
        self._write_paused = False
        for waiter in self._drain_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._drain_waiters.clear()

    # -- receiving -----------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:  # noqa: ASYNC109 - aiohttp API
        """The next message (TEXT, BINARY, CLOSE, ERROR, CLOSING, CLOSED, or PING/PONG
        without autoping). Only one task may wait at a time (RuntimeError)."""
        return await self._receive(timeout, False)

    async def _receive(self, timeout: float | None, stop: bool) -> WSMessage:  # noqa: ASYNC109
        """receive() itself. ``async for`` (and WebSocketResponse) await it directly:
        one coroutine per message, not a chain. With ``stop`` CLOSE, CLOSING and
        CLOSED raise StopAsyncIteration instead of being returned (same side effects).
        """
        if self._waiter is not None:
            raise RuntimeError("Concurrent call to receive() is not allowed")
        queue = self._queue
        while True:
            if not queue or self._closed or self._closing:
                if self._closed:
                    self._closed_reads += 1
                    if self._closed_reads >= _CLOSED_READS_BEFORE_ERROR:
                        raise RuntimeError("WebSocket connection is closed.")
                    if stop:
                        raise StopAsyncIteration
                    return WS_CLOSED_MESSAGE
                if self._closing or self._eof:
                    msg = WS_CLOSING_MESSAGE if self._closing else self._on_eof()
                    if stop:
                        raise StopAsyncIteration
                    return msg
                if self._corked:  # the answers to what we had go out before we wait
                    self._flush()
                # Wait for feed_data (or feed_eof, close(), the heartbeat) to wake us.
                waiter = self._waiter = self._loop.create_future()
                try:
                    receive_timeout = timeout or self._receive_timeout
                    if receive_timeout:
                        async with asyncio.timeout(receive_timeout):
                            await waiter
                    else:
                        await waiter
                finally:
                    self._waiter = None
                if not queue:
                    if self._is_closed():  # close() from another task woke us
                        if stop:
                            raise StopAsyncIteration
                        return WS_CLOSING_MESSAGE
                    continue
            msg = queue.popleft()
            kind = msg[0]
            if kind is _TEXT or kind is _BINARY:
                self._queued_bytes -= len(msg[1])
                if self._read_paused:
                    self._maybe_resume_reading()
                return msg
            if kind is _CLOSE:
                self._closing = True
                self._close_code = msg[1]
                if self._autoclose and not self._closed:
                    await self.close(drain=False)  # the peer is leaving: no wait for it
                if stop:
                    raise StopAsyncIteration
                return msg
            if kind is _ERROR:
                exc = msg[1]
                if self._exception is None:
                    self._exception = exc
                if isinstance(exc, WebSocketError):  # else (heartbeat) already closed
                    self._close_code = exc.code
                    await self.close(code=exc.code)
                    self._close_code = exc.code
            return msg  # TEXT/BINARY above; ERROR, or PING/PONG without autoping

    def _is_closed(self) -> bool:
        return self._closed

    def _on_eof(self) -> WSMessage:
        if self._close_code is None:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._closed = True
        self._cancel_heartbeat()
        self._flush()
        self._transport.close()
        return WS_CLOSED_MESSAGE

    async def receive_str(self, *, timeout: float | None = None) -> str:  # noqa: ASYNC109
        msg = await self.receive(timeout)
        if msg.type is not _TEXT:
            raise TypeError(f"Received message {msg.type}:{msg.data!r} is not WSMsgType.TEXT")
        data: str = msg.data
        return data

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        msg = await self.receive(timeout)
        if msg.type is not _BINARY:
            raise TypeError(f"Received message {msg.type}:{msg.data!r} is not WSMsgType.BINARY")
        data: bytes = msg.data
        return data

    async def receive_json(
        self,
        *,
        loads: Callable[[Any], Any] = json.loads,
        timeout: float | None = None,  # noqa: ASYNC109 - aiohttp API
    ) -> Any:
        return loads(await self.receive_str(timeout=timeout))

    def __aiter__(self) -> WebSocket:
        return self

    def __anext__(self) -> Awaitable[WSMessage]:
        if self._direct_receive:  # unless a subclass overrides receive()
            return self._receive(None, True)
        return self._anext_via_receive()

    async def _anext_via_receive(self) -> WSMessage:
        msg = await self.receive()
        kind = msg[0]
        if kind is _CLOSE or kind is _CLOSING or kind is _CLOSED:
            raise StopAsyncIteration
        return msg

    async def __aenter__(self) -> WebSocket:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

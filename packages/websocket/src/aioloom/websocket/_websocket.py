"""The asyncio layer: one WebSocket over an existing transport, aiohttp's semantics.

Whoever owns the transport (web-app's HTTP connection protocol after the 101,
or ``WebSocketProtocol`` below) feeds it: ``feed_data``, ``feed_eof``,
``connection_lost``, ``pause_writing``/``resume_writing``. Parsing happens in
``feed_data``; pings are answered there (autoping), everything else is queued
for ``receive()`` in arrival order, so an echo loop answers messages in order
and the close handshake follows the last echo. Small frames written while
received messages still wait are corked into one write (see ``_cork``).

States: open -> closing (peer's Close consumed by ``receive``) and/or closed
(our Close sent, or the connection is gone). ``close()`` from any task sends our
Close, wakes a waiting reader (which gets CLOSING), then waits up to ``timeout``
for the peer's Close unless it already came or reading failed.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Final

from ._connection import Connection
from ._errors import WebSocketError
from ._protocols import TransportLike
from ._types import WSCloseCode, WSMessage, WSMsgType
from ._writer import SHORT_HEADERS, unmasked_frame, unmasked_header

__all__ = ["WebSocket", "WebSocketProtocol", "WS_CLOSED_MESSAGE", "WS_CLOSING_MESSAGE"]

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
_TEXT_HEADERS = SHORT_HEADERS[0x81]
# Corked frames (see WebSocket._cork) are written once they hold this many bytes; a
# frame this large is never corked.
_CORK_LIMIT = 8192
# From this payload size a server writes the header and the payload apart: an extra
# write costs less than copying the payload to prepend a few bytes.
_WRITE_APART_FROM = 1 << 17


class WebSocket:
    """A WebSocket endpoint (either role) on a transport, after the opening handshake."""

    _direct_receive = True  # False in subclasses that override receive()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._direct_receive = cls.receive is WebSocket.receive

    def __init__(
        self,
        transport: TransportLike,
        connection: Connection,
        *,
        protocol: str | None = None,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        read_limit: int = 2**16,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._transport = transport
        self._conn = connection
        self._feed = connection._reader.feed  # the sans-IO reader, without a call layer
        self._protocol = protocol
        self._timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat = heartbeat
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._queue: deque[WSMessage] = deque()
        self._queued_bytes = 0
        self._read_limit = read_limit
        self._read_paused = False
        self._read_failed = False
        self._waiter: asyncio.Future[None] | None = None
        self._peer_close: asyncio.Future[None] = self._loop.create_future()
        self._peer_close_code: int | None = None
        self._closing = False
        self._closed = False
        self._eof = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._closed_reads = 0
        self._write_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._corked: list[bytes] = []
        self._corked_size = 0
        self._last_received = self._loop.time()
        self._heartbeat_handle: asyncio.TimerHandle | None = None
        self._ping_sent_at = 0.0
        if heartbeat is not None:
            self._heartbeat_handle = self._loop.call_later(heartbeat, self._on_heartbeat)

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

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
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
                    await self.close()
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

    def _maybe_resume_reading(self) -> None:
        if not self._read_failed and self._queued_bytes <= self._read_limit // 2:
            self._read_paused = False
            self._transport.resume_reading()

    def _wake_reader(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

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

    # -- sending -------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closed or self._transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")

    async def drain(self) -> None:
        """Wait until the transport takes more data (after ``write_str``/``write_bytes``)."""
        if self._write_paused:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiters.append(waiter)
            await waiter

    # send_str/send_bytes are a synchronous write plus, only when the transport asked
    # us to wait, a drain; WebSocketResponse calls the write halves directly too.

    def write_str(self, data: str, compress: int | bool | None = None) -> bool:
        """Write one TEXT message now, without waiting.

        True means the transport asked us to pause: ``await drain()`` before
        writing more. ``send_str`` is this plus that wait.
        """
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        self._check_writable()
        conn = self._conn
        if conn._plain and not conn._close_sent:  # a server without deflate: build it here
            payload = data.encode("utf-8")
            size = len(payload)
            if size < 126:
                self._write(_TEXT_HEADERS[size] + payload)
            elif size < _WRITE_APART_FROM:
                self._write(unmasked_frame(0x81, payload))
            else:
                self._write_apart(unmasked_header(0x81, size), payload)
        else:
            self._write(conn.send_text(data, compress=None if compress is None else bool(compress)))
        return self._write_paused

    def write_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | bool | None = None
    ) -> bool:
        """Write one BINARY message now; True: ``await drain()`` before writing more."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        self._check_writable()
        conn = self._conn
        if (
            data.__class__ is bytes  # immutable: the transport may keep it
            and len(data) >= _WRITE_APART_FROM
            and conn._plain
            and not conn._close_sent
        ):
            self._write_apart(unmasked_header(0x82, len(data)), data)
        else:
            self._write(
                conn.send_bytes(data, compress=None if compress is None else bool(compress))
            )
        return self._write_paused

    # Corking: a small frame sent while received messages still wait in the queue (an
    # echo loop working through the messages of one read) is held, and the held frames
    # go out in one write: one send per read, not one per message. They are written,
    # in order, before any other frame, when receive() is about to wait, when they
    # reach _CORK_LIMIT bytes, before the transport is closed, and at the latest on
    # the next turn of the event loop.

    def _write(self, frame: bytes) -> None:
        """Write ``frame`` now, or cork it (see above); every frame goes through here."""
        if self._corked or self._queue:
            if len(frame) < _CORK_LIMIT:
                self._cork(frame)
                return
            self._flush()  # a large frame is not copied into a joined write
        self._transport.write(frame)

    def _write_apart(self, header: bytes, payload: bytes) -> None:
        self._flush()
        self._transport.write(header)
        self._transport.write(payload)

    def _cork(self, frame: bytes) -> None:
        corked = self._corked
        if not corked:
            self._loop.call_soon(self._flush)
        corked.append(frame)
        self._corked_size += len(frame)
        if self._corked_size >= _CORK_LIMIT:
            self._flush()

    def _flush(self) -> None:
        """Write the corked frames (if the transport still takes them)."""
        corked = self._corked
        if corked:
            self._corked = []
            self._corked_size = 0
            if not self._transport.is_closing():
                self._transport.write(corked[0] if len(corked) == 1 else b"".join(corked))

    async def send_str(self, data: str, compress: int | bool | None = None) -> None:
        if self.write_str(data, compress):
            await self.drain()

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | bool | None = None
    ) -> None:
        if self.write_bytes(data, compress):
            await self.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | bool | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        await self.send_str(dumps(data), compress=compress)

    async def send_frame(
        self, message: bytes | bytearray | memoryview, opcode: int, *, fin: bool = True
    ) -> None:
        """One raw uncompressed frame (CONTINUATION/TEXT/BINARY/PING/PONG)."""
        if opcode == WSMsgType.CLOSE:
            raise ValueError("use close() to send a Close frame")
        self._check_writable()
        self._write(self._conn.send_frame(opcode, message, fin=fin))
        await self.drain()

    async def ping(self, message: bytes | str = b"") -> None:
        payload = message.encode("utf-8") if isinstance(message, str) else message
        self._check_writable()
        self._write(self._conn.send_ping(payload))
        await self.drain()

    async def pong(self, message: bytes | str = b"") -> None:
        payload = message.encode("utf-8") if isinstance(message, str) else message
        self._check_writable()
        self._write(self._conn.send_pong(payload))
        await self.drain()

    # -- closing -------------------------------------------------------------

    async def close(self, *, code: int = WSCloseCode.OK, message: bytes | str = b"") -> bool:
        """Send our Close (once) and complete the close handshake; False if already closed."""
        if self._closed:
            return False
        frame = b"" if self._conn.close_sent else self._conn.send_close(code, message)
        self._closed = True
        self._cancel_heartbeat()
        self._flush()
        transport = self._transport
        if frame and not transport.is_closing():
            transport.write(frame)
        self._wake_reader()
        if self._peer_close.done() or transport.is_closing():
            if self._close_code is None:
                self._close_code = (
                    self._peer_close_code if self._peer_close_code is not None else code
                )
            transport.close()
            return True
        try:
            async with asyncio.timeout(self._timeout):
                await asyncio.shield(self._peer_close)
        except TimeoutError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            transport.abort()
            return True
        except asyncio.CancelledError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            transport.abort()
            raise
        if self._close_code is None:
            self._close_code = (
                self._peer_close_code
                if self._peer_close_code is not None
                else WSCloseCode.ABNORMAL_CLOSURE
            )
        transport.close()
        return True

    # -- flow control and heartbeat ------------------------------------------

    def _pause_reading(self) -> None:
        if not self._read_paused:
            self._read_paused = True
            if not self._transport.is_closing():
                self._transport.pause_reading()

    def _cancel_heartbeat(self) -> None:
        handle = self._heartbeat_handle
        if handle is not None:
            handle.cancel()
            self._heartbeat_handle = None

    def _on_heartbeat(self) -> None:
        heartbeat = self._heartbeat
        if heartbeat is None or self._closed:  # pragma: no cover - cancelled when closing
            return
        now = self._loop.time()
        idle = now - self._last_received
        if idle < heartbeat:
            self._heartbeat_handle = self._loop.call_later(heartbeat - idle, self._on_heartbeat)
            return
        if self._transport.is_closing():
            return
        self._write(self._conn.send_ping())
        self._ping_sent_at = now
        self._heartbeat_handle = self._loop.call_later(heartbeat / 2, self._on_pong_deadline)

    def _on_pong_deadline(self) -> None:
        heartbeat = self._heartbeat
        if heartbeat is None or self._closed:  # pragma: no cover - cancelled when closing
            return
        if self._last_received >= self._ping_sent_at:
            self._heartbeat_handle = self._loop.call_later(heartbeat, self._on_heartbeat)
            return
        exc = TimeoutError(f"No PONG received after {heartbeat / 2} seconds")
        self._exception = exc
        self._close_code = WSCloseCode.ABNORMAL_CLOSURE
        self._closed = True
        self._heartbeat_handle = None
        self._corked.clear()
        self._transport.abort()
        if not self._peer_close.done():
            self._peer_close.set_result(None)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            self._queue.appendleft(WSMessage(_ERROR, exc, None))
            waiter.set_result(None)


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

"""The transport end of one WebSocket: its state, frames out, flow control, heartbeat.

``FrameOutput`` holds every piece of a connection's state (the receiving and
sending layers above it read and change it) and owns the writes: each frame goes
through ``_write``, which corks small frames while received messages still wait
(see below). It also pauses and resumes reading when the queue of received
messages passes ``read_limit``, and lets writers wait while the transport is paused.
The heartbeat pings after ``heartbeat`` seconds without input and fails the
connection when no input comes within half that again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from ._connection import Connection
from ._protocols import TransportLike
from ._types import WSCloseCode, WSMessage, WSMsgType

__all__ = ["FrameOutput"]

# Corked frames (see FrameOutput._write) are written once they hold this many bytes;
# a frame this large is never corked.
_CORK_LIMIT = 8192
_ERROR = WSMsgType.ERROR
_TEXT = WSMsgType.TEXT


def _text_as_bytes(feed: Callable[[bytes], list[WSMessage]]) -> Callable[[bytes], list[WSMessage]]:
    """``feed`` handing on TEXT data as its UTF-8 bytes (aiohttp's ``decode_text=False``).

    The reader still checks the UTF-8 as the bytes arrive, so invalid text fails
    the connection (1007) as it does by default; only the data's type changes.
    """

    def feed_keeping_bytes(data: bytes) -> list[WSMessage]:
        messages = feed(data)
        for index, msg in enumerate(messages):
            if msg[0] is _TEXT:
                messages[index] = WSMessage(_TEXT, msg[1].encode("utf-8"), None)
        return messages

    return feed_keeping_bytes


class FrameOutput:
    """A WebSocket's state on its transport, and the writing of its frames."""

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
        writer_limit: int = 0,
        decode_text: bool = True,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._transport = transport
        self._conn = connection
        # The sans-IO reader, without a call layer (a wrapper only without decode_text).
        self._feed = (
            connection._reader.feed if decode_text else _text_as_bytes(connection._reader.feed)
        )
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
        # aiohttp's writer_limit: a sender waits for a paused transport only once this
        # many bytes were written since the last such check (0: at every write).
        self._writer_limit = writer_limit
        self._output_size = 0
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._corked: list[bytes] = []
        self._corked_size = 0
        self._last_received = self._loop.time()
        self._heartbeat_handle: asyncio.TimerHandle | None = None
        self._ping_sent_at = 0.0
        if heartbeat is not None:
            self._heartbeat_handle = self._loop.call_later(heartbeat, self._on_heartbeat)

    # -- flow control ----------------------------------------------------------

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        for waiter in self._drain_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._drain_waiters.clear()

    async def drain(self) -> None:
        """Wait until the transport takes more data (after ``write_str``/``write_bytes``)."""
        if self._write_paused:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiters.append(waiter)
            await waiter

    def _drain_due(self) -> bool:
        """Whether a sender must ``drain()`` now: the transport asked us to pause and
        over ``writer_limit`` bytes went out since the last time this was asked."""
        if self._output_size > self._writer_limit:
            self._output_size = 0
            return self._write_paused
        return False

    def _pause_reading(self) -> None:
        if not self._read_paused:
            self._read_paused = True
            if not self._transport.is_closing():
                self._transport.pause_reading()

    def _maybe_resume_reading(self) -> None:
        if not self._read_failed and self._queued_bytes <= self._read_limit // 2:
            self._read_paused = False
            self._transport.resume_reading()

    def _wake_reader(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _cancel_heartbeat(self) -> None:
        handle = self._heartbeat_handle
        if handle is not None:
            handle.cancel()
            self._heartbeat_handle = None

    # -- writing frames ------------------------------------------------------

    # Corking: a small frame sent while received messages still wait in the queue (an
    # echo loop working through the messages of one read) is held, and the held frames
    # go out in one write: one send per read, not one per message. They are written,
    # in order, before any other frame, when receive() is about to wait, when they
    # reach _CORK_LIMIT bytes, before the transport is closed, and at the latest on
    # the next turn of the event loop.

    def _write(self, frame: bytes) -> None:
        """Write ``frame`` now, or cork it (see above); every frame goes through here."""
        self._output_size += len(frame)
        if self._corked or self._queue:
            if len(frame) < _CORK_LIMIT:
                self._cork(frame)
                return
            self._flush()  # a large frame is not copied into a joined write
        self._transport.write(frame)

    def _write_apart(self, header: bytes, payload: bytes) -> None:
        self._output_size += len(header) + len(payload)
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

    # -- heartbeat -------------------------------------------------------------

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

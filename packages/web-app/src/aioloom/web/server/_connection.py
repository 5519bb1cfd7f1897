"""A client connection's life: flow control, the write side, timers and closing.

``Connection`` is the half of the connection protocol that owns the transport
and the deadlines; ``RequestHandler`` (``_protocol``) adds what the bytes mean:
parsing them into requests and answering each one. Nothing here knows of
requests beyond the queue they wait in.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
import socket
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import cast

from aioloom.http_parser import Limits, RequestParser

from ..http._protocols import UpgradeTarget
from ..http._request import BaseRequest
from ..http._streams import StreamReader
from ._access_log import AbstractAccessLogger

server_logger = logging.getLogger("aioloom.web.server")

__all__ = ["Connection"]


class Connection(asyncio.Protocol):
    """The transport, its flow control and deadlines; subclassed by ``RequestHandler``."""

    def __init__(
        self,
        *,
        keepalive_timeout: float = 75.0,
        read_header_timeout: float = 60.0,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_remembered_head_size: int = 4096,
        max_pipelined_requests: int = 32,
        lingering_time: float = 10.0,
        lingering_bytes: int = 16 * 1024 * 1024,
        read_bufsize: int = 2**16,
        tcp_keepalive: bool = True,
        auto_decompress: bool = True,
        max_decompressed_size: int = 32 * 1024 * 1024,
        timeout_ceil_threshold: float = 5.0,
        logger: logging.Logger = server_logger,
        access_logger: AbstractAccessLogger | None = None,
        handler_cancellation: bool = False,
        debug: bool = False,
    ) -> None:
        self._loop = loop = asyncio.get_running_loop()
        # asyncio's loop.time() is time.monotonic() behind a Python call; other
        # loops (uvloop) keep their own clock, so theirs is used as it is.
        self._now = time.monotonic if type(loop).time is asyncio.BaseEventLoop.time else loop.time
        # With no task factory installed, asyncio's loop.create_task only wraps
        # Task(...) in a Python call; the Task is made directly then (debug mode
        # keeps create_task: it trims the task's source traceback).
        self._new_task: Callable[..., asyncio.Task[None]] = (
            partial(asyncio.Task, loop=loop)
            if loop.get_task_factory() is None and not loop.get_debug()
            else loop.create_task
        )
        self._parser = RequestParser(
            Limits(
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
                max_remembered_head_size=max_remembered_head_size,
                max_decompressed_size=max_decompressed_size,
            ),
            decompress=auto_decompress,
        )
        self._tcp_keepalive = tcp_keepalive
        self._timeout_ceil_threshold = timeout_ceil_threshold
        self._logger = logger
        self._keepalive_timeout = keepalive_timeout
        self._read_header_timeout = read_header_timeout
        self._max_pipelined = max(1, max_pipelined_requests)
        self._lingering_time = lingering_time
        self._lingering_bytes = lingering_bytes
        self._lingering = False
        self._lingered = 0
        self._read_bufsize = read_bufsize
        self._access_logger = access_logger
        self._handler_cancellation = handler_cancellation
        self._debug = debug

        self.transport: asyncio.Transport | None = None
        self._context = contextvars.copy_context()
        self._queue: deque[BaseRequest] = deque()
        self._payload: StreamReader | None = None  # body being received now
        self._task: asyncio.Task[None] | None = None  # handler running now
        self._reading_paused_by: set[str] = set()
        self._writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self._idle_since: float | None = None
        self._header_handle: asyncio.TimerHandle | None = None
        self._close_after_current = False
        self._upgrade: UpgradeTarget | None = None
        self._upgrade_buffer = bytearray()
        self._lost = False
        self._parsing = False
        self._pending_error: bytes | None = None
        # While dropping a finished request's unread body: its bytes at the start.
        self._draining: int | None = None

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, only alike.
        self.transport = cast(asyncio.Transport, transport)
        if self._tcp_keepalive:
            _set_tcp_keepalive(transport)
        self._arm_keepalive()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._lost = True
        self._cancel_timers()
        lost = ConnectionResetError("Connection lost")
        if self._payload is not None and not self._payload.is_eof():
            self._payload.set_exception(lost)
        for request in self._queue:
            request.content.set_exception(lost)
        self._queue.clear()
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(lost)
        if self._upgrade is not None:
            self._upgrade.connection_lost(exc)
        if self._task is not None and self._handler_cancellation:
            self._task.cancel()
        self.transport = None

    def eof_received(self) -> bool | None:
        if self._lingering:
            self._close()
            return None
        if self._upgrade is not None:
            self._upgrade.eof_received()
            return True
        if self._payload is not None and not self._payload.is_eof():
            self._payload.set_exception(ConnectionResetError("Connection closed mid-body"))
        # A client's FIN ends the conversation, as in aiohttp: the transport closes
        # (and handler_cancellation, when on, cancels the running handler).
        return None

    def pause_writing(self) -> None:
        self._writing_paused = True
        if self._upgrade is not None:
            self._upgrade.pause_writing()

    def resume_writing(self) -> None:
        self._writing_paused = False
        if self._upgrade is not None:
            self._upgrade.resume_writing()
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- flow control -------------------------------------------------------------------

    def _pause_reading(self, reason: str) -> None:
        if not self._reading_paused_by and self.transport is not None:
            self.transport.pause_reading()
        self._reading_paused_by.add(reason)

    def _resume_reading(self, reason: str) -> None:
        self._reading_paused_by.discard(reason)
        if not self._reading_paused_by and self.transport is not None and not self._lost:
            self.transport.resume_reading()

    def pause_reading(self) -> None:
        """Called by a request body stream that has buffered enough."""
        self._pause_reading("body")

    def resume_reading(self) -> None:
        self._resume_reading("body")

    # -- the write side (StreamWriter's target) ----------------------------------------

    def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(data)

    def writing_paused(self) -> bool:
        return self._writing_paused

    async def drain(self) -> None:
        if self._lost:
            raise ConnectionResetError("Connection lost")
        if not self._writing_paused:
            return
        self._drain_waiter = self._loop.create_future()
        try:
            await self._drain_waiter
        finally:
            self._drain_waiter = None

    # -- upgrades (WebSocket) --------------------------------------------------------------

    def switch_protocols(self, target: UpgradeTarget) -> bytes:
        """Hand the connection to ``target``; returns the bytes already read past the head."""
        self._upgrade = target
        self._cancel_timers()
        self._resume_reading("pipeline")  # the WebSocket reads for itself now
        self._resume_reading("upgrade")
        if self._writing_paused:
            target.pause_writing()
        leftover = bytes(self._upgrade_buffer)
        self._upgrade_buffer.clear()
        return leftover

    # -- timers and closing ----------------------------------------------------------------

    def _arm_keepalive(self) -> None:
        """Mark the connection idle; one long-lived timer checks the mark.

        Arming and cancelling a timer for every request cost more than the
        check: the timer, when it fires, only looks at how long we were idle.
        """
        self._idle_since = self._now()
        if self._keepalive_timeout and self._keepalive_handle is None:
            self._keepalive_handle = self._loop.call_at(
                self._when(self._idle_since, self._keepalive_timeout), self._on_idle_timeout
            )

    def _when(self, start: float, timeout: float) -> float:
        """The loop time to act at; long timeouts are rounded up to a whole second so
        that the timers of many connections fire together (``timeout_ceil_threshold``)."""
        at = start + timeout
        return math.ceil(at) if timeout >= self._timeout_ceil_threshold else at

    def _on_idle_timeout(self) -> None:
        self._keepalive_handle = None
        idle_since = self._idle_since
        if idle_since is None or self._task is not None or self._queue:
            return  # busy: _arm_keepalive runs again when the work is done
        deadline = idle_since + self._keepalive_timeout
        if self._now() >= deadline:
            self._close()
        else:
            self._keepalive_handle = self._loop.call_at(
                self._when(idle_since, self._keepalive_timeout), self._on_idle_timeout
            )

    def _arm_header_deadline(self) -> None:
        if self._read_header_timeout and self._header_handle is None and self._parser.buffered:
            self._header_handle = self._loop.call_at(
                self._when(self._loop.time(), self._read_header_timeout), self._on_header_timeout
            )

    def _on_header_timeout(self) -> None:
        self._header_handle = None
        if self._task is None and not self._queue and self.transport is not None:
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            )
            self._close()

    def _linger(self) -> None:
        """Close without resetting a client that is still sending its body.

        Closing a socket with unread data makes the kernel send a reset, and the
        client may lose our response (e.g. an early 413). So: shut down writing,
        read and drop for at most ``lingering_time`` seconds and
        ``lingering_bytes`` bytes, then close.
        """
        transport = self.transport
        if transport is None:
            return
        self._lingering = True
        self._cancel_timers()
        self._payload = None
        try:
            if transport.can_write_eof():
                transport.write_eof()
        except (OSError, RuntimeError, NotImplementedError):
            self._close()
            return
        self._reading_paused_by.clear()
        transport.resume_reading()
        self._keepalive_handle = self._loop.call_later(self._lingering_time, self._close)

    def _cancel_timers(self) -> None:
        for handle in (self._keepalive_handle, self._header_handle):
            if handle is not None:
                handle.cancel()
        self._keepalive_handle = self._header_handle = None

    def _close(self) -> None:
        self._cancel_timers()
        if self.transport is not None:
            self.transport.close()

    @property
    def busy(self) -> bool:
        return self._task is not None or bool(self._queue)

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def close_when_idle(self) -> None:
        """Graceful shutdown: close now if idle, else after the current response."""
        self._close_after_current = True
        if not self.busy:
            self._close()

    def force_close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._close()


def _set_tcp_keepalive(transport: asyncio.BaseTransport) -> None:
    """SO_KEEPALIVE on a TCP socket: the kernel notices peers that vanished."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # e.g. a platform without the option
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)

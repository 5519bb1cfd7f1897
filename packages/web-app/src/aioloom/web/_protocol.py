"""The connection protocol: bytes from a socket to handler calls and back.

One ``asyncio.Protocol`` per connection. Parsed requests wait in a bounded
queue and are answered strictly in order; when the queue is full, reading from
the socket pauses until a response goes out.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

from aioloom.http_parser import (
    Body,
    HttpParserError,
    RequestHead,
    RequestParser,
    serialize_response_head,
)

from ._app import Application
from ._request import Request
from ._response import Response

__all__ = ["HttpProtocol"]

RequestHandler = Callable[[Request], Awaitable[Response]]

MAX_QUEUED_REQUESTS = 32


class HttpProtocol(asyncio.Protocol):
    def __init__(self, app: Application, handler: RequestHandler) -> None:
        self._app = app
        self._handler = handler
        self._parser = RequestParser()
        self._transport: asyncio.Transport | None = None
        self._queue: deque[Request] = deque()
        self._current: Request | None = None
        self._wakeup: asyncio.Event = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._reading_paused = False
        self._closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not isinstance(transport, asyncio.Transport):
            raise TypeError("HttpProtocol needs a stream transport")
        self._transport = transport
        self._worker = asyncio.get_running_loop().create_task(self._serve())

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._transport = None
        self._wakeup.set()

    def data_received(self, data: bytes) -> None:
        try:
            events = self._parser.feed(data)
        except HttpParserError as error:
            self._reject(error)
            return
        for event in events:
            if isinstance(event, RequestHead):
                self._current = Request(event, self._app)
                self._queue.append(self._current)
            elif isinstance(event, Body):
                if self._current is not None:
                    self._current._feed_body(event.data)
            elif self._current is not None:  # EndOfMessage
                self._current._end_body()
        if len(self._queue) >= MAX_QUEUED_REQUESTS and self._transport is not None:
            self._transport.pause_reading()
            self._reading_paused = True
        self._wakeup.set()

    def _reject(self, error: HttpParserError) -> None:
        # Answer the requests already queued, then this error, then close.
        self._closing = True
        response = Response(status=error.status, text=f"{error.status}: {error.message}")
        response.headers["Connection"] = "close"
        self._pending_error = response
        self._wakeup.set()

    async def _serve(self) -> None:
        while True:
            while not self._queue:
                if self._closing:
                    error = getattr(self, "_pending_error", None)
                    if error is not None and self._transport is not None:
                        self._write(error, head_only=False)
                    self._close()
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
            request = self._queue.popleft()
            if self._reading_paused and len(self._queue) < MAX_QUEUED_REQUESTS // 2:
                if self._transport is not None:
                    self._transport.resume_reading()
                self._reading_paused = False
            response = await self._handler(request)
            if self._transport is None:
                return
            keep_alive = request.keep_alive and not self._closing
            if not keep_alive:
                response.headers["Connection"] = "close"
            self._write(response, head_only=request.method == "HEAD")
            if not keep_alive:
                self._close()
                return

    def _write(self, response: Response, *, head_only: bool) -> None:
        if self._transport is None:
            return
        response.headers["Content-Length"] = str(len(response.body))
        head = serialize_response_head(response.status, response.reason, response.headers.items())
        self._transport.write(head if head_only else head + response.body)

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

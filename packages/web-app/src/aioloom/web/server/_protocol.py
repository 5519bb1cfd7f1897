"""The connection protocol: one ``asyncio.Protocol`` per client connection.

Rules, in order of importance:
* Requests on a connection are answered strictly in order, one handler at a
  time; each handler runs in its own task, in a fresh copy of the connection's
  context, so context changes made by one request never reach the next.
* Parsed but unanswered requests wait in a bounded queue; when it is full,
  reading from the socket pauses. A request body streams into the handler
  with the same pause/resume flow control.
* Every wait has a deadline: the request head (slow clients), the idle
  keep-alive period, and graceful shutdown.
* Bad bytes get the parser's 4xx and the connection closes; a handler's bug
  gets a logged 500. Nothing the client does can raise out of this class.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aioloom.http_parser import (
    Body,
    EndOfMessage,
    HttpParserError,
    RequestHead,
    UpgradeData,
)

from ..bodies._errors import FormError, RequestBodyTooLarge
from ..http._exceptions import HTTPBadRequest, HTTPException, HTTPRequestEntityTooLarge
from ..http._protocols import ConnectionInfo
from ..http._request import BaseRequest
from ..http._response import Response
from ..http._stream_response import StreamResponse
from ..http._streams import EMPTY_PAYLOAD, PayloadAccessError, RequestPayloadError, StreamReader
from ._connection import Connection
from ._error_page import error_page
from ._foreign import explain as explain_foreign

__all__ = ["RequestHandler"]

# Bytes read past an upgrade request's head, held until the handler switches.
_MAX_PENDING_UPGRADE_BYTES = 64 * 1024


class ConnectionOwner(Protocol):
    """What a connection needs from its server (``web.Server`` has it)."""

    handler: Callable[[BaseRequest], Awaitable[StreamResponse]]
    request_factory: Callable[[RequestHead, StreamReader, ConnectionInfo], BaseRequest]
    requests_count: int

    def _connection_made(self, protocol: RequestHandler) -> None: ...
    def _connection_lost(self, protocol: RequestHandler) -> None: ...


class RequestHandler(Connection):
    """Turns a byte stream into requests for ``server.handler`` and writes the answers."""

    def __init__(self, server: ConnectionOwner, **settings: Any) -> None:
        self._server = server
        self._make_request = server.request_factory
        super().__init__(**settings)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._server._connection_made(self)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._server._connection_lost(self)
        super().connection_lost(exc)

    # -- reading: bytes to queued requests ----------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._upgrade is not None:
            self._upgrade.data_received(data)
            return
        if self._lingering:
            self._lingered += len(data)
            if self._lingered > self._lingering_bytes:
                self._close()
            return
        if self._close_after_current and self._task is None and not self._queue:
            return  # shutting down: ignore new requests on an idle connection
        self._idle_since = None
        try:
            self._parser.receive(data)
        except HttpParserError as error:
            self._reject(error)
            return
        self._parse_buffered()

    def _parse_buffered(self) -> None:
        """Parse what the parser holds, starting no more requests than the queue has room for."""
        if self._parsing:
            return
        self._parsing = True
        parser = self._parser
        queue = self._queue
        try:
            while self._pending_error is None and not self._lingering:
                room = self._max_pipelined - len(queue)
                try:
                    events = parser.next_events(room if room > 0 else 0)
                except HttpParserError as error:
                    self._reject(error)
                    break
                if not events:
                    break
                for event in events:
                    kind = type(event)
                    if kind is RequestHead:
                        # A request: queued with its body stream (inline: the hot path).
                        if self._header_handle is not None:
                            self._header_handle.cancel()
                            self._header_handle = None
                        if event.chunked or event.content_length:  # type: ignore[union-attr]
                            payload = self._payload = StreamReader(self, limit=self._read_bufsize)
                        else:
                            payload = EMPTY_PAYLOAD
                            self._payload = None
                        self._server.requests_count += 1
                        queue.append(self._make_request(event, payload, self))  # type: ignore[arg-type]
                    elif kind is EndOfMessage:
                        if self._payload is not None:
                            self._payload.feed_eof()
                            self._payload = None
                        if self._draining is not None:
                            self._drained()
                    elif kind is Body:
                        if self._payload is not None:
                            self._payload.feed_data(event.data)  # type: ignore[union-attr]
                            if self._draining is not None and self._drain_exceeded():
                                break
                    elif kind is UpgradeData:  # bytes after an upgrade request's head
                        self._upgrade_buffer += event.data  # type: ignore[union-attr]
                        if len(self._upgrade_buffer) > _MAX_PENDING_UPGRADE_BYTES:
                            self._pause_reading("upgrade")  # until the handler switches
                if not parser.buffered and parser.error is None:
                    break  # nothing left: spare the parser a call that finds nothing
        finally:
            self._parsing = False
        if queue:
            if len(queue) >= self._max_pipelined and parser.buffered:
                self._pause_reading("pipeline")
            if self._task is None:
                self._start_next()
        elif self._task is None:
            self._arm_header_deadline()

    # -- answering: one handler task per request, in order ------------------------

    def _start_next(self) -> None:
        if self._lost:
            return
        request = self._queue.popleft()
        if "pipeline" in self._reading_paused_by and len(self._queue) < self._max_pipelined // 2:
            self._resume_reading("pipeline")
            self._loop.call_soon(self._parse_buffered)
        # A fresh copy of the connection's context for every request.
        self._task = task = self._new_task(self._handle(request), context=self._context.copy())
        request._task = task

    async def _handle(self, request: BaseRequest) -> None:
        started = self._now() if self._access_logger is not None else 0.0
        response: StreamResponse | None = None
        handler: Callable[[BaseRequest], Awaitable[StreamResponse | None]] = self._server.handler
        try:
            try:
                response = await handler(request)
                if response is not None and response._request is not None:
                    response._check_owner(request)  # one response per request
            except HTTPException as exc:
                if self._head_already_sent(request, exc):
                    return
                response = _fresh(exc)
            except asyncio.CancelledError:
                if self._lost:
                    return
                raise
            except ConnectionError:
                return  # the peer went away mid-request
            except TimeoutError as exc:  # a deadline inside the handler: 504, as aiohttp
                self._logger.debug("Request handler timed out.", exc_info=exc)
                response = error_page(504, request.headers.get("Accept", ""), None, False)
            except RequestPayloadError as exc:  # a malformed body, left uncaught
                response = _fresh(HTTPBadRequest(text=f"400: {exc}"))
            except RequestBodyTooLarge as exc:  # from a handler's streaming multipart read
                response = _fresh(HTTPRequestEntityTooLarge(exc.max_size, exc.actual_size))
            except FormError as exc:
                response = _fresh(HTTPBadRequest(text=f"malformed form: {exc}"))
            except Exception as exc:
                if self._head_already_sent(request, exc):
                    return
                response = self._error_response(request, exc)
            if response is None:
                response = self._error_response(
                    request, TypeError("the handler returned None instead of a response")
                )
            payload = request._payload
            if (
                self._close_after_current
                or (payload is not EMPTY_PAYLOAD and not payload.is_eof() and not response.prepared)
                or (request._head.upgrade and request._head.method == "CONNECT")
            ):
                # Tell the client this connection ends here: on shutdown, when the
                # body has not all arrived (or was malformed), or after a CONNECT.
                # (A head the handler sent itself keeps its promise: see _drain.)
                response.force_close()
            if response._send_now(request):  # the usual case: sent whole, nothing awaited
                if self._writing_paused:
                    await self.drain()  # never run ahead of a client that reads slowly
            else:
                await self._finish(request, response)
        except ConnectionError:
            pass
        except asyncio.CancelledError:
            # request.task cancelled while the answer was going out (a FileResponse
            # mid-file): the client has part of it, so the connection ends here.
            self._close_after_current = True
            raise
        except Exception as exc:  # a failure while sending: nothing more can be said
            self._logger.exception("Error sending the response: %s", exc)
            self._close_after_current = True
        finally:
            if response is not None and self._access_logger is not None:
                self._log_access(request, response, self._now() - started)
            self._task = None
            if request._cleanups:
                request._cleanup()
            # A prepared response and its request point at each other; unlinking
            # them lets reference counting free both now, not the cycle collector.
            # (The server's request is the origin of any clone.)
            if request._prepared_response is not None:
                request._prepared_response = None
            self._after_response(request, response)

    def _head_already_sent(self, request: BaseRequest, exc: BaseException) -> bool:
        """After the head went out no other answer can be given: log, then close."""
        if request._prepared_response is None:  # (the server's request is the origin)
            return False
        self._logger.error(
            "Error handling request %s %s after the response was started; closing",
            request.method,
            request.path,
            exc_info=exc,
        )
        self._close_after_current = True
        return True

    async def _finish(self, request: BaseRequest, response: StreamResponse) -> None:
        """Send a response that could not go out in one synchronous write."""
        if not response.prepared:
            try:
                await response.prepare(request)
            except HTTPException as exc:  # e.g. on_response_prepare rejected it
                response = _fresh(exc)
                await response.prepare(request)
        await response.write_eof()

    def _after_response(self, request: BaseRequest, response: StreamResponse | None) -> None:
        if self._upgrade is not None:
            self._close()  # the WebSocket handler is done: so is the connection
            return
        keep_alive = (
            response is not None and bool(response._keep_alive) and not self._close_after_current
        )
        declined = False
        if request._head.upgrade:
            if not keep_alive:
                # A CONNECT, or an answer that closes: the bytes after the head belong
                # to a protocol nobody speaks here. Drop them without resetting the client.
                self._upgrade_buffer.clear()
                self._linger()
                return
            # The upgrade was declined (a plain answer): what followed the head is
            # HTTP again, as pipelined requests or junk that gets its 400.
            self._parser.decline_upgrade(bytes(self._upgrade_buffer))
            self._upgrade_buffer.clear()
            self._resume_reading("upgrade")
            declined = True
        payload = request._payload
        if payload is not EMPTY_PAYLOAD and not payload.is_eof():
            if keep_alive and payload.exception() is None:
                # The handler sent its own head (keep-alive) without reading the whole
                # body: read and drop the rest, bounded, then go on.
                self._drain(payload)
                return
            # A body not fully received would desync the next request; the client
            # may still be sending the body we did not want.
            self._linger()
            return
        if payload is not EMPTY_PAYLOAD:
            payload.discard(_PAYLOAD_ACCESS_ERROR)
        if declined and keep_alive and self._pending_error is None:
            self._parse_buffered()  # starts the next request, if one was pipelined
            if self._task is None and not self._queue and self._pending_error is None:
                self._arm_keepalive()
            return
        if self._pending_error is not None:
            # Requests before the bad bytes are answered first, then the error.
            if keep_alive and self._queue:
                self._start_next()
            elif keep_alive:
                self._send_pending_error()
            else:
                self._close()
            return
        if not keep_alive:
            self._close()
        elif self._queue:
            self._start_next()
        else:
            self._arm_keepalive()

    def _drain(self, payload: StreamReader) -> None:
        """Drop the rest of a body nobody reads; the connection goes on at its end.

        Bounded like lingering: ``lingering_time`` seconds and ``lingering_bytes``
        bytes, past which the connection closes.
        """
        payload.discard(_PAYLOAD_ACCESS_ERROR)
        self._draining = payload.total_bytes
        self._cancel_timers()
        self._keepalive_handle = self._loop.call_later(self._lingering_time, self._close)

    def _drain_exceeded(self) -> bool:
        payload = self._payload
        if payload is None or self._draining is None:
            return False
        if payload.total_bytes - self._draining <= self._lingering_bytes:
            return False
        self._draining = None
        self._payload = None
        self._linger()
        return True

    def _drained(self) -> None:
        self._draining = None
        self._cancel_timers()
        if self._task is None and not self._queue:
            self._arm_keepalive()

    def _error_response(self, request: BaseRequest, exc: BaseException) -> Response:
        self._logger.error(
            "Error handling request %s %s%s",
            request.method,
            request.path,
            explain_foreign(exc),  # aiohttp's objects behind the error: say so and the fix
            exc_info=exc,
        )
        debug = self._debug or self._loop.get_debug()
        return error_page(500, request.headers.get("Accept", ""), exc, debug)

    def _reject(self, error: HttpParserError) -> None:
        """A malformed request: answer with the parser's status after what's queued, close.

        An error inside a request's body (a bad chunk size, an undecodable
        Content-Encoding) is that request's: its reader raises
        ``RequestPayloadError`` and its answer is the connection's last.
        """
        self._logger.debug("bad request: %s", error.message)
        payload = self._payload
        if payload is not None:
            self._payload = None
            payload.set_exception(RequestPayloadError(f"malformed request body: {error.message}"))
            self._pending_error = b""  # nothing more to say after that request's answer
            self._pause_reading("error")
            if self._task is None and not self._queue:
                self._send_pending_error()
            return
        head = (
            f"HTTP/1.1 {error.status} {_REASONS.get(error.status, 'Bad Request')}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
        )
        body = f"{error.status}: {error.message}".encode()
        self._pending_error = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
        self._pause_reading("error")
        if self._task is None and not self._queue:
            self._send_pending_error()

    def _send_pending_error(self) -> None:
        transport = self.transport
        error = self._pending_error
        if error and transport is not None and not transport.is_closing():
            transport.write(error)
        self._pending_error = None
        self._payload = None
        self._linger()  # the client may still be sending: do not reset it before it reads

    def _log_access(self, request: BaseRequest, response: StreamResponse, elapsed: float) -> None:
        logger = self._access_logger
        if logger is None or not logger.enabled:
            return
        try:
            logger.log(request, response, elapsed)
        except Exception:
            self._logger.exception("Error in the access logger")


# What a body's late reader gets once its handler has finished.
_PAYLOAD_ACCESS_ERROR = PayloadAccessError("the request's handler has finished: its body is gone")


def _fresh(exc: HTTPException) -> Response:
    """A new response from a raised HTTP exception (the same one may be raised twice)."""
    response = Response(status=exc.status, reason=exc.reason, body=exc.body, headers=exc.headers)
    for name, morsel in exc.cookies.items():
        response._cookies[name] = morsel
    if exc.keep_alive is False:
        response.force_close()
    return response


_REASONS: dict[int, str] = {
    400: "Bad Request",
    408: "Request Timeout",
    413: "Payload Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

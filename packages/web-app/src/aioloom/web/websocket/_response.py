"""WebSocketResponse: the server side of a WebSocket, on the HTTP connection.

The opening handshake is an HTTP exchange (a 101 response that goes through
``prepare`` and ``on_response_prepare``); after it the HTTP connection hands
its transport to ``aioloom.websocket``'s asyncio layer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import GenericAlias
from typing import Any, cast

from aioloom.websocket import (
    DEFAULT_MAX_MSG_SIZE,
    Connection,
    HandshakeError,
    ServerHandshake,
    WebSocket,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    server_handshake,
)

from ..http._exceptions import HTTPBadRequest
from ..http._json import JSONDecoder, JSONEncoder
from ..http._protocols import UpgradableConnection
from ..http._stream_response import PreparingRequest, StreamResponse
from ..http._writer import StreamWriter

__all__ = ["WebSocketResponse", "WebSocketReady"]

_CLOSE = WSMsgType.CLOSE
_CLOSING = WSMsgType.CLOSING
_CLOSED = WSMsgType.CLOSED
# aiohttp's default writer_limit (its DEFAULT_CHUNK_SIZE): see WebSocketResponse.
_WRITER_LIMIT = 2**18


@dataclass(frozen=True, slots=True)
class WebSocketReady:
    """The result of ``can_prepare``: truthy when the handshake would succeed."""

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok


class _HandshakeRefused(HTTPBadRequest):
    """A refused handshake: the status and headers the websocket package chose.

    An HTTPBadRequest, as aiohttp raises, so ``except web.HTTPBadRequest`` catches
    every refusal; the status is 400 but for a Sec-WebSocket-Version other than 13,
    which gets RFC 6455's 426 and ``Sec-WebSocket-Version: 13``.
    """

    def __init__(self, error: HandshakeError) -> None:
        self.status_code = error.status  # type: ignore[misc]
        super().__init__(text=str(error), headers=dict(error.headers))


class _Attachment:
    """Receives the connection's bytes once it has switched to WebSocket.

    Its members are the WebSocket's bound methods: no call layer in between.
    """

    __slots__ = (
        "connection_lost",
        "data_received",
        "eof_received",
        "pause_writing",
        "resume_writing",
    )

    def __init__(self, ws: WebSocket) -> None:
        self.data_received = ws.feed_data
        self.eof_received = ws.feed_eof
        self.connection_lost = ws.connection_lost
        self.pause_writing = ws.pause_writing
        self.resume_writing = ws.resume_writing


class WebSocketResponse(StreamResponse):
    """aiohttp's ``WebSocketResponse``: prepare it, then receive and send messages.

    ``writer_limit``: sends wait for a transport that asked to pause only after
    this many bytes went out since the last wait (aiohttp's meaning). With
    ``decode_text=False`` TEXT messages carry their UTF-8 bytes (still checked
    as UTF-8) and ``receive_str`` returns bytes, for a ``loads`` that takes
    bytes. ``WebSocketResponse[Literal[False]]`` is accepted at run time, as in
    aiohttp's annotations; the type checker sees ``str`` from ``receive_str``.
    """

    # Subscripting as aiohttp 3.14 allows (it is generic in decode_text); only the
    # run-time form: a default for the type variable needs Python 3.13.
    def __class_getitem__(cls, item: Any) -> GenericAlias:
        return GenericAlias(cls, item)

    _body_expected = False
    _direct_receive = True  # False in subclasses that override receive()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._direct_receive = cls.receive is WebSocketResponse.receive

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        protocols: Iterable[str] = (),
        compress: bool = True,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        writer_limit: int = _WRITER_LIMIT,
        decode_text: bool = True,
    ) -> None:
        super().__init__(status=101)
        self._protocols = tuple(protocols)
        self._timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat = heartbeat
        self._compress = compress
        self._max_msg_size = max_msg_size
        self._writer_limit = writer_limit
        self._decode_text = decode_text
        self._ws: WebSocket | None = None
        self._handshake: ServerHandshake | None = None

    # -- the opening handshake -------------------------------------------------------

    def _negotiate(self, request: PreparingRequest) -> ServerHandshake:
        return server_handshake(
            request.method,
            request.headers,
            protocols=self._protocols,
            compress=self._compress,
            http_version=(request.version.major, request.version.minor),
            require_get=False,  # aiohttp accepts any method (a route decides which)
        )

    def can_prepare(self, request: PreparingRequest) -> WebSocketReady:
        if self._ws is not None:
            raise RuntimeError("the WebSocket is already started")
        try:
            handshake = self._negotiate(request)
        except HandshakeError:
            return WebSocketReady(False, None)
        return WebSocketReady(True, handshake.protocol)

    async def prepare(self, request: PreparingRequest) -> StreamWriter | None:
        if self._ws is not None:
            return self._writer
        try:
            handshake = self._negotiate(request)
        except HandshakeError as error:
            raise _HandshakeRefused(error) from error
        self._handshake = handshake
        self.set_status(101)  # whatever the handler set before: the handshake needs 101
        for name, value in handshake.headers:
            self.headers[name] = value
        self._keep_alive = True
        writer = await super().prepare(request)
        if writer is None:
            raise RuntimeError("the handshake response was already sent")
        await writer.write_headers()
        self._attach(request, handshake)
        return writer

    def _attach(self, request: PreparingRequest, handshake: ServerHandshake) -> None:
        protocol = request._connection
        if not hasattr(protocol, "switch_protocols"):
            raise RuntimeError("this request's connection cannot switch protocols")
        protocol = cast(UpgradableConnection, protocol)
        transport = protocol.transport
        if transport is None:
            raise ConnectionResetError("the client left during the WebSocket handshake")
        connection = Connection(
            is_client=False, max_msg_size=self._max_msg_size, deflate=handshake.deflate
        )
        ws = WebSocket(
            transport,
            connection,
            protocol=handshake.protocol,
            timeout=self._timeout,
            receive_timeout=self._receive_timeout,
            autoclose=self._autoclose,
            autoping=self._autoping,
            heartbeat=self._heartbeat,
            writer_limit=self._writer_limit,
            decode_text=self._decode_text,
        )
        self._ws = ws
        leftover = protocol.switch_protocols(_Attachment(ws))
        if leftover:
            ws.feed_data(leftover)

    def _started(self) -> WebSocket:
        if self._ws is None:
            raise RuntimeError("call ws.prepare(request) before using the WebSocket")
        return self._ws

    # -- state -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._ws is not None and self._ws.closed

    @property
    def close_code(self) -> int | None:
        return None if self._ws is None else self._ws.close_code

    @property
    def ws_protocol(self) -> str | None:
        return None if self._handshake is None else self._handshake.protocol

    @property
    def compress(self) -> int | bool:
        """As aiohttp: the constructor's ``compress`` until prepared, then the agreed
        deflate window (15 bits unless the client limited it), 0 without deflate."""
        handshake = self._handshake
        if handshake is None:
            return self._compress
        deflate = handshake.deflate
        if deflate is None:
            return 0
        return deflate.server_max_window_bits or 15

    def exception(self) -> BaseException | None:
        return None if self._ws is None else self._ws.exception()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._started().get_extra_info(name, default)

    # -- receiving ---------------------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:  # noqa: ASYNC109
        return await self._started().receive(timeout)

    async def receive_str(self, *, timeout: float | None = None) -> str:  # noqa: ASYNC109
        return await self._started().receive_str(timeout=timeout)

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._started().receive_bytes(timeout=timeout)

    async def receive_json(
        self,
        *,
        loads: JSONDecoder | Callable[[bytes], Any] = json.loads,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Any:
        # str, or bytes with decode_text=False (then ``loads`` takes bytes)
        data: Any = await self.receive_str(timeout=timeout)
        return loads(data)

    def __aiter__(self) -> WebSocketResponse:
        return self

    def __anext__(self) -> Awaitable[WSMessage]:
        ws = self._ws
        if ws is not None and self._direct_receive:
            return ws.__anext__()  # the only coroutine of the message
        return self._anext_via_receive()

    async def _anext_via_receive(self) -> WSMessage:
        message = await self.receive()
        kind = message[0]
        if kind is _CLOSE or kind is _CLOSING or kind is _CLOSED:
            raise StopAsyncIteration
        return message

    # -- sending -----------------------------------------------------------------------

    # Iteration and sends go straight to the WebSocket's own halves (its iterator,
    # its synchronous writes): no coroutine chain per message.

    async def send_str(self, data: str, compress: int | bool | None = None) -> None:
        ws = self._ws
        if ws is None:
            raise RuntimeError("call ws.prepare(request) before using the WebSocket")
        if ws.write_str(data, compress):
            await ws.drain()

    async def send_bytes(self, data: bytes, compress: int | bool | None = None) -> None:
        ws = self._ws
        if ws is None:
            raise RuntimeError("call ws.prepare(request) before using the WebSocket")
        if ws.write_bytes(data, compress):
            await ws.drain()

    async def send_json(
        self, data: Any, compress: int | bool | None = None, *, dumps: JSONEncoder = json.dumps
    ) -> None:
        await self.send_str(dumps(data), compress)

    async def send_json_bytes(
        self, data: Any, compress: int | bool | None = None, *, dumps: Callable[[Any], bytes]
    ) -> None:
        """``data`` encoded by a bytes-returning ``dumps`` (orjson's kind), as BINARY."""
        await self.send_bytes(dumps(data), compress)

    async def send_frame(
        self, message: bytes, opcode: WSMsgType, compress: int | bool | None = None
    ) -> None:
        """One frame with FIN set; TEXT/BINARY compressed as ``send_bytes`` would.
        A Close frame goes through ``close()`` (ValueError here)."""
        await self._started().send_frame(message, opcode, compress)

    async def ping(self, message: bytes | str = b"") -> None:
        await self._started().ping(message)

    async def pong(self, message: bytes | str = b"") -> None:
        await self._started().pong(message)

    async def close(
        self, *, code: int = WSCloseCode.OK, message: bytes | str = b"", drain: bool = True
    ) -> bool:
        """Start (or finish) the closing handshake; False if it was closed already.
        ``drain``: let a paused transport take our Close before waiting for the peer's."""
        if self._ws is None:
            raise RuntimeError("call ws.prepare(request) before closing the WebSocket")
        return await self._ws.close(code=code, message=message, drain=drain)

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        raise RuntimeError("use send_str/send_bytes on a WebSocketResponse, not write()")

    async def write_eof(self, data: bytes = b"") -> None:
        """Called by the server when the handler returns: close the WebSocket."""
        if self._eof_sent:
            return
        if self._ws is None:
            raise RuntimeError("the WebSocket was never prepared")
        await self._ws.close()
        self._eof_sent = True

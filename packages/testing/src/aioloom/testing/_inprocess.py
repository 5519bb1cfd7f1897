"""In-process mode: httpx talks to the real connection protocol without a socket.

Each request gets a fresh ``RequestHandler`` (made by the ``web.Server``, as for
an accepted connection) on a ``MemoryTransport``. h11 serializes the request
into ``data_received`` calls and parses the bytes the protocol writes back, so
the server side runs exactly the code it runs behind a socket: parser, flow
control, keep-alive decisions, error pages. Only the kernel is left out.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import h11
import httpx

__all__ = ["InProcessTransport", "MemoryTransport"]

_client_ports = itertools.count(40000)


class MemoryTransport(asyncio.Transport):
    """The server's end of an in-memory connection.

    What the protocol writes is buffered for the client; ``pause_reading`` /
    ``resume_reading`` are honoured by the client feeding the request; closing
    calls the protocol's ``connection_lost`` on the next loop iteration, as an
    asyncio transport does.
    """

    def __init__(self, protocol: asyncio.Protocol, *, sockname: tuple[str, int]) -> None:
        super().__init__(
            extra={"peername": ("127.0.0.1", next(_client_ports)), "sockname": sockname}
        )
        self._loop = asyncio.get_running_loop()
        self._protocol = protocol
        self._closing = False
        self.received = bytearray()
        self.readable = asyncio.Event()  # reading not paused
        self.readable.set()
        self.closed = asyncio.Event()
        self.data_written = asyncio.Event()

    # -- asyncio.Transport, as the server protocol uses it ---------------------------

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing:
            return  # asyncio drops writes to a closing transport too
        self.received += data
        self.data_written.set()

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.closed.set()
        self.readable.set()
        self.data_written.set()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def pause_reading(self) -> None:
        self.readable.clear()

    def resume_reading(self) -> None:
        self.readable.set()

    def is_reading(self) -> bool:
        return self.readable.is_set()

    # -- the client's side -----------------------------------------------------------

    async def send(self, data: bytes) -> bool:
        """Deliver request bytes, waiting while reading is paused; False once closed."""
        if not data:
            return not self._closing
        while not self._closing and not self.readable.is_set():
            await self.readable.wait()
        if self._closing:
            return False
        self._protocol.data_received(data)
        return not self._closing

    async def next_event(self, conn: h11.Connection) -> Any:
        """The next h11 event from what the server wrote, waiting for more bytes."""
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.received:
                data = bytes(self.received)
                self.received.clear()
                conn.receive_data(data)
            elif self._closing:
                conn.receive_data(b"")
            else:
                self.data_written.clear()
                await self.data_written.wait()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(
        self,
        transport: MemoryTransport,
        conn: h11.Connection,
        on_close: Callable[[MemoryTransport], None],
    ) -> None:
        self._transport = transport
        self._conn = conn
        self._on_close = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            try:
                event = await self._transport.next_event(self._conn)
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("peer closed connection mid-body")

    async def aclose(self) -> None:
        self._on_close(self._transport)


class InProcessTransport(httpx.AsyncBaseTransport):
    """An httpx transport that serves requests with a ``web.Server`` in this process.

    ``protocol_factory`` is called once per request (one connection per
    request); ``sockname`` is what ``request.get_extra_info("sockname")`` says.
    """

    def __init__(
        self,
        protocol_factory: Callable[[], asyncio.Protocol],
        *,
        sockname: tuple[str, int] = ("127.0.0.1", 80),
    ) -> None:
        self._factory = protocol_factory
        self._sockname = sockname
        self._open: set[MemoryTransport] = set()

    def _close(self, transport: MemoryTransport) -> None:
        self._open.discard(transport)
        transport.close()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        protocol = self._factory()
        transport = MemoryTransport(protocol, sockname=self._sockname)
        self._open.add(transport)
        protocol.connection_made(transport)
        conn = h11.Connection(h11.CLIENT)
        try:
            head = h11.Request(
                method=request.method,
                target=request.url.raw_path,
                headers=list(request.headers.raw),
            )
            if await transport.send(conn.send(head)):
                await self._send_body(request, transport, conn)
            while True:
                event = await transport.next_event(conn)
                if isinstance(event, h11.InformationalResponse):
                    continue
                if isinstance(event, h11.Response):
                    break
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        except h11.ProtocolError as exc:
            self._close(transport)
            raise httpx.RemoteProtocolError(str(exc)) from exc
        except BaseException:
            self._close(transport)
            raise
        return httpx.Response(
            status_code=event.status_code,
            headers=[(bytes(name), bytes(value)) for name, value in event.headers.raw_items()],
            stream=_ResponseStream(transport, conn, self._close),
            extensions={
                "http_version": b"HTTP/" + bytes(event.http_version),
                "reason_phrase": bytes(event.reason),
            },
        )

    async def _send_body(
        self, request: httpx.Request, transport: MemoryTransport, conn: h11.Connection
    ) -> None:
        stream = request.stream
        if not isinstance(stream, httpx.AsyncByteStream):
            raise TypeError("the in-process transport needs an async request body")
        async for chunk in stream:
            if chunk and not await transport.send(conn.send(h11.Data(data=chunk))):
                return  # the server answered and closed before taking the whole body
        await transport.send(conn.send(h11.EndOfMessage()))

    async def aclose(self) -> None:
        for transport in list(self._open):
            self._close(transport)
        await asyncio.sleep(0)  # let the protocols see connection_lost

"""In-process mode: httpx talks to the real connection protocol without a socket.

Each request gets a fresh ``RequestHandler`` (made by the ``web.Server``, as for
an accepted connection) on a ``MemoryTransport``. h11 serializes the request
into ``data_received`` calls and parses the bytes the protocol writes back, so
the server side runs exactly the code it runs behind a socket: parser, flow
control, keep-alive decisions, error pages. Only the kernel is left out.

An upgrade request (``InProcessTransport.upgrade``, used for WebSockets) goes
the same way up to the ``101 Switching Protocols``; then the connection becomes
a byte pipe between the server's protocol and a client protocol, each with an
asyncio transport: bytes arrive on a later loop iteration, reading can be
paused, a full pipe pauses the writer, and closing one end gives the other an
end of stream, as over TCP.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import h11
import httpx

__all__ = ["InProcessTransport", "MemoryTransport"]

_client_ports = itertools.count(40000)

# A pipe holding more than this pauses its writer (a socket's buffers hold as much);
# the reader takes all of it at once, which resumes the writer.
_HIGH_WATER = 256 * 1024


class _Pipe:
    """One direction of a switched connection: bytes written at one end, on their way.

    They reach the other end's protocol on a later loop iteration, in order,
    while that end reads; after the writer's end of stream (``write_eof``),
    ``on_eof`` runs once the bytes are through. Past the high-water mark the
    writer's protocol is paused until the pipe drains.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        writer: asyncio.Protocol,
        reader: asyncio.Protocol,
        *,
        reading: bool = True,
    ) -> None:
        self._loop = loop
        self._writer = writer
        self._reader = reader
        self.on_eof: Callable[[], None] = lambda: None  # set by the reading end's transport
        self._buffer = bytearray()
        self._reading = reading
        self._eof = False
        self._done = False  # end of stream delivered, or the bytes dropped for good
        self._writer_paused = False
        self._handle: asyncio.Handle | None = None

    def __len__(self) -> int:
        return len(self._buffer)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._eof or self._done or not data:
            return
        self._buffer += data
        self._schedule()
        if not self._writer_paused and len(self._buffer) > _HIGH_WATER:
            self._writer_paused = True
            self._writer.pause_writing()

    def write_eof(self) -> None:
        self._eof = True
        self._schedule()

    def clear(self) -> None:
        """Drop the bytes not delivered yet (the writer aborts)."""
        self._buffer.clear()

    def discard(self) -> None:
        """The reading end is gone: drop what is buffered and whatever comes."""
        self._done = True
        self._buffer.clear()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def pause(self) -> None:
        self._reading = False

    def resume(self) -> None:
        self._reading = True
        self._schedule()

    @property
    def reading(self) -> bool:
        return self._reading

    def _schedule(self) -> None:
        if self._handle is None and self._reading and not self._done:
            self._handle = self._loop.call_soon(self._deliver)

    def _open_for_delivery(self) -> bool:
        return self._reading and not self._done

    def _deliver(self) -> None:
        self._handle = None
        if not self._open_for_delivery():
            return
        if self._buffer:
            data = bytes(self._buffer)
            self._buffer.clear()
            if self._writer_paused:
                self._writer_paused = False
                self._writer.resume_writing()
            self._reader.data_received(data)  # may pause reading, or close the reader
        if self._eof and not self._buffer and self._open_for_delivery():
            self._done = True
            self.on_eof()


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
        # Once switched (``switch``): to the client's protocol, and from it.
        self._to_client: _Pipe | None = None
        self._from_client: _Pipe | None = None

    # -- asyncio.Transport, as the server protocol uses it ---------------------------

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._protocol

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing:
            return  # asyncio drops writes to a closing transport too
        if self._to_client is not None:
            self._to_client.write(data)
            return
        self.received += data
        self.data_written.set()

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0 if self._to_client is None else len(self._to_client)

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.closed.set()
        self.readable.set()
        self.data_written.set()
        if self._from_client is not None:
            self._from_client.discard()
        if self._to_client is not None:
            self._to_client.write_eof()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        if self._to_client is not None and not self._closing:
            self._to_client.clear()
        self.close()

    def pause_reading(self) -> None:
        self.readable.clear()
        if self._from_client is not None:
            self._from_client.pause()

    def resume_reading(self) -> None:
        self.readable.set()
        if self._from_client is not None:
            self._from_client.resume()

    def is_reading(self) -> bool:
        return self.readable.is_set()

    # -- the client's side -----------------------------------------------------------

    def switch(self, protocol: asyncio.Protocol, leftover: bytes = b"") -> asyncio.Transport:
        """After a protocol switch: become a byte pipe to ``protocol``, the client's side.

        ``protocol`` gets ``connection_made`` with its own transport, then (on later
        loop iterations) ``leftover`` -- what the server wrote past the response
        head that the client has read already -- and everything after it.
        """
        if self._to_client is not None:
            raise RuntimeError("the connection is switched already")
        loop = self._loop
        to_client = _Pipe(loop, self._protocol, protocol)
        from_client = _Pipe(loop, protocol, self._protocol, reading=self.readable.is_set())
        from_client.on_eof = self._on_client_eof
        client = _ClientTransport(self, protocol, incoming=to_client, outgoing=from_client)
        to_client.write(leftover + self.received)
        self.received.clear()
        self._to_client = to_client
        self._from_client = from_client
        protocol.connection_made(client)
        if self._closing:  # the server closed before the client switched: tell it so
            from_client.discard()
            to_client.write_eof()
        return client

    def _on_client_eof(self) -> None:
        """The client closed its end and all it wrote is through."""
        if not self._closing and not self._protocol.eof_received():
            self.close()

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


class _ClientTransport(asyncio.Transport):
    """The client's end of a switched in-memory connection (see ``MemoryTransport.switch``)."""

    def __init__(
        self,
        server: MemoryTransport,
        protocol: asyncio.Protocol,
        *,
        incoming: _Pipe,
        outgoing: _Pipe,
    ) -> None:
        super().__init__(
            extra={
                "peername": server.get_extra_info("sockname"),
                "sockname": server.get_extra_info("peername"),
            }
        )
        self._loop = asyncio.get_running_loop()
        self._protocol = protocol
        self._incoming = incoming
        self._outgoing = outgoing
        self._closing = False
        incoming.on_eof = self._on_server_eof

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._protocol

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._closing:
            self._outgoing.write(data)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return len(self._outgoing)

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._incoming.discard()
        self._outgoing.write_eof()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        if not self._closing:
            self._outgoing.clear()
        self.close()

    def pause_reading(self) -> None:
        self._incoming.pause()

    def resume_reading(self) -> None:
        self._incoming.resume()

    def is_reading(self) -> bool:
        return self._incoming.reading

    def _on_server_eof(self) -> None:
        """The server closed its end and all it wrote is through."""
        if not self._closing and not self._protocol.eof_received():
            self.close()


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

    def _connect(self) -> MemoryTransport:
        """A new connection to a fresh server protocol."""
        protocol = self._factory()
        transport = MemoryTransport(protocol, sockname=self._sockname)
        self._open = {t for t in self._open if not t.is_closing()}
        self._open.add(transport)
        protocol.connection_made(transport)
        return transport

    async def upgrade(
        self, target: str, headers: Sequence[tuple[str, str]], protocol: asyncio.Protocol
    ) -> tuple[int, list[tuple[str, str]], asyncio.Transport | None]:
        """Send a bodiless GET asking for a protocol switch; the status and the headers.

        On ``101 Switching Protocols`` the connection is handed to ``protocol``
        (``MemoryTransport.switch``) and its transport returned; on any other
        final response the connection is closed and the transport is None.
        ``headers`` must include ``Host`` and the ``Upgrade`` headers.
        """
        transport = self._connect()
        conn = h11.Connection(h11.CLIENT)
        try:
            head = h11.Request(method="GET", target=target, headers=list(headers))
            await transport.send((conn.send(head) or b"") + (conn.send(h11.EndOfMessage()) or b""))
            while True:
                event = await transport.next_event(conn)
                if isinstance(event, h11.InformationalResponse) and event.status_code != 101:
                    continue
                if isinstance(event, h11.InformationalResponse | h11.Response):
                    break
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        except h11.ProtocolError as exc:
            self._close(transport)
            raise httpx.RemoteProtocolError(str(exc)) from exc
        except BaseException:
            self._close(transport)
            raise
        response_headers = [
            (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
            for name, value in event.headers.raw_items()
        ]
        if event.status_code != 101:
            self._close(transport)
            return event.status_code, response_headers, None
        # Switched, the connection is the WebSocket's (as over a socket, where httpx's
        # pool never sees it): closing this httpx transport leaves it alone.
        self._open.discard(transport)
        leftover, _ = conn.trailing_data
        return 101, response_headers, transport.switch(protocol, bytes(leftover))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._connect()
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

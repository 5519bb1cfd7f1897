"""make_mocked_request: a ``web.Request`` for unit-testing handlers without a server."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any, Protocol

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioloom.http_parser import HttpVersion, RequestHead
from aioloom.router import MatchInfo
from aioloom.web import Application, Request, StreamReader

HttpVersion11 = HttpVersion(1, 1)

__all__ = ["make_mocked_request", "RecordingConnection", "RecordingTransport", "VersionLike"]


class VersionLike(Protocol):
    @property
    def major(self) -> int: ...
    @property
    def minor(self) -> int: ...


class RecordingTransport(asyncio.Transport):
    """A transport that keeps what is written (``output``) and tells a fixed address."""

    def __init__(
        self,
        output: bytearray | None = None,
        *,
        peername: tuple[str, int] = ("127.0.0.1", 12345),
        sockname: tuple[str, int] = ("127.0.0.1", 8080),
        sslcontext: ssl.SSLContext | None = None,
    ) -> None:
        extra: dict[str, Any] = {"peername": peername, "sockname": sockname}
        if sslcontext is not None:
            extra["sslcontext"] = sslcontext
        super().__init__(extra)
        self.buffer = bytearray() if output is None else output
        self._closing = False
        self._reading = True

    @property
    def output(self) -> bytes:
        return bytes(self.buffer)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.buffer += data

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        self._closing = True

    def abort(self) -> None:
        self._closing = True

    def pause_reading(self) -> None:
        self._reading = False

    def resume_reading(self) -> None:
        self._reading = True

    def is_reading(self) -> bool:
        return self._reading

    def get_write_buffer_size(self) -> int:
        return 0


class RecordingConnection:
    """The connection of a mocked request: records the response bytes in ``output``.

    After ``await response.prepare(request); await response.write_eof()`` the
    complete HTTP response (head and body) is in ``output``.
    """

    def __init__(self, transport: asyncio.Transport | None = None) -> None:
        if transport is None:
            transport = RecordingTransport()
        # A recording transport shares its buffer: direct transport writes land there too.
        self._buffer = (
            transport.buffer if isinstance(transport, RecordingTransport) else bytearray()
        )
        self.transport: asyncio.Transport | None = transport
        self.drained = 0

    @property
    def output(self) -> bytes:
        return bytes(self._buffer)

    def write(self, data: bytes) -> None:
        self._buffer += data

    async def drain(self) -> None:
        self.drained += 1

    def writing_paused(self) -> bool:
        return False

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None

    def switch_protocols(self, target: Any) -> bytes:
        """A WebSocketResponse prepared on a mocked request takes the connection over
        (as aiohttp's mocks allow); nothing was read past the head, so no bytes."""
        self.upgraded_to = target
        return b""


def _header_flags(headers: CIMultiDictProxy[str]) -> tuple[bool, bool, bool, int | None]:
    """(chunked, upgrade, expect_continue, content_length) from the header fields."""
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    connection = {token.strip().lower() for token in headers.get("Connection", "").split(",")}
    upgrade = "upgrade" in connection and "Upgrade" in headers
    expect = headers.get("Expect", "").lower() == "100-continue"
    length = headers.get("Content-Length")
    content_length = int(length) if length and length.isascii() and length.isdigit() else None
    return chunked, upgrade, expect, content_length


def make_mocked_request(
    method: str,
    path: str,
    headers: Mapping[str, str] | CIMultiDict[str] | None = None,
    *,
    match_info: Mapping[str, str] | None = None,
    version: VersionLike | tuple[int, int] = HttpVersion11,
    closing: bool = False,
    app: Application | None = None,
    writer: Any = None,
    protocol: Any = None,
    transport: asyncio.Transport | None = None,
    payload: StreamReader | bytes | None = None,
    sslcontext: ssl.SSLContext | None = None,
    client_max_size: int = 1024**2,
    loop: Any = None,
) -> Request:
    """A ``web.Request`` as a handler would get it, with no server and no socket.

    ``match_info`` gives the path variables; ``app`` (a new, frozen
    ``Application`` when None) is what ``request.app`` returns; freeze your own
    app before preparing responses with it (``on_response_prepare`` is sent).
    ``payload`` is the body: a ``StreamReader`` or simply bytes. Response
    bytes go to ``protocol`` (any object with ``write``, ``drain``,
    ``writing_paused`` and ``transport``), else to a new
    ``RecordingConnection``; ``writer`` (``write``, ``drain``,
    ``writing_paused``) takes only the response bytes. ``path`` may be
    absolute-form (``"http://example.com/p"``): the request's host is then the
    URL's. ``loop`` is accepted for aiohttp compatibility.
    """
    del loop
    fields: CIMultiDict[str] = CIMultiDict(headers or {})
    proxy = CIMultiDictProxy(fields)
    major, minor = (
        (version[0], version[1])
        if isinstance(version, tuple)
        else (
            version.major,
            version.minor,
        )
    )
    http_version = HttpVersion(major, minor)
    chunked, upgrade, expect, content_length = _header_flags(proxy)
    connection_tokens = proxy.get("Connection", "").lower()
    if http_version < HttpVersion(1, 1):
        should_close = closing or "keep-alive" not in connection_tokens
    else:
        should_close = closing or "close" in connection_tokens
    # An absolute-form target ("http://host/path") is taken as a server receives it:
    # request.host comes from it, the scheme from the connection (as aiohttp's mock).
    url = URL(path)
    head = RequestHead(
        method=method.upper(),
        target=path,
        url=url,
        version=http_version,
        headers=proxy,
        should_close=should_close,
        upgrade=upgrade,
        chunked=chunked,
        expect_continue=expect,
        content_length=content_length,
    )

    if protocol is None:
        protocol = RecordingConnection(
            transport if transport is not None else RecordingTransport(sslcontext=sslcontext)
        )
    elif transport is not None:
        protocol.transport = transport
    connection = protocol if writer is None else _SplitConnection(protocol, writer)

    if payload is None:
        stream = StreamReader()
        stream.feed_eof()
    elif isinstance(payload, bytes | bytearray):
        stream = StreamReader()
        stream.feed_data(bytes(payload))
        stream.feed_eof()
    else:
        stream = payload

    try:
        task: asyncio.Task[Any] | None = asyncio.current_task()
    except RuntimeError:
        task = None
    request = Request(head, stream, connection, task, client_max_size=client_max_size)
    if connection is not protocol:
        request._protocol = protocol  # request.protocol is what the caller passed

    if isinstance(match_info, MatchInfo):
        info: MatchInfo[Any] = match_info
    else:
        info = MatchInfo(dict(match_info or {}), None)
    if not info.apps:
        if app is None:
            app = Application()
            app.freeze()  # its (empty) signals can be sent, e.g. by response.prepare()
        info.add_app(app)
    request._match_info = info
    return request


class _SplitConnection:
    """The request's connection facts from ``protocol``, its response bytes to ``writer``."""

    def __init__(self, protocol: Any, writer: Any) -> None:
        self._protocol = protocol
        self._writer = writer

    @property
    def transport(self) -> asyncio.Transport | None:
        transport: asyncio.Transport | None = getattr(self._protocol, "transport", None)
        return transport

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    async def drain(self) -> None:
        await self._writer.drain()

    def writing_paused(self) -> bool:
        paused: bool = self._writer.writing_paused()
        return paused

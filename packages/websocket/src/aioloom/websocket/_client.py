"""Client role over asyncio: ``connect(url)`` performs the opening handshake on a new
TCP (or TLS) connection and returns a ``ClientWebSocket``.

The HTTP/1.1 response head is read here with a deliberately small parser:
status line, header lines, a 64 KiB bound; nothing else of HTTP is needed.
"""

from __future__ import annotations

import asyncio
import re
import ssl as ssl_module
from collections.abc import Sequence
from urllib.parse import urlsplit

from ._connection import DEFAULT_MAX_MSG_SIZE, Connection
from ._errors import WSServerHandshakeError
from ._handshake import client_handshake
from ._websocket import WebSocket
from ._ws_protocol import WebSocketProtocol

__all__ = ["ClientWebSocket", "connect"]

_MAX_HEAD = 65536
_STATUS_RE = re.compile(rb"HTTP/1\.[01] ([0-9]{3})(?: [^\r\n]*)?")
_HEADER_RE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\r\n]*?)[ \t]*")


class ClientWebSocket(WebSocket):
    """The client end of a WebSocket (aiohttp's ``ClientWebSocketResponse`` semantics)."""


class _Headers:
    """Case-insensitive response headers; repeated lines joined with commas."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items: dict[str, str] = {}
        for name, value in items:
            key = name.lower()
            self._items[key] = f"{self._items[key]}, {value}" if key in self._items else value

    def get(self, key: str, /) -> str | None:
        return self._items.get(key.lower())


def _parse_head(head: bytes) -> tuple[int, _Headers]:
    lines = head.split(b"\r\n")
    status = _STATUS_RE.fullmatch(lines[0])
    if status is None:
        raise WSServerHandshakeError(f"Invalid HTTP status line: {lines[0][:100]!r}")
    items: list[tuple[str, str]] = []
    for line in lines[1:]:
        header = _HEADER_RE.fullmatch(line)
        if header is None:
            raise WSServerHandshakeError(f"Invalid HTTP header line: {line[:100]!r}")
        items.append((header.group(1).decode("ascii"), header.group(2).decode("latin-1")))
    return int(status.group(1)), _Headers(items)


async def connect(
    url: str,
    *,
    protocols: Sequence[str] = (),
    compress: int = 15,
    heartbeat: float | None = None,
    max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
    timeout: float = 10.0,  # noqa: ASYNC109 - the close timeout, as in aiohttp
    receive_timeout: float | None = None,
    autoclose: bool = True,
    autoping: bool = True,
    origin: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    ssl: ssl_module.SSLContext | bool | None = None,
    open_timeout: float = 10.0,
) -> ClientWebSocket:
    """Open a WebSocket to ``url`` (``ws://`` or ``wss://``).

    ``compress`` is the permessage-deflate window we offer (8-15, 0: no offer).
    ``timeout`` bounds the close handshake, ``open_timeout`` the TCP connect
    plus the opening handshake. Raises WSServerHandshakeError when the server
    refuses or answers wrongly, OSError when it cannot be reached.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss"):
        raise ValueError(f"unsupported URL scheme: {parts.scheme!r}")
    host = parts.hostname
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    if ssl is None or ssl is True:
        ssl_context: ssl_module.SSLContext | None = (
            ssl_module.create_default_context() if secure else None
        )
    elif ssl is False:
        ssl_context = None
    else:
        ssl_context = ssl
    if secure and ssl_context is None:
        raise ValueError("wss:// needs TLS; pass an ssl.SSLContext or leave ssl=None")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        host_header += f":{parts.port}"
    handshake = client_handshake(protocols=protocols, compress=compress, origin=origin)
    request = [f"GET {target} HTTP/1.1", f"Host: {host_header}"]
    request += [f"{name}: {value}" for name, value in (*handshake.headers, *headers)]
    for line in request:
        if "\r" in line or "\n" in line:
            raise ValueError("CR or LF in a request header")
    raw_request = ("\r\n".join(request) + "\r\n\r\n").encode("latin-1")

    loop = asyncio.get_running_loop()
    async with asyncio.timeout(open_timeout):
        transport, proto = await loop.create_connection(
            WebSocketProtocol,
            host,
            port,
            ssl=ssl_context,
            server_hostname=host if ssl_context is not None else None,
        )
        try:
            transport.write(raw_request)
            while True:
                await proto.head_received.wait()
                end = proto.buffer.find(b"\r\n\r\n")
                if end >= 0:
                    break
                if len(proto.buffer) > _MAX_HEAD:
                    raise WSServerHandshakeError("HTTP response head too large")
                if proto.eof:
                    raise WSServerHandshakeError("Connection closed during the handshake")
                proto.head_received.clear()
            if end > _MAX_HEAD:
                raise WSServerHandshakeError("HTTP response head too large")
            status, response_headers = _parse_head(bytes(proto.buffer[:end]))
            del proto.buffer[: end + 4]
            accepted = handshake.verify(status, response_headers)
        except BaseException:
            transport.abort()
            raise
    ws = ClientWebSocket(
        transport,
        Connection(is_client=True, max_msg_size=max_msg_size, deflate=accepted.deflate),
        protocol=accepted.protocol,
        timeout=timeout,
        receive_timeout=receive_timeout,
        autoclose=autoclose,
        autoping=autoping,
        heartbeat=heartbeat,
    )
    proto.attach(ws)
    return ws

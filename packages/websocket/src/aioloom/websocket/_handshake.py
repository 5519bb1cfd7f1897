"""Opening-handshake helpers for both roles (RFC 6455 section 4), free of any HTTP library.

The server side validates a request's method, version and headers and returns
the response headers for the 101; every refusal is a HandshakeError carrying
the status to answer with (426 plus ``Sec-WebSocket-Version: 13`` for a wrong
version). The client side builds the request headers and key and checks the 101.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ._deflate import (
    DeflateParams,
    client_accept_deflate,
    client_deflate_offer,
    server_negotiate_deflate,
)
from ._errors import HandshakeError, UnsupportedVersion, WSServerHandshakeError
from ._protocols import HeadersLike

__all__ = [
    "ClientHandshake",
    "ClientAccepted",
    "ServerHandshake",
    "accept_token",
    "client_handshake",
    "server_handshake",
]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_KEY_RE = re.compile(r"[A-Za-z0-9+/]{22}==")
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def accept_token(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value answering a client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1(key.encode("ascii") + _GUID).digest()  # noqa: S324 - RFC 6455 mandates SHA-1
    return base64.b64encode(digest).decode("ascii")


def _header(headers: HeadersLike, name: str) -> str | None:
    getall = getattr(headers, "getall", None)
    if callable(getall):
        values = getall(name, ())
        return ", ".join(values) if values else None
    return headers.get(name)


def _tokens(value: str | None) -> list[str]:
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True, slots=True)
class ServerHandshake:
    """An accepted opening handshake: send 101 with ``headers``."""

    key: str
    protocol: str | None
    deflate: DeflateParams | None
    headers: tuple[tuple[str, str], ...]


def server_handshake(
    method: str,
    headers: HeadersLike,
    *,
    protocols: Sequence[str] = (),
    compress: bool = True,
    no_context_takeover: bool = False,
    origins: Collection[str] | None = None,
    http_version: tuple[int, int] = (1, 1),
    require_get: bool = True,
) -> ServerHandshake:
    """Validate a client's opening handshake and build the 101 response headers.

    Raises HandshakeError (status 400, 403 or 405, with a message saying what
    is wrong) or its subclass UnsupportedVersion (426). ``protocols`` are the
    subprotocols the server speaks; the first one the client lists that is
    among them is chosen (no overlap: no subprotocol, not an error). ``origins``,
    when given, is the set of allowed ``Origin`` values. ``require_get=False``
    accepts any method, as aiohttp's server does (RFC 6455 section 4.1 wants GET).
    """
    if require_get and method != "GET":
        raise HandshakeError(
            f"WebSocket handshake needs GET, not {method}", status=405, headers=(("Allow", "GET"),)
        )
    if http_version < (1, 1):
        raise HandshakeError("WebSocket handshake needs HTTP/1.1 or newer")
    upgrade = _header(headers, "Upgrade")
    if "websocket" not in (token.lower() for token in _tokens(upgrade)):
        raise HandshakeError(f"Upgrade header must be 'websocket', got {upgrade!r}")
    connection = _header(headers, "Connection")
    if "upgrade" not in (token.lower() for token in _tokens(connection)):
        raise HandshakeError(f"Connection header must contain 'upgrade', got {connection!r}")
    version = _header(headers, "Sec-WebSocket-Version")
    if version is None or version.strip() != "13":
        raise UnsupportedVersion(f"Unsupported Sec-WebSocket-Version: {version!r} (need 13)")
    key = (_header(headers, "Sec-WebSocket-Key") or "").strip()
    if not _KEY_RE.fullmatch(key):
        raise HandshakeError(f"Sec-WebSocket-Key must be base64 of 16 bytes, got {key!r}")
    try:
        base64.b64decode(key, validate=True)
    except binascii.Error:  # pragma: no cover - the pattern only admits valid base64
        raise HandshakeError(f"Sec-WebSocket-Key is not base64: {key!r}") from None
    if origins is not None:
        origin = _header(headers, "Origin")
        if origin not in origins:
            raise HandshakeError(f"Origin {origin!r} is not allowed", status=403)
    protocol = None
    if protocols:
        for offered in _tokens(_header(headers, "Sec-WebSocket-Protocol")):
            if offered in protocols:
                protocol = offered
                break
    deflate = None
    if compress:
        deflate = server_negotiate_deflate(
            _header(headers, "Sec-WebSocket-Extensions"), no_context_takeover=no_context_takeover
        )
    response = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", accept_token(key)),
    ]
    if protocol is not None:
        response.append(("Sec-WebSocket-Protocol", protocol))
    if deflate is not None:
        response.append(("Sec-WebSocket-Extensions", deflate.response_value()))
    return ServerHandshake(key=key, protocol=protocol, deflate=deflate, headers=tuple(response))


@dataclass(frozen=True, slots=True)
class ClientAccepted:
    """What the server agreed to in its 101 response."""

    protocol: str | None
    deflate: DeflateParams | None


@dataclass(frozen=True, slots=True)
class ClientHandshake:
    """A client's opening handshake: send ``headers`` (plus Host), then ``verify`` the answer."""

    key: str
    headers: tuple[tuple[str, str], ...]
    protocols: tuple[str, ...]
    compress: int
    no_context_takeover: bool

    def verify(self, status: int, headers: HeadersLike) -> ClientAccepted:
        """Check the server's response; WSServerHandshakeError when it is not a valid 101."""
        if status != 101:
            raise WSServerHandshakeError(f"Expected HTTP 101, got {status}", status=status)
        upgrade = _header(headers, "Upgrade")
        if "websocket" not in (token.lower() for token in _tokens(upgrade)):
            raise WSServerHandshakeError(f"Invalid Upgrade header: {upgrade!r}", status=status)
        connection = _header(headers, "Connection")
        if "upgrade" not in (token.lower() for token in _tokens(connection)):
            raise WSServerHandshakeError(
                f"Invalid Connection header: {connection!r}", status=status
            )
        accept = _header(headers, "Sec-WebSocket-Accept")
        if accept != accept_token(self.key):
            raise WSServerHandshakeError(f"Invalid Sec-WebSocket-Accept: {accept!r}", status=status)
        protocol = _header(headers, "Sec-WebSocket-Protocol")
        if protocol is not None:
            protocol = protocol.strip()
            if protocol not in self.protocols:
                raise WSServerHandshakeError(
                    f"Server chose a subprotocol we did not offer: {protocol!r}", status=status
                )
        extensions = _header(headers, "Sec-WebSocket-Extensions")
        if not self.compress:
            if extensions:
                raise WSServerHandshakeError(
                    f"Server accepted extensions we did not offer: {extensions!r}", status=status
                )
            return ClientAccepted(protocol, None)
        try:
            deflate = client_accept_deflate(
                extensions,
                server_max_window_bits=self.compress,
                client_no_context_takeover=self.no_context_takeover,
            )
        except WSServerHandshakeError as exc:
            exc.status = status
            raise
        return ClientAccepted(protocol, deflate)


def client_handshake(
    *,
    protocols: Sequence[str] = (),
    compress: int = 15,
    no_context_takeover: bool = False,
    origin: str | None = None,
) -> ClientHandshake:
    """Build a client's opening handshake headers with a fresh key.

    ``compress`` is the window size (8-15) we offer the server for
    permessage-deflate, 0 to offer no compression (aiohttp's meaning).
    """
    for protocol in protocols:
        if not _TOKEN_RE.fullmatch(protocol):
            raise ValueError(f"invalid subprotocol name: {protocol!r}")
    if compress and not 8 <= compress <= 15:
        raise ValueError("compress must be 0 or a window size in 8..15")
    key = base64.b64encode(os.urandom(16)).decode("ascii")
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Version", "13"),
    ]
    if protocols:
        headers.append(("Sec-WebSocket-Protocol", ", ".join(protocols)))
    if compress:
        headers.append(
            (
                "Sec-WebSocket-Extensions",
                client_deflate_offer(
                    server_max_window_bits=compress,
                    client_no_context_takeover=no_context_takeover,
                ),
            )
        )
    if origin is not None:
        headers.append(("Origin", origin))
    return ClientHandshake(
        key=key,
        headers=tuple(headers),
        protocols=tuple(protocols),
        compress=compress,
        no_context_takeover=no_context_takeover,
    )

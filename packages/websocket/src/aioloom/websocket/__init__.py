"""aioloom.websocket: sans-IO RFC 6455 + RFC 7692 WebSocket for both roles, and a
small asyncio layer (``WebSocket`` over a transport, ``connect`` for clients)."""

from typing import TYPE_CHECKING, Any

from .__about__ import __version__
from ._close import build_close_payload, is_valid_close_code, parse_close_payload
from ._connection import DEFAULT_MAX_MSG_SIZE, Connection
from ._deflate import (
    DeflateParams,
    PerMessageDeflate,
    client_accept_deflate,
    client_deflate_offer,
    parse_extensions,
    server_negotiate_deflate,
)
from ._errors import HandshakeError, UnsupportedVersion, WebSocketError, WSServerHandshakeError
from ._handshake import (
    ClientAccepted,
    ClientHandshake,
    ServerHandshake,
    accept_token,
    client_handshake,
    server_handshake,
)
from ._mask import apply_mask
from ._protocols import HeadersLike, TransportLike
from ._reader import FrameReader
from ._types import WSCloseCode, WSMessage, WSMsgType
from ._writer import build_frame

if TYPE_CHECKING:
    from ._client import ClientWebSocket, connect
    from ._websocket import WS_CLOSED_MESSAGE, WS_CLOSING_MESSAGE, WebSocket
    from ._ws_protocol import WebSocketProtocol

__all__ = [
    "__version__",
    # message types
    "WSMsgType",
    "WSCloseCode",
    "WSMessage",
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    # errors
    "WebSocketError",
    "HandshakeError",
    "UnsupportedVersion",
    "WSServerHandshakeError",
    # opening handshake
    "accept_token",
    "server_handshake",
    "ServerHandshake",
    "client_handshake",
    "ClientHandshake",
    "ClientAccepted",
    "HeadersLike",
    # sans-IO core
    "Connection",
    "DEFAULT_MAX_MSG_SIZE",
    "FrameReader",
    "build_frame",
    "apply_mask",
    "build_close_payload",
    "parse_close_payload",
    "is_valid_close_code",
    # permessage-deflate
    "DeflateParams",
    "PerMessageDeflate",
    "parse_extensions",
    "server_negotiate_deflate",
    "client_deflate_offer",
    "client_accept_deflate",
    # asyncio layer
    "TransportLike",
    "WebSocket",
    "WebSocketProtocol",
    "ClientWebSocket",
    "connect",
]

# The asyncio layer loads on first use, so the sans-IO core never imports asyncio.
_LAZY = {
    "WS_CLOSED_MESSAGE": "._websocket",
    "WS_CLOSING_MESSAGE": "._websocket",
    "WebSocket": "._websocket",
    "WebSocketProtocol": "._ws_protocol",
    "ClientWebSocket": "._client",
    "connect": "._client",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value

"""Opening-handshake helpers (RFC 6455 section 4)."""

from __future__ import annotations

import base64
import hashlib

__all__ = ["accept_token"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_token(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value answering a client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1(key.encode("ascii") + _GUID).digest()  # noqa: S324 - RFC 6455 mandates SHA-1
    return base64.b64encode(digest).decode("ascii")

"""Typed errors: protocol violations carry the close code to send."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "WebSocketError",
    "HandshakeError",
    "UnsupportedVersion",
    "WSServerHandshakeError",
]


class WebSocketError(Exception):
    """The peer broke RFC 6455/7692 or a limit; ``code`` is the close code to fail with."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class HandshakeError(ValueError):
    """A server-side opening handshake that must be refused.

    ``status`` is the HTTP status to answer with (400 unless stated) and
    ``headers`` the extra response headers; ``str(exc)`` says what is wrong.
    """

    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.headers: tuple[tuple[str, str], ...] = tuple(headers)


class UnsupportedVersion(HandshakeError):
    """``Sec-WebSocket-Version`` is not 13: answer 426 with ``Sec-WebSocket-Version: 13``."""

    status = 426

    def __init__(self, message: str) -> None:
        super().__init__(message, headers=(("Sec-WebSocket-Version", "13"),))


class WSServerHandshakeError(HandshakeError):
    """Client side: the server's answer to our opening handshake is not acceptable."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message, status=status)

"""Public message types: ``WSMsgType``, ``WSCloseCode`` and ``WSMessage`` (aiohttp's names)."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any, NamedTuple

__all__ = ["WSCloseCode", "WSMessage", "WSMsgType"]


class WSMsgType(IntEnum):
    """Message types; the values below 256 are RFC 6455 opcodes."""

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    PING = 0x9
    PONG = 0xA
    CLOSE = 0x8
    CLOSING = 0x100
    CLOSED = 0x101
    ERROR = 0x102

    # aiohttp's lower-case aliases (the same members; code written for aiohttp uses them)
    text = TEXT
    binary = BINARY
    ping = PING
    pong = PONG
    close = CLOSE
    closing = CLOSING
    closed = CLOSED
    error = ERROR


class WSCloseCode(IntEnum):
    """Close status codes (RFC 6455 section 7.4.1 and the IANA registry)."""

    OK = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    ABNORMAL_CLOSURE = 1006
    INVALID_TEXT = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014


class WSMessage(NamedTuple):
    """One received message, as aiohttp reports it.

    ``data`` is ``str`` for TEXT, ``bytes`` for BINARY/PING/PONG, the close code
    (``int``) for CLOSE with ``extra`` the reason, the exception for ERROR, and
    ``None`` for CLOSING/CLOSED.
    """

    type: WSMsgType
    data: Any
    extra: Any

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:
        """Decode ``data`` as JSON."""
        return loads(self.data)

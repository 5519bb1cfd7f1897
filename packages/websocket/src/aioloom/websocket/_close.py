"""Close frame payloads (RFC 6455 sections 5.5.1 and 7.4): codes and reasons."""

from __future__ import annotations

from ._errors import WebSocketError
from ._types import WSCloseCode

__all__ = [
    "NO_STATUS_RECEIVED",
    "build_close_payload",
    "is_valid_close_code",
    "parse_close_payload",
]

#: Reported (never sent) when a Close frame carries no status code; aiohttp reports 0.
NO_STATUS_RECEIVED = 0

# 1004-1006 and 1015 are reserved and must never appear on the wire; 1016-2999 are
# unassigned; 3000-4999 belong to libraries and applications.
_RFC_CODES = frozenset({1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014})


def is_valid_close_code(code: int) -> bool:
    """Whether ``code`` may appear in a Close frame."""
    return code in _RFC_CODES or 3000 <= code <= 4999


def parse_close_payload(payload: bytes) -> tuple[int, str]:
    """Code and reason of a received Close frame; WebSocketError(1002/1007) if invalid."""
    size = len(payload)
    if size == 0:
        return NO_STATUS_RECEIVED, ""
    if size == 1:
        raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Close frame payload of 1 byte")
    code = int.from_bytes(payload[:2], "big")
    if not is_valid_close_code(code):
        raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, f"Invalid close code: {code}")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in close reason") from None
    return code, reason


def build_close_payload(code: int | None, reason: bytes | str = b"") -> bytes:
    """Payload for a Close frame we send; ValueError for a code or reason we must not send."""
    raw = reason.encode("utf-8") if isinstance(reason, str) else bytes(reason)
    if code is None:
        if raw:
            raise ValueError("a close reason needs a close code")
        return b""
    if not is_valid_close_code(code):
        raise ValueError(f"close code {code} may not be sent")
    if len(raw) > 123:
        raise ValueError("close reason is longer than 123 bytes")
    return code.to_bytes(2, "big") + raw

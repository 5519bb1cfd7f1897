"""Frame writer (RFC 6455 section 5.2): one ``bytes`` per frame, ready to write."""

from __future__ import annotations

import os
import struct

from ._mask import apply_mask

__all__ = ["build_frame", "unmasked_frame", "unmasked_header"]

_PACK_16 = struct.Struct("!BBH").pack
_PACK_64 = struct.Struct("!BBQ").pack

# Two-byte headers of unmasked final frames with a 7-bit length, by first byte and length.
SHORT_HEADERS = {b0: tuple(bytes((b0, n)) for n in range(126)) for b0 in (0x81, 0x82)}


def unmasked_frame(b0: int, payload: bytes) -> bytes:
    """An unmasked frame (what a server sends) whose first header byte is ``b0``.

    ``b0`` 0x81 or 0x82 (a final TEXT or BINARY frame) for the 7-bit length fast path.
    """
    size = len(payload)
    if size < 126:
        headers = SHORT_HEADERS.get(b0)
        if headers is not None:
            return headers[size] + payload
        return bytes((b0, size)) + payload
    if size < 65536:
        return _PACK_16(b0, 126, size) + payload
    return _PACK_64(b0, 127, size) + payload


def unmasked_header(b0: int, size: int) -> bytes:
    """The header of an unmasked frame of ``size`` payload bytes (first byte ``b0``)."""
    if size < 126:
        return bytes((b0, size))
    if size < 65536:
        return _PACK_16(b0, 126, size)
    return _PACK_64(b0, 127, size)


def build_frame(
    opcode: int,
    payload: bytes | bytearray | memoryview,
    *,
    mask: bool,
    fin: bool = True,
    rsv1: bool = False,
) -> bytes:
    """Header plus payload of one frame; ``mask`` is True for frames a client sends.

    Masks come from ``os.urandom`` (RFC 6455 section 5.3 asks for a strong source).
    """
    b0 = opcode | (0x80 if fin else 0) | (0x40 if rsv1 else 0)
    size = len(payload)
    bit = 0x80 if mask else 0
    if size < 126:
        header = bytes((b0, size | bit))
    elif size < 65536:
        header = _PACK_16(b0, 126 | bit, size)
    elif size < 1 << 63:
        header = _PACK_64(b0, 127 | bit, size)
    else:  # pragma: no cover - no machine holds such a payload
        raise ValueError("payload too large for one frame")
    if mask:
        key = os.urandom(4)
        return header + key + apply_mask(key, payload)
    return header + payload

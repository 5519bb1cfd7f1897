"""Payload masking (RFC 6455 section 5.3), fast in pure Python.

Nothing here loops over bytes in Python. Small payloads are XORed as one big
integer with the key repeated to their length (three linear C loops). From
1 KiB on, four strided ``bytes.translate`` calls (one per key byte) beat the
integer route on CPython 3.11 (measured: 16 KiB 27 us vs 38 us; 16 MiB 37 ms
vs 165 ms, where int conversion stops being linear), so that route is used.
"""

from __future__ import annotations

__all__ = ["apply_mask"]

_XOR_TABLES = tuple(bytes(a ^ b for a in range(256)) for b in range(256))
_TRANSLATE_FROM = 1024


def apply_mask(mask: bytes, data: bytes | bytearray | memoryview) -> bytes:
    """XOR ``data`` with the 4-byte ``mask`` (masking and unmasking are the same)."""
    size = len(data)
    if size < _TRANSLATE_FROM:
        if size == 0:
            return b""
        key = mask * ((size >> 2) + 1)
        value = int.from_bytes(data, "little") ^ int.from_bytes(key[:size], "little")
        return value.to_bytes(size, "little")
    out = bytearray(data)
    tables = _XOR_TABLES
    out[0::4] = out[0::4].translate(tables[mask[0]])
    out[1::4] = out[1::4].translate(tables[mask[1]])
    out[2::4] = out[2::4].translate(tables[mask[2]])
    out[3::4] = out[3::4].translate(tables[mask[3]])
    return bytes(out)

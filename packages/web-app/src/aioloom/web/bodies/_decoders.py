"""Incremental decoders for a part's Content-Transfer-Encoding and Content-Encoding.

Each decoder is fed raw chunks and returns decoded bytes as it goes, so a large part
can be decoded while streaming. Decompression is bounded while inflating.
"""

from __future__ import annotations

import binascii
import zlib
from collections.abc import Mapping
from typing import Protocol

from ._errors import PartDecodeError

__all__ = ["PartDecoder", "make_part_decoder"]

_WHITESPACE = b" \t\r\n"
_IDENTITY_CTE = frozenset({"", "binary", "8bit", "7bit"})


class PartDecoder(Protocol):
    def feed(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


class _Identity:
    def feed(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Base64:
    """Decodes whole 4-character groups; whitespace (line breaks) is ignored."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data.translate(None, _WHITESPACE)
        cut = len(data) - len(data) % 4
        self._pending = data[cut:]
        return self._decode(data[:cut])

    def flush(self) -> bytes:
        if self._pending:
            raise PartDecodeError("truncated base64 data in part")
        return b""

    @staticmethod
    def _decode(data: bytes) -> bytes:
        try:
            return binascii.a2b_base64(data, strict_mode=True)
        except binascii.Error as exc:
            raise PartDecodeError(f"invalid base64 data in part: {exc}") from None


class _QuotedPrintable:
    """Decodes up to the last line break, or short of a trailing, possibly split, escape."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            eq = data.rfind(b"=", max(0, len(data) - 2))
            cut = eq if eq >= 0 else len(data)
        self._pending = data[cut:]
        return binascii.a2b_qp(data[:cut])

    def flush(self) -> bytes:
        data, self._pending = self._pending, b""
        return binascii.a2b_qp(data)


class _Inflate:
    """gzip or deflate (zlib-wrapped, or raw as some clients send it), output bounded."""

    def __init__(self, encoding: str, max_output: int) -> None:
        self._encoding = encoding
        self._max_output = max_output
        self._produced = 0
        self._head = b""  # deflate: bytes kept until the zlib header can be checked
        self._zlib: zlib._Decompress | None = None
        if encoding == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self._zlib is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            b0, b1 = data[0], data[1]
            is_zlib = b0 & 0x0F == 8 and (b0 << 8 | b1) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS)
        return self._inflate(self._zlib, data)

    def _inflate(self, d: zlib._Decompress, data: bytes) -> bytes:
        budget = self._max_output - self._produced
        try:
            out = d.decompress(data, budget + 1)
        except zlib.error as exc:
            raise PartDecodeError(f"invalid {self._encoding} data in part: {exc}") from None
        self._produced += len(out)
        if self._produced > self._max_output:
            raise PartDecodeError(f"part decompresses to more than {self._max_output} bytes")
        return out

    def flush(self) -> bytes:
        if self._zlib is None:
            if self._head:
                raise PartDecodeError(f"truncated {self._encoding} data in part")
            return b""
        out = self._inflate(self._zlib, b"")
        if not self._zlib.eof:
            raise PartDecodeError(f"truncated {self._encoding} data in part")
        return out


class _Chain:
    def __init__(self, first: PartDecoder, second: PartDecoder) -> None:
        self._first = first
        self._second = second

    def feed(self, data: bytes) -> bytes:
        return self._second.feed(self._first.feed(data))

    def flush(self) -> bytes:
        return self._second.feed(self._first.flush()) + self._second.flush()


def make_part_decoder(
    headers: Mapping[str, str], *, content_encoding: bool, max_output: int
) -> PartDecoder:
    """The decoder for a part: Content-Transfer-Encoding, then (if ``content_encoding``)
    Content-Encoding. RFC 7578 forbids Content-Encoding in form-data, so form parts
    pass ``content_encoding=False`` and keep their bytes as sent."""
    cte = headers.get("Content-Transfer-Encoding", "").strip().lower()
    first: PartDecoder
    if cte == "base64":
        first = _Base64()
    elif cte == "quoted-printable":
        first = _QuotedPrintable()
    elif cte in _IDENTITY_CTE:
        first = _Identity()
    else:
        raise PartDecodeError(f"unknown Content-Transfer-Encoding {cte[:40]!r}")
    ce = headers.get("Content-Encoding", "").strip().lower() if content_encoding else ""
    if ce in ("", "identity"):
        return first
    if ce not in ("gzip", "deflate"):
        raise PartDecodeError(f"unsupported Content-Encoding {ce[:40]!r}")
    return _Chain(first, _Inflate(ce, max_output))

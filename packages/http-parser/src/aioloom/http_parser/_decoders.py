"""Content-Encoding decoders, bounded while inflating.

Each decoder inflates with an output cap of what is left under
``max_decompressed_size`` (+1 byte to notice the overflow), so a small
compressed body can never expand past the limit in memory
(GHSA-6mq8-rvhq-8wgg, GHSA-g3cq-j2xw-wf74). gzip and deflate use zlib; br and
zstd are used when ``brotli`` / ``zstandard`` are importable.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any, Protocol

from ._errors import BadRequest, PayloadTooLarge, UnsupportedContentEncoding

__all__ = ["Decoder", "make_decoder", "SUPPORTED_ENCODINGS", "available_encodings"]

SUPPORTED_ENCODINGS = frozenset({"gzip", "deflate", "br", "zstd"})

# Input is fed to libraries without an output cap in slices this small, so a
# single call cannot produce more than (slice * maximum ratio) bytes.
_SLICE = 256


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_brotli = _optional("brotli")
_zstandard = _optional("zstandard")


def available_encodings() -> frozenset[str]:
    """The Content-Encodings this installation can decode."""
    names = {"gzip", "deflate"}
    if _brotli is not None:
        names.add("br")
    if _zstandard is not None:
        names.add("zstd")
    return frozenset(names)


class Decoder(Protocol):
    def decode(self, data: bytes) -> list[bytes]: ...

    def flush(self) -> list[bytes]: ...


class _Budget:
    __slots__ = ("limit", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0

    def room(self) -> int:
        return self.limit - self.size + 1

    def add(self, piece: bytes, out: list[bytes]) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            raise PayloadTooLarge(f"decompressed body larger than {self.limit} bytes")
        if piece:
            out.append(piece)


class _ZlibDecoder:
    __slots__ = ("_budget", "_gzip", "_inflater")

    def __init__(self, gzip: bool, limit: int) -> None:
        self._budget = _Budget(limit)
        self._gzip = gzip
        self._inflater: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None

    def decode(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        if self._inflater is None:
            # deflate: zlib-wrapped (RFC 1950) as specified, raw deflate as sent by some clients.
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        inflater = self._inflater
        budget = self._budget
        try:
            while data:
                if inflater.eof:
                    raise BadRequest("data after the end of the compressed body")
                budget.add(inflater.decompress(data, budget.room()), out)
                data = inflater.unconsumed_tail
        except zlib.error as exc:
            raise BadRequest(f"cannot decode the compressed body: {exc}") from None
        return out

    def flush(self) -> list[bytes]:
        out: list[bytes] = []
        if self._inflater is None:
            return out
        try:
            self._budget.add(self._inflater.flush(), out)
        except zlib.error as exc:  # pragma: no cover - flush of a finished stream
            raise BadRequest(f"cannot decode the compressed body: {exc}") from None
        if not self._inflater.eof:
            raise BadRequest("compressed body ends before the end of its stream")
        return out


class _SlicedDecoder:
    """br / zstd: libraries without an output cap get small input slices."""

    __slots__ = ("_budget", "_process")

    def __init__(self, encoding: str, limit: int) -> None:
        self._budget = _Budget(limit)
        if encoding == "br":
            self._process = _brotli.Decompressor().process
        else:
            self._process = _zstandard.ZstdDecompressor().decompressobj().decompress

    def decode(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        try:
            for start in range(0, len(data), _SLICE):
                self._budget.add(self._process(data[start : start + _SLICE]), out)
        except PayloadTooLarge:
            raise
        except Exception as exc:  # the libraries raise their own error types
            raise BadRequest(f"cannot decode the compressed body: {exc}") from None
        return out

    def flush(self) -> list[bytes]:
        return []


def make_decoder(encoding: str, limit: int) -> Decoder:
    """A bounded decoder for one body; raises 415 if the library is missing."""
    if encoding in ("gzip", "deflate"):
        return _ZlibDecoder(encoding == "gzip", limit)
    if encoding in available_encodings():
        return _SlicedDecoder(encoding, limit)
    raise UnsupportedContentEncoding(
        f"Content-Encoding {encoding!r} cannot be decoded: install the optional extra"
    )

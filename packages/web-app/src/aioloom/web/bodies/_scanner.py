"""Frames a multipart body into part headers and part bodies, reading from a BodyStream.

Rules (RFC 2046 section 5.1.1, strict where laxness would be ambiguous):
- every delimiter is CRLF "--" boundary; the body may start with "--" boundary, so the
  scanner begins with a virtual CRLF and treats the preamble as a part that is discarded;
- after a delimiter: optional spaces/tabs then CRLF (a part follows), or "--" (the end);
  anything else means the boundary occurs inside the data: MalformedMultipart;
- part header lines end with CRLF; bare CR/LF, control bytes and obs-fold are rejected;
  each line is at most ``max_header_line`` bytes, each part has at most ``max_headers``;
- EOF before the closing delimiter is TruncatedMultipart. The scanner never reads past
  EOF twice, so malformed input cannot make it loop.

Searching is done on whole blocks with bytearray.find; only the last len(delimiter) - 1
bytes of a block are carried over unsearched, so each byte is scanned about once.
"""

from __future__ import annotations

import re

from multidict import CIMultiDict, CIMultiDictProxy

from ._errors import MalformedMultipart, PartHeaderError, TruncatedMultipart
from ._stream import BodyStream

__all__ = ["BoundaryScanner"]

_HEADER_RE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):(.*)", re.DOTALL)
_BAD_VALUE_RE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_PADDING = b" \t"
# Headers whose duplicates would make the part ambiguous.
_SINGLETONS = frozenset(
    {
        "content-disposition",
        "content-type",
        "content-transfer-encoding",
        "content-encoding",
        "content-length",
    }
)


class BoundaryScanner:
    """Reads a multipart body part by part; one instance per (nested) multipart body."""

    __slots__ = (
        "_at_delim",
        "_buf",
        "_delim",
        "_done",
        "_eof",
        "_error",
        "_line_scanned",
        "_max_header_line",
        "_max_headers",
        "_read_size",
        "_ready",
        "_stream",
        "part_index",
    )

    def __init__(
        self,
        stream: BodyStream,
        boundary: bytes,
        *,
        max_header_line: int = 8190,
        max_headers: int = 32,
        read_size: int = 65536,
    ) -> None:
        self._stream = stream
        self._delim = b"\r\n--" + boundary
        self._buf = bytearray(b"\r\n")  # virtual CRLF: the body may open with the boundary
        self._ready = 0  # bytes at the front of _buf known to be body data
        self._at_delim = False  # the delimiter starts at _buf[_ready]
        self._eof = False
        self._done = False
        self._error: Exception | None = None  # after an error every call raises it again
        self._line_scanned = 0
        self._max_header_line = max_header_line
        self._max_headers = max_headers
        self._read_size = max(read_size, len(self._delim))
        # -1 while in the preamble; body readers compare it to detect a stale part.
        self.part_index = -1

    @property
    def done(self) -> bool:
        return self._done

    def at_part_end(self) -> bool:
        return self._done or (self._ready == 0 and self._at_delim)

    async def _fill(self) -> bool:
        if self._eof:
            return False
        data = await self._stream.read(self._read_size)
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    async def read_body(self, n: int) -> bytes:
        """Up to ``n`` bytes of the current part's body; b"" once it has all been read."""
        if self._error is not None:
            raise self._error
        try:
            return await self._read_body(n)
        except Exception as exc:
            self._error = exc
            raise

    async def next_part(self) -> CIMultiDictProxy[str] | None:
        """Skip the rest of the current part; the next part's headers, or None at the end."""
        if self._error is not None:
            raise self._error
        try:
            return await self._next_part()
        except Exception as exc:
            self._error = exc
            raise

    async def _read_body(self, n: int) -> bytes:
        if self._done:
            return b""
        if self._ready == 0:
            if self._at_delim:
                return b""
            await self._scan()
            if self._ready == 0:
                return b""
        k = min(n, self._ready)
        data = bytes(self._buf[:k])
        del self._buf[:k]
        self._ready -= k
        return data

    async def _scan(self) -> None:
        delim = self._delim
        while True:
            idx = self._buf.find(delim, self._ready)
            if idx >= 0:
                self._ready = idx
                self._at_delim = True
                return
            ready = len(self._buf) - len(delim) + 1
            if ready > self._ready:
                self._ready = ready
                return
            if not await self._fill():
                where = "first boundary" if self.part_index < 0 else "closing boundary"
                raise TruncatedMultipart(f"body ended before the {where} was found")

    async def _next_part(self) -> CIMultiDictProxy[str] | None:
        if self._done:
            return None
        while not self.at_part_end():  # skip the rest of the body without copying it
            if self._ready:
                del self._buf[: self._ready]
                self._ready = 0
            else:
                await self._scan()
        del self._buf[: len(self._delim)]
        self._at_delim = False
        line = await self._read_line(eof_ok=True)
        if line.startswith(b"--"):
            self._done = True
            self._buf.clear()  # the epilogue is discarded
            if line[2:].strip(_PADDING):
                raise MalformedMultipart("unexpected data after the closing boundary")
            return None
        if line.strip(_PADDING):
            raise MalformedMultipart(
                "unexpected data after a boundary (the boundary occurs inside a part?)"
            )
        if self._eof and not self._buf:
            raise TruncatedMultipart("body ended right after a boundary")
        self.part_index += 1
        return await self._read_headers()

    async def _read_line(self, *, eof_ok: bool = False) -> bytes:
        limit = self._max_header_line
        while True:
            idx = self._buf.find(b"\r\n", self._line_scanned)
            if idx >= 0:
                if idx > limit:
                    break
                line = bytes(self._buf[:idx])
                del self._buf[: idx + 2]
                self._line_scanned = 0
                return line
            if len(self._buf) > limit:
                break
            self._line_scanned = max(0, len(self._buf) - 1)
            if not await self._fill():
                self._line_scanned = 0
                if eof_ok:
                    line = bytes(self._buf)
                    self._buf.clear()
                    return line
                raise TruncatedMultipart("body ended inside a part's headers")
        raise PartHeaderError(f"Got more than {limit} bytes when reading a part header line")

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        while line := await self._read_line():
            if len(headers) >= self._max_headers:
                raise PartHeaderError(
                    f"Too many headers received: more than {self._max_headers} in a part"
                )
            m = _HEADER_RE.fullmatch(line)
            if m is None:
                what = "folded" if line[:1] in (b" ", b"\t") else "invalid"
                raise PartHeaderError(f"{what} part header line {line[:40]!r}")
            name = m.group(1).decode("ascii")
            raw = m.group(2).strip(_PADDING)
            if _BAD_VALUE_RE.search(raw) is not None:
                raise PartHeaderError(f"control character in part header {name!r}")
            if name.lower() in _SINGLETONS and name in headers:
                raise PartHeaderError(f"duplicate {name!r} header in a part")
            try:
                value = raw.decode("utf-8")  # browsers send file names as raw UTF-8
            except UnicodeDecodeError:
                value = raw.decode("latin-1")
            headers.add(name, value)
        return CIMultiDictProxy(headers)

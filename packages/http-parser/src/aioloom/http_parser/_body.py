"""Body readers: Content-Length, chunked and read-until-close framing.

Each reader takes bytes from the parser's buffer at an offset, appends the
body bytes it found to ``out`` (as they arrive, never buffering a whole body)
and returns the new offset. ``done`` turns true at the end of the body.
"""

from __future__ import annotations

from typing import Protocol

from multidict import CIMultiDict

from ._abnf import CHUNK_LINE, TRAILER_CHECK_TABLE
from ._errors import BadRequest, HeadersTooLarge, PayloadTooLarge
from ._fields import PartialBlockScan, parse_trailers
from ._limits import Limits

__all__ = ["BodyReader", "FixedLengthReader", "ChunkedReader", "UntilCloseReader", "take"]


def take(buf: bytes | bytearray, start: int, end: int) -> bytes:
    """``bytes(buf[start:end])`` with a single copy (none for a whole bytes buffer)."""
    if type(buf) is bytes:
        if start == 0 and end == len(buf):
            return buf
        return buf[start:end]
    return bytes(memoryview(buf)[start:end])


class BodyReader(Protocol):
    done: bool
    trailers: CIMultiDict[str] | None

    def read(self, buf: bytes | bytearray, pos: int, out: list[bytes]) -> int: ...

    def eof(self) -> bool:
        """Whether end of input is a valid end of this body."""
        ...


class FixedLengthReader:
    __slots__ = ("done", "remaining", "trailers")

    def __init__(self, length: int) -> None:
        self.remaining = length
        self.done = length == 0
        self.trailers: CIMultiDict[str] | None = None

    def read(self, buf: bytes | bytearray, pos: int, out: list[bytes]) -> int:
        end = len(buf)
        if pos >= end:
            return pos
        remaining = self.remaining
        if end - pos >= remaining:
            out.append(take(buf, pos, pos + remaining))
            self.remaining = 0
            self.done = True
            return pos + remaining
        out.append(take(buf, pos, end))
        self.remaining = remaining - (end - pos)
        return end

    def eof(self) -> bool:
        return self.done


class UntilCloseReader:
    """A response body delimited by the end of the connection."""

    __slots__ = ("_limit", "_size", "done", "trailers")

    def __init__(self, limit: int | None) -> None:
        self.done = False
        self.trailers: CIMultiDict[str] | None = None
        self._limit = limit
        self._size = 0

    def read(self, buf: bytes | bytearray, pos: int, out: list[bytes]) -> int:
        end = len(buf)
        if pos < end:
            self._size += end - pos
            if self._limit is not None and self._size > self._limit:
                raise PayloadTooLarge(f"body larger than {self._limit} bytes")
            out.append(take(buf, pos, end))
        return end

    def eof(self) -> bool:
        self.done = True
        return True


_SIZE, _DATA, _DATA_END, _TRAILERS = range(4)


def _join(views: list[memoryview], out: list[bytes]) -> None:
    """Append the bytes of ``views`` to ``out`` as one piece (one copy)."""
    if views:
        out.append(views[0].tobytes() if len(views) == 1 else b"".join(views))


class ChunkedReader:
    """``Transfer-Encoding: chunked`` (RFC 9112 §7.1), extensions and trailers.

    Chunk-size lines are bounded by ``max_chunk_line_size`` (so extensions
    cannot grow without bound), must end with CRLF (a LF inside an extension
    is rejected, GHSA-8495-4g3g-x7pr), hold 1-16 hex digits and nothing else
    before ``;``. Trailers are bounded like headers (GHSA-9548-qrrj-x5pj,
    GHSA-w2fm-2cpv-w7v5).

    Senders mostly repeat one chunk size, so after a chunk's data the bytes
    "CRLF + the size line of that chunk" are compared before anything is
    parsed: the same bytes are the same valid line, of the same size.
    """

    __slots__ = (
        "_chunk",
        "_limits",
        "_remaining",
        "_repeat",
        "_scan",
        "_size",
        "_state",
        "done",
        "trailers",
    )

    def __init__(self, limits: Limits) -> None:
        self.done = False
        self.trailers: CIMultiDict[str] | None = None
        self._state = _SIZE
        self._remaining = 0  # bytes of the current chunk still to come
        self._chunk = 0  # size of the last chunk whose size line was read
        self._repeat = b""  # CRLF + that size line
        self._limits = limits
        self._size = 0
        self._scan: PartialBlockScan | None = None

    def read(self, buf: bytes | bytearray, pos: int, out: list[bytes]) -> int:
        end = len(buf)
        if pos >= end:
            return pos
        state = self._state
        if state == _TRAILERS:
            return self._trailer_section(buf, pos, end)
        # All in local variables; the data of the chunks found in this call
        # are kept as views and joined once at the end (one copy).
        limit = self._limits.max_chunk_line_size
        max_body = self._limits.max_body_size
        total = self._size
        remaining = self._remaining
        chunk = self._chunk
        repeat = self._repeat
        step = len(repeat)
        view = memoryview(buf)
        views: list[memoryview] = []
        while pos < end:
            if state == _DATA:
                stop = pos + remaining
                if stop > end:
                    views.append(view[pos:end])
                    remaining = stop - end
                    pos = end
                    break
                views.append(view[pos:stop])
                pos = stop
                if step and buf[pos : pos + step] == repeat:
                    pos += step
                    total += chunk
                    if max_body is not None and total > max_body:
                        raise PayloadTooLarge(f"body larger than {max_body} bytes")
                    remaining = chunk
                else:
                    state = _DATA_END
                continue
            if state == _DATA_END:
                if buf.startswith(b"\r\n", pos):
                    pos += 2
                    state = _SIZE
                    continue
                if end - pos == 1 and buf[pos] == 0x0D:
                    break
                raise BadRequest("chunk data not followed by CRLF")
            newline = buf.find(b"\n", pos, pos + limit + 2)
            if newline < 0:
                # Too long once more than the limit is here, not counting
                # a CR that may be the start of the line's CRLF.
                if end - pos > limit + (buf[end - 1] == 0x0D):
                    raise BadRequest(f"chunk-size line longer than {limit} bytes")
                break
            match = CHUNK_LINE.fullmatch(buf, pos, newline + 1)
            if match is None:
                raise BadRequest("invalid chunk-size line (hex size, extensions, then CRLF)")
            size = int(match.group(1), 16)
            if not size:
                _join(views, out)
                self._state = _TRAILERS
                return self._trailer_section(buf, newline + 1, end)
            total += size
            if max_body is not None and total > max_body:
                raise PayloadTooLarge(f"body larger than {max_body} bytes")
            repeat = b"\r\n" + buf[pos : newline + 1]
            step = len(repeat)
            chunk = remaining = size
            pos = newline + 1
            state = _DATA
        _join(views, out)
        self._size = total
        self._state = state
        self._remaining = remaining
        self._chunk = chunk
        self._repeat = repeat
        return pos

    def _trailer_section(self, buf: bytes | bytearray, pos: int, end: int) -> int:
        if pos >= end:
            return pos
        if buf.startswith(b"\r\n", pos):
            self.done = True
            return pos + 2
        stop = buf.find(b"\r\n\r\n", pos)
        if stop < 0:
            if end - pos < 2 and buf[pos] == 0x0D:
                return pos
            if self._scan is None:
                self._scan = PartialBlockScan(-1, HeadersTooLarge, "trailer section")
            self._scan.check(buf, pos, self._limits)
            return pos
        self.trailers = parse_trailers(take(buf, pos, stop), self._limits, TRAILER_CHECK_TABLE)
        self.done = True
        return stop + 4

    def eof(self) -> bool:
        return self.done

"""Body readers: Content-Length, chunked and read-until-close framing.

Each reader takes bytes from the parser's buffer at an offset, appends the
body bytes it found to ``out`` (as they arrive, never buffering a whole body)
and returns the new offset. ``done`` turns true at the end of the body.
"""

from __future__ import annotations

from typing import Protocol

from multidict import CIMultiDict

from ._abnf import CHUNK_LINE, CHUNK_LINE_AFTER_DATA, TRAILER_CHECK_TABLE
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
    """

    __slots__ = ("_limits", "_remaining", "_scan", "_size", "_state", "done", "trailers")

    def __init__(self, limits: Limits) -> None:
        self.done = False
        self.trailers: CIMultiDict[str] | None = None
        self._state = _SIZE
        self._remaining = 0
        self._limits = limits
        self._size = 0
        self._scan: PartialBlockScan | None = None

    def read(self, buf: bytes | bytearray, pos: int, out: list[bytes]) -> int:
        end = len(buf)
        if pos >= end:
            return pos
        state = self._state
        if state == _DATA:
            remaining = self._remaining
            if end - pos < remaining:
                out.append(take(buf, pos, end))
                self._remaining = remaining - (end - pos)
                return end
            out.append(take(buf, pos, pos + remaining))
            pos += remaining
            state = _DATA_END
        elif state == _TRAILERS:
            return self._trailer_section(buf, pos, end)
        # The hot loop: CRLF after data and the next size line in one match,
        # data as views joined once at the end; all in local variables.
        limits = self._limits
        limit = limits.max_chunk_line_size
        max_body = limits.max_body_size
        total = self._size
        after_data = CHUNK_LINE_AFTER_DATA.match
        view = memoryview(buf)
        views: list[memoryview] = []
        while pos < end:
            if state == _DATA_END:
                match = after_data(buf, pos, pos + limit + 4)
                if match is None:
                    # Not a whole CRLF + size line here: check it step by step.
                    if buf.startswith(b"\r\n", pos):
                        pos += 2
                    elif end - pos == 1 and buf[pos] == 0x0D:
                        break
                    else:
                        raise BadRequest("chunk data not followed by CRLF")
                    state = _SIZE
                    continue
            else:
                newline = buf.find(b"\n", pos, pos + limit + 2)
                if newline < 0:
                    if end - pos > limit:
                        raise BadRequest(f"chunk-size line longer than {limit} bytes")
                    break
                match = CHUNK_LINE.fullmatch(buf, pos, newline + 1)
                if match is None:
                    raise BadRequest("invalid chunk-size line (hex size, extensions, then CRLF)")
            size = int(match.group(1), 16)
            pos = match.end()
            if not size:
                _join(views, out)
                self._state = _TRAILERS
                return self._trailer_section(buf, pos, end)
            total += size
            if max_body is not None and total > max_body:
                raise PayloadTooLarge(f"body larger than {max_body} bytes")
            stop = pos + size
            if stop > end:
                views.append(view[pos:end])
                self._remaining = stop - end
                state = _DATA
                pos = end
                break
            views.append(view[pos:stop])
            pos = stop
            state = _DATA_END
        _join(views, out)
        self._size = total
        self._state = state
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

"""Header and trailer sections: validate the bytes, then split them in one go.

A head is validated as a whole with a few C-level passes (a translate table
for forbidden bytes, counts proving every CR and LF belongs to a CRLF, one
regex proving every field line starts with ``token ":"``), then decoded once
and split into a ``CIMultiDict``. No per-byte Python loops.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from multidict import CIMultiDict

from ._abnf import (
    BAD_FIELD_LINE_START,
    FIELD_LINE,
    FIELD_LINE_PREFIX,
    SINGLETON_FIELDS,
    SPECIAL_FIELDS,
)
from ._errors import BadRequest, HeadersTooLarge, HttpParserError
from ._framing import content_length
from ._limits import Limits

__all__ = ["parse_head", "parse_trailers", "duplicated_singletons", "PartialBlockScan"]


_COLONS = itertools.repeat(":")


def _bad_byte(block: bytes, table: bytes, where: str) -> BadRequest:
    index = block.translate(table).find(b"\x00")
    return BadRequest(f"invalid byte 0x{block[index]:02x} in the {where} at offset {index}")


def _check_crlf(block: bytes, where: str) -> int:
    lines = block.count(b"\r\n")
    if block.count(b"\n") != lines:
        raise BadRequest(f"bare LF in the {where} (lines must end with CRLF)")
    if block.count(b"\r") != lines:
        raise BadRequest(f"bare CR in the {where}")
    return lines


def parse_head(
    head: bytes,
    limits: Limits,
    table: bytes,
    line_error: type[HttpParserError],
    start_line: str,
) -> tuple[str, CIMultiDict[str], list[bytes]]:
    """Split a head (without its final CRLFCRLF) into start line and fields.

    Returns the start line (str), the header fields and the lower-cased names
    of the fields in ``SPECIAL_FIELDS`` in order of appearance.
    """
    if b"\x00" in head.translate(table):
        raise _bad_byte(head, table, "message head")
    lines = head.decode("utf-8", "surrogateescape").split("\r\n")
    count = len(lines) - 1
    if head.count(b"\n") != count:
        raise BadRequest("bare LF in the message head (lines must end with CRLF)")
    if head.count(b"\r") != count:
        raise BadRequest("bare CR in the message head")
    first = head.find(b"\r\n") if count else len(head)
    if first > limits.max_line_size:
        raise line_error(f"{start_line} longer than {limits.max_line_size} bytes")
    if not count:
        return lines[0], CIMultiDict(), []
    if count > limits.max_headers:
        raise HeadersTooLarge(f"more than {limits.max_headers} header fields")
    if len(head) - first > limits.max_field_size:
        longest = max(map(len, head[first:].split(b"\r\n")))
        if longest > limits.max_field_size:
            raise HeadersTooLarge(f"header field longer than {limits.max_field_size} bytes")
    if BAD_FIELD_LINE_START.search(head, first) is not None:
        raise BadRequest(
            "malformed header field line (name must be a token followed directly by ':'; "
            "no whitespace before the colon, no obs-fold)"
        )
    start = lines[0]
    del lines[0]
    fields = CIMultiDict([(n, v.strip(" \t")) for n, _, v in map(str.partition, lines, _COLONS)])
    return start, fields, SPECIAL_FIELDS.findall(head.lower(), first)


def duplicated_singletons(names: list[str]) -> str | None:
    """The first singleton field name (lower-cased) that occurs more than once, if any."""
    if len(set(names)) == len(names):
        return None
    seen: set[str] = set()
    for name in names:
        if name in seen and name in SINGLETON_FIELDS:
            return name
        seen.add(name)
    return None


def parse_trailers(block: bytes, limits: Limits, table: bytes) -> CIMultiDict[str]:
    """Parse a trailer section (field lines without the final CRLFCRLF)."""
    if b"\x00" in block.translate(table):
        raise _bad_byte(block, table, "trailer section")
    count = _check_crlf(block, "trailer section") + 1
    if count > limits.max_headers:
        raise HeadersTooLarge(f"more than {limits.max_headers} trailer fields")
    lines = block.split(b"\r\n")
    if max(map(len, lines)) > limits.max_field_size:
        raise HeadersTooLarge(f"trailer field longer than {limits.max_field_size} bytes")
    if BAD_FIELD_LINE_START.search(b"\n" + block) is not None:
        raise BadRequest("malformed trailer field line")
    text = block.decode("utf-8", "surrogateescape").split("\r\n")
    return CIMultiDict([(n, v.strip(" \t")) for n, v in [line.split(":", 1) for line in text]])


class PartialBlockScan:
    """Limits and early checks for a head or trailer section still arriving.

    Scans only the bytes added since the last call, so a section trickling in
    one byte per segment costs linear time, and rejects as soon as the running
    length of a line or the running count of lines passes its limit
    (GHSA-63hw-fmq6-xxg2), a bare LF or CR shows up, a line (or the start of
    one) cannot be valid, or a singleton field repeats.
    """

    __slots__ = (
        "_first_error",
        "_first_limit",
        "_line_start",
        "_lines",
        "_scanned",
        "_seen",
        "_singletons",
        "_start_check",
        "_strict",
        "_what",
    )

    def __init__(
        self,
        first_limit: int,
        first_error: type[HttpParserError],
        what: str,
        start_check: Callable[[bytes, bool], None] | None = None,
        *,
        strict: bool = True,
        singletons: frozenset[str] = frozenset(),
    ) -> None:
        self._first_limit = first_limit
        self._first_error = first_error
        self._what = what
        self._start_check = start_check
        self._strict = strict
        self._singletons = singletons
        self._seen: set[str] = set()
        self.reset()

    def reset(self) -> None:
        self._scanned = 0
        self._line_start = 0
        self._lines = 0
        if self._seen:
            self._seen = set()

    def check(self, buf: bytes | bytearray, start: int, limits: Limits) -> None:
        """Check ``buf[start:]``, an incomplete section, against the limits."""
        end = len(buf)
        line_start = start + self._line_start
        lines = self._lines
        i = buf.find(b"\n", start + self._scanned)
        while i >= 0:
            if self._strict and (i == start or buf[i - 1] != 0x0D):
                raise BadRequest(f"bare LF in the {self._what} (lines must end with CRLF)")
            self._line_done(bytes(buf[line_start : i - 1]), lines, limits, True)
            lines += 1
            line_start = i + 1
            i = buf.find(b"\n", line_start)
        if self._strict and buf.find(b"\r", line_start, end - 1) >= 0:
            raise BadRequest(f"bare CR in the {self._what}")
        self._line_done(bytes(buf[line_start:end]), lines, limits, False)
        self._scanned = end - start
        self._line_start = line_start - start
        self._lines = lines

    def _line_done(self, line: bytes, index: int, limits: Limits, complete: bool) -> None:
        length = len(line) - (not complete and line.endswith(b"\r"))
        if index == 0 and self._first_limit >= 0:
            if length > self._first_limit:
                raise self._first_error(f"{self._what} line longer than {self._first_limit} bytes")
            if self._start_check is not None:
                self._start_check(line, complete)
            return
        if length > limits.max_field_size:
            raise HeadersTooLarge(f"header field longer than {limits.max_field_size} bytes")
        fields = index if self._first_limit >= 0 else index + 1
        if fields > limits.max_headers:
            raise HeadersTooLarge(f"more than {limits.max_headers} fields in the {self._what}")
        if not self._strict:
            return
        if not complete:
            if FIELD_LINE_PREFIX.fullmatch(line) is None:
                raise BadRequest(f"malformed field line in the {self._what}")
            return
        match = FIELD_LINE.fullmatch(line)
        if match is None:
            raise BadRequest(f"malformed field line in the {self._what}")
        if self._singletons:
            name = match.group(1).decode("ascii").lower()
            if name in self._singletons:
                if name in self._seen:
                    raise BadRequest(f"duplicate {name!r} header field")
                self._seen.add(name)
                if name == "content-length":
                    value = line.split(b":", 1)[1].strip(b" \t").decode("latin-1")
                    content_length(value, limits)

"""The ``Range`` request header (RFC 9110 §14.2), for bytes only.

``parse_range`` is ``request.http_range`` (aiohttp's slice API); ``select_range``
is what FileResponse uses to decide between 200, 206 and 416.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ByteRange", "RangeNotSatisfiable", "parse_range", "select_range"]

# ASCII digits only: never accept U+0661 and friends (GHSA-69f9-5gxw-wvc2).
# At most 18 digits, so every number fits a 64-bit offset.
_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})", re.ASCII)
_UNIT = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=", re.ASCII)
_SPEC = re.compile(r"([0-9]{0,18})-([0-9]{0,18})\s*", re.ASCII)


def parse_range(header: str | None) -> slice:
    """``bytes=a-b`` → ``slice(a, b + 1)``, ``bytes=-n`` → ``slice(-n, None)``.

    No header gives ``slice(None, None)``; anything malformed (including
    several ranges) raises ``ValueError``.
    """
    if header is None:
        return slice(None, None, 1)
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        raise ValueError(f"range not in acceptable format: {header!r}")
    first, last = match.group(1), match.group(2)
    if not first and not last:
        raise ValueError("no start or end of range specified")
    if not first:
        return slice(-int(last), None, 1)
    start = int(first)
    if not last:
        return slice(start, None, 1)
    end = int(last) + 1
    if start >= end:
        raise ValueError("start cannot be after end")
    return slice(start, end, 1)


class RangeNotSatisfiable(ValueError):
    """A malformed bytes range, or one that selects nothing of the file: answer 416."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    """The bytes ``start`` to ``stop - 1`` of a representation of ``size`` bytes."""

    start: int
    stop: int
    size: int

    @property
    def length(self) -> int:
        return self.stop - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.stop - 1}/{self.size}"


def select_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to send of ``size`` bytes; None means send it all (200).

    None also when the unit is not ``bytes`` (RFC 9110: ignore it) and when
    several ranges are asked for (a server may ignore Range; we send the whole
    file rather than a multipart/byteranges body). A malformed bytes range, or
    one starting past the end, or ``bytes=-0``, raises RangeNotSatisfiable.
    """
    if header is None:
        return None
    unit = _UNIT.match(header)
    if unit is None:
        raise RangeNotSatisfiable(f"malformed Range: {header!r}")
    if unit.group(1).lower() != "bytes":
        return None
    specs = header[unit.end() :]
    if "," in specs:
        return None
    match = _SPEC.fullmatch(specs)
    if match is None:
        raise RangeNotSatisfiable(f"malformed Range: {header!r}")
    first, last = match.group(1), match.group(2)
    if not first:
        if not last:
            raise RangeNotSatisfiable("a range needs a start or a suffix length")
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable("a zero-length suffix selects nothing")
        return ByteRange(max(size - suffix, 0), size, size)
    start = int(first)
    stop = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        raise RangeNotSatisfiable("the last byte comes before the first")
    if start >= size:
        raise RangeNotSatisfiable("the range starts past the end")
    return ByteRange(start, stop, size)

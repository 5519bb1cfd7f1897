"""The ``Range`` request header, as aiohttp reads it: one ``bytes=first-last`` range.

``parse_range`` is ``request.http_range`` (aiohttp's slice API); ``select_range``
is what FileResponse uses to decide between 200, 206 and 416. As in aiohttp,
anything but a single bytes range (another unit, several ranges, junk) is
malformed and answered 416, where RFC 9110 would let a server ignore it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ByteRange", "RangeNotSatisfiable", "parse_range", "select_range"]

# ASCII digits only: never accept U+0661 and friends (GHSA-69f9-5gxw-wvc2).
# At most 18 digits, so every number fits a 64-bit offset. The unit is
# case-insensitive (RFC 9110 §14.1, and aiohttp).
_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})", re.ASCII | re.IGNORECASE)


def _bounds(header: str) -> tuple[str, str]:
    """The two numbers of ``bytes=first-last`` as written (either may be empty)."""
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        raise ValueError(f"range not in acceptable format: {header!r}")
    first, last = match.group(1), match.group(2)
    if not first and not last:
        raise ValueError("no start or end of range specified")
    if first and last and int(first) > int(last):
        raise ValueError("start cannot be after end")
    return first, last


def parse_range(header: str | None) -> slice:
    """``bytes=a-b`` → ``slice(a, b + 1)``, ``bytes=-n`` → ``slice(-n, None)``.

    No header gives ``slice(None, None)``; anything malformed (including
    several ranges) raises ``ValueError``.
    """
    if header is None:
        return slice(None, None, 1)
    first, last = _bounds(header)
    if not first:
        return slice(-int(last), None, 1)
    return slice(int(first), int(last) + 1 if last else None, 1)


class RangeNotSatisfiable(ValueError):
    """A malformed Range, or one that selects nothing of the file: answer 416."""


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
    """The range to send of ``size`` bytes; None (no Range) means send it all.

    A suffix longer than the file selects all of it and a last byte past the
    end is clamped (206 either way, as aiohttp). RangeNotSatisfiable for what
    ``parse_range`` refuses, a range starting at or past the end, and
    ``bytes=-0`` (a zero-length suffix selects nothing: RFC 9110 §14.1.1;
    aiohttp sends the whole file as a 206).
    """
    if header is None:
        return None
    try:
        first, last = _bounds(header)
    except ValueError as exc:
        raise RangeNotSatisfiable(f"malformed Range {header!r}: {exc}") from None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable("a zero-length suffix selects nothing")
        return ByteRange(max(size - suffix, 0), size, size)
    start = int(first)
    if start >= size:
        raise RangeNotSatisfiable("the range starts past the end")
    stop = size if not last else min(int(last) + 1, size)
    return ByteRange(start, stop, size)

"""The ``Range`` request header as a slice (single byte ranges only)."""

from __future__ import annotations

import re

__all__ = ["parse_range"]

# ASCII digits only: never accept U+0661 and friends (GHSA-69f9-5gxw-wvc2).
_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})", re.ASCII)


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
